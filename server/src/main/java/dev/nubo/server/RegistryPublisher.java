package dev.nubo.server;

import dev.nubo.instances.Instance;
import dev.nubo.instances.InstanceState;
import dev.nubo.registry.PlatformInstance;
import dev.nubo.registry.Registry;

/**
 * The reconciler's actuator for the service registry, beside {@link RoutePublisher}: every instance
 * Nubo starts is listed under its service's name, UP only while READY, and gone from the moment it
 * leaves READY for a drain, a crash or a stop, so the registry never lists what the gateway would
 * not route to. A drained instance serves on until the callers that fetched it can have let go of it
 * ({@link #callersGoneAt}). Reads the instance's state at each call, under one lock, so a late call can never
 * list an instance as it was before a newer one.
 */
final class RegistryPublisher {

    private final Registry registry;

    RegistryPublisher(Registry registry) {
        this.registry = registry;
    }

    /** Lists the instance as it is now (or takes it out). */
    synchronized void refresh(Instance instance) {
        InstanceState state = instance.state();
        if (state == InstanceState.STARTING && instance.port() == 0) {
            return;     // no process yet: nothing to reach, nor to tie an app's registration to
        }
        if (state == InstanceState.STARTING || state == InstanceState.READY) {
            registry.platform(new PlatformInstance(instance.id(), instance.spec().service(), instance.host(), instance.port(),
                    state == InstanceState.READY));
        } else if (state == InstanceState.DRAINING) {
            registry.platformDraining(instance.id());
        } else {
            registry.platformGone(instance.id());
        }
    }

    /** Until when callers may still call the instance from their registry caches: its drain keeps it serving until then. */
    java.time.Instant callersGoneAt(String instanceId) {
        return registry.callersGoneAt(instanceId);
    }
}
