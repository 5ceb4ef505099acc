package dev.nubo.server;

import dev.nubo.autoscaler.ScaleDecision;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One line of a service's history as {@code nubo describe} shows it, about one of its revisions or
 * the whole service. Every message the control plane records is worded here, so they read alike and
 * a test can name them; failure reasons, which a revision keeps and its failed event repeats, too.
 */
record ServiceEvent(Optional<String> revision, String message) {

    static ServiceEvent ready(String revision, Duration took) {
        return new ServiceEvent(Optional.of(revision), revision + " is ready (in " + took.toMillis() + " ms)");
    }

    static ServiceEvent failed(String revision, String reason) {
        return new ServiceEvent(Optional.of(revision), revision + " failed: " + reason);
    }

    /** The routed revision could not get another instance; its requests wait meanwhile. */
    static ServiceEvent cannotStart(String revision, String cause) {
        return new ServiceEvent(Optional.of(revision), "cannot start an instance of " + revision + ": " + cause);
    }

    /** An instance's process ended and it starts again: it crashed, or its runtime asked to be replaced. */
    static ServiceEvent restarting(String revision, String instanceId, String why) {
        String what = why.endsWith("asked to be replaced") ? " replaced (" : " crashed (";
        return new ServiceEvent(Optional.of(revision), "instance " + instanceId + what + why + "); restarting");
    }

    /** {@code shop-00001: 2 → 5 instances: burst mode ...}. */
    static ServiceEvent scaled(String revision, ScaleDecision decision) {
        return new ServiceEvent(Optional.of(revision), revision + ": " + decision.reason());
    }

    /** What changed in the service's traffic between two routings; empty when neither shares nor tags did. */
    static Optional<ServiceEvent> traffic(TrafficPlan before, TrafficPlan after) {
        if (before.shares().equals(after.shares()) && before.tags().equals(after.tags())) {
            return Optional.empty();
        }
        String message;
        if (before.shares().isEmpty() && after.shares().size() == 1) {
            message = after.primary().orElseThrow() + " is serving";
        } else if (before.shares().size() == 1 && after.shares().size() == 1 && !before.shares().equals(after.shares())) {
            message = "traffic moved from " + before.primary().orElseThrow() + " to " + after.primary().orElseThrow();
        } else {
            message = "traffic: " + after.describe();
        }
        if (!after.tags().isEmpty()) {
            message += "; tags: " + after.tags().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(", "));
        }
        return Optional.of(new ServiceEvent(after.primary(), message));
    }

    /** The reason of a candidate a newer deploy replaced before it was proven. */
    static String superseded(Optional<String> by) {
        return "superseded by " + by.orElse("a newer revision") + " before it became ready";
    }

    /** The reason of a candidate none of whose instances could even be launched. */
    static String couldNotStart(String cause) {
        return "could not start an instance: " + cause;
    }

    /** The reason of a revision whose instance failed, with what its custom runtime reported, if anything. */
    static String instanceFailed(String failure, Optional<String> runtimeSaid) {
        return failure + runtimeSaid.map(e -> "; the runtime reported: " + e).orElse("");
    }
}
