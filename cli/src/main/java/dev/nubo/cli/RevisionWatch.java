package dev.nubo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.cli.Service.Instance;
import dev.nubo.cli.Service.Revision;
import dev.nubo.model.Quantities;
import dev.nubo.model.RevisionState;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * Follows one revision after a deploy or a rollback by polling
 * {@code GET /v1/services/{name}/revisions/{id}}, and prints each stage once as it is reached:
 * instances starting (and whether from the prewarmed pool), crashing and failing, and on failure
 * the reason, the log tail and whether the service still serves. Polling, not streaming, because
 * the API has nothing to stream yet, and 100 ms is below what a person notices while still light on
 * a local server.
 */
final class RevisionWatch {

    static final Duration POLL = Duration.ofMillis(100);

    enum Goal { READY, SERVING }

    /** Where the revision ended up; {@code json} is what the API sent, for {@code -o json}. */
    record Outcome(Revision revision, JsonNode json, boolean reached) {}

    private final Api api;
    private final Screen screen;
    private final Env env;
    private final boolean newRevision;
    private final Set<String> shown = new HashSet<>();
    private final Set<String> announced = new HashSet<>();

    /**
     * @param newRevision the revision was just created (a deploy), so each of its instances is news,
     *     even one already ready at the first poll, as a pooled start often is; otherwise (a rollback)
     *     the revision may have had ready instances for hours, and only instances seen starting are news
     */
    RevisionWatch(Api api, Screen screen, Env env, boolean newRevision) {
        this.api = api;
        this.screen = screen;
        this.env = env;
        this.newRevision = newRevision;
    }

    Outcome await(String service, String revision, Goal goal, Duration timeout) {
        String path = "/v1/services/" + Api.segment(service) + "/revisions/" + Api.segment(revision);
        Instant deadline = env.clock().instant().plus(timeout);
        while (true) {
            JsonNode json = api.get(path);
            Revision rev = api.read(json, Revision.class);
            rev.instances().forEach(this::showOnce);
            if (rev.state() == RevisionState.FAILED) {
                showFailure(service, rev);
                return new Outcome(rev, json, false);
            }
            if (rev.state() == RevisionState.READY && (goal == Goal.READY || rev.serving())) {
                return new Outcome(rev, json, true);
            }
            if (env.clock().instant().isAfter(deadline)) {
                throw new CommandError("revision " + revision + " is not " + goal.name().toLowerCase()
                        + " after " + Quantities.formatDuration(timeout) + " (it is " + rev.state() + ")",
                        "the server keeps trying; follow it with `nubo describe " + service
                                + "` and `nubo logs " + service + " -f`, or wait longer with --timeout");
            }
            sleep();
        }
    }

    private void showOnce(Instance instance) {
        String key = instance.id() + " " + instance.state() + " " + instance.restarts();
        if (!shown.add(key)) {
            return;
        }
        switch (instance.state()) {
            case "STARTING", "READY" -> {
                boolean news = newRevision || instance.state().equals("STARTING");
                if (instance.restarts() == 0 && news && announced.add(instance.id())) {
                    screen.pending("instance " + instance.id() + " starting"
                            + (instance.pooled() ? " from the prewarmed pool" : ""));
                }
            }
            case "BACKOFF" -> screen.pending("instance " + instance.id() + " crashed; restarting (restart "
                    + (instance.restarts() + 1) + ")");
            case "FAILED" -> screen.failed("instance " + instance.id() + " failed"
                    + (instance.failure().isEmpty() ? "" : ": " + instance.failure()));
            default -> { }
        }
    }

    private void showFailure(String service, Revision rev) {
        screen.failed("revision " + rev.id() + " failed" + (rev.reason().isEmpty() ? "" : ": " + rev.reason()));
        rev.logTail().forEach(line -> screen.line("    " + line));
        Service now = api.read(api.get("/v1/services/" + Api.segment(service)), Service.class);
        now.serving().filter(serving -> !serving.equals(rev.id())).ifPresent(serving ->
                screen.line("the previous revision keeps serving (" + serving + ")"));
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandError("interrupted while waiting for the revision");
        }
    }
}
