package dev.nubo.server;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The order in which a server's parts stop, declared in one place: {@link Stage} lists the stages
 * first to last, and {@link NuboServer} hands each part to its stage as it starts it. Closing stops
 * stage after stage whatever order the parts started in (parts of one stage in the order they were
 * added); a part that fails to stop is logged, and the rest still stop.
 *
 * <pre>{@code
 * Shutdown shutdown = new Shutdown();
 * Store store = shutdown.add(Stage.STORE, Store.open(file));
 * Instances instances = shutdown.add(Stage.INSTANCES, Instances.create(...));
 * shutdown.close();   // the instances first, the store after them
 * }</pre>
 */
final class Shutdown implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Shutdown.class);

    /** What stops when, first to last, and why there. */
    enum Stage {
        /** The control API (its listener, then its client): no deploy, event, webhook or log follower comes in any more. */
        CONTROL_API,
        /** Reconciling: from here on no instance is started, replaced or retired behind the stages below. */
        RECONCILER,
        /** Cron and Kafka sources: they publish into eventing, so they stop before it. */
        SOURCES,
        /**
         * Eventing: the dispatcher stops delivering and the event log closes. It delivers through the
         * gateway to instances, so it stops before both; what it has not delivered stays in its log.
         */
        EVENTING,
        /**
         * Workflow runs, interrupted: each resumes from its last recorded step at the next start. After
         * eventing, which starts executions; before instances and the gateway, which their tasks call through.
         */
        WORKFLOWS,
        /** The event log: after eventing, whose last settlements it still records. */
        EVENT_LOG,
        /** Every instance: SIGTERM to its process group, SIGKILL after the grace. */
        INSTANCES,
        /** The Lambda Runtime API bridges: after the instances that poll them, so a stopping runtime still has its API. */
        RUNTIME_APIS,
        /** The gateway's listeners and clients. */
        GATEWAY,
        /** Vert.x: every event loop left, and the deployments still on them. */
        VERTX,
        /** The store: everything above may still write to it while it stops. */
        STORE,
        /** The lock on NUBO_HOME, released last, so that no second server starts there while any of the above runs. */
        HOME_LOCK
    }

    private final Map<Stage, List<AutoCloseable>> parts = new EnumMap<>(Stage.class);

    /** Stops {@code part} in {@code stage}; returns it, so that a part is added where it is made. */
    <T extends AutoCloseable> T add(Stage stage, T part) {
        parts.computeIfAbsent(stage, s -> new ArrayList<>()).add(part);
        return part;
    }

    /** The stages that have parts, in the order they stop. */
    List<Stage> stages() {
        return List.copyOf(parts.keySet());
    }

    /** Stops every part, stage by stage; can be called once. */
    @Override
    public void close() {
        for (Map.Entry<Stage, List<AutoCloseable>> stage : parts.entrySet()) {
            for (AutoCloseable part : stage.getValue()) {
                try {
                    part.close();
                } catch (Exception e) {
                    LOG.warn("stopping {} ({}) failed; stopping the rest", stage.getKey(), part, e);
                }
            }
        }
        parts.clear();
    }
}
