package dev.nubo.instances;

/**
 * Told about every state change of an instance, in order, on one Nubo thread and never while Nubo
 * holds a lock, so it may call back into the instance (for example {@code stop()} on
 * {@link InstanceState#FAILED}). By the time it runs, {@link Instance#state()} may have moved on;
 * {@code to} is the state this call is about. It should return quickly: all instances of one
 * {@link Instances} share the thread. For the same reason it must not wait for the future of
 * {@link Instance#stop}, which completes on this thread after the STOPPED call.
 */
@FunctionalInterface
public interface InstanceListener {

    /**
     * @param reason why, for people: "ready", "exited with code 1 before becoming ready",
     *     "crash loop: exited 6 times in 5m; last: exited with code 1", ...
     */
    void changed(Instance instance, InstanceState from, InstanceState to, String reason);
}
