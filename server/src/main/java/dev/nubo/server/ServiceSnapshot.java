package dev.nubo.server;

import dev.nubo.gateway.Endpoint;
import dev.nubo.instances.InstanceState;
import dev.nubo.model.Descriptor;
import dev.nubo.store.RevisionRecord;
import dev.nubo.store.ServiceRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything one reconcile pass decides a service on, read once at its start: what the store says
 * the service should be, what runs, what the autoscaler wants, and what is routed now. A value: the
 * {@link ReconcilePlan} made from it reads nothing else, so a test builds one by hand.
 *
 * @param name the service's name
 * @param service the stored service; empty once it was deleted
 * @param revisions its stored revisions, newest first; none once deleted
 * @param descriptors the parsed descriptor of every revision above, and of every revision that still
 *     has instances while its descriptor is known (a deleted service's: for their drain timeouts)
 * @param instances every instance of the service the fleet holds, in any state, oldest first
 * @param desired how many instances the autoscaler wants, per revision it sizes and has decided for
 * @param routed how the service's traffic is routed now
 * @param freeStarts how many processes may start fresh now, machine-wide ({@link StartSlots})
 * @param pooledIdle per revision, the prewarmed processes a launch of it could take, needing no start slot
 */
record ServiceSnapshot(String name, Optional<ServiceRecord> service, List<RevisionRecord> revisions,
                       Map<String, Descriptor> descriptors, List<Seen> instances, Map<String, Integer> desired,
                       TrafficPlan routed, int freeStarts, Map<String, Integer> pooledIdle) {

    /** States in which an instance counts towards its revision's size: it serves, or will. */
    static final Set<InstanceState> LIVE = Set.of(InstanceState.STARTING, InstanceState.READY, InstanceState.BACKOFF);

    ServiceSnapshot {
        revisions = List.copyOf(revisions);
        descriptors = Map.copyOf(descriptors);
        instances = List.copyOf(instances);
        desired = Map.copyOf(desired);
        pooledIdle = Map.copyOf(pooledIdle);
    }

    /**
     * One instance as the pass sees it.
     *
     * @param host where the instance's process is reached, as the instance says
     * @param inFlight requests the gateway has in flight to it
     * @param failure why it FAILED, with its log tail; empty in any other state
     */
    record Seen(String id, String revision, InstanceState state, Instant createdAt, String host, int port, int inFlight,
                Optional<Failure> failure) {

        boolean live() {
            return LIVE.contains(state);
        }

        boolean ready() {
            return state == InstanceState.READY;
        }

        /** The one place an instance becomes something the gateway routes to. */
        Endpoint endpoint() {
            return new Endpoint(id, host, port);
        }
    }

    /** Why an instance failed, in words that already include what its runtime reported, and the end of its log. */
    record Failure(String reason, List<String> logTail) {
        Failure {
            logTail = List.copyOf(logTail);
        }
    }
}
