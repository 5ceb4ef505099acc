package dev.nubo.cli;

import dev.nubo.model.RevisionState;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A service as the API describes it (docs/API.md, {@code GET /v1/services/{name}}). The listing
 * sends the same shape without revisions, paths and events. Absent values arrive as JSON null and
 * are turned into empty strings and lists here, so that nothing downstream handles null.
 */
record Service(String name, String url, String runtime, String servingRevision, String latestRevision,
        String pinnedRevision, String state, Counts instances, Instant createdAt, List<String> paths,
        List<Revision> revisions, List<Event> events) {

    Service {
        url = orEmpty(url);
        runtime = orEmpty(runtime);
        servingRevision = orEmpty(servingRevision);
        latestRevision = orEmpty(latestRevision);
        pinnedRevision = orEmpty(pinnedRevision);
        state = orEmpty(state);
        instances = instances == null ? new Counts(0, 0) : instances;
        paths = paths == null ? List.of() : paths;
        revisions = revisions == null ? List.of() : revisions;
        events = events == null ? List.of() : events;
    }

    Optional<String> serving() {
        return Optional.of(servingRevision).filter(s -> !s.isEmpty());
    }

    Optional<String> pinned() {
        return Optional.of(pinnedRevision).filter(s -> !s.isEmpty());
    }

    record Counts(int ready, int desired) {}

    record Revision(String id, int number, RevisionState state, boolean serving, String reason,
            List<String> logTail, String digest, Instant createdAt, Instant readyAt, List<Instance> instances) {

        Revision {
            reason = orEmpty(reason);
            digest = orEmpty(digest);
            logTail = logTail == null ? List.of() : logTail;
            instances = instances == null ? List.of() : instances;
        }

        Optional<Instant> ready() {
            return Optional.ofNullable(readyAt);
        }

        Optional<Instant> created() {
            return Optional.ofNullable(createdAt);
        }
    }

    /** {@code pid} and {@code port} are 0 before the process has them. */
    record Instance(String id, String state, long pid, int port, int restarts, Instant createdAt,
            Instant readyAt, String failure) {

        Instance {
            state = orEmpty(state);
            failure = orEmpty(failure);
        }

        Optional<Instant> ready() {
            return Optional.ofNullable(readyAt);
        }
    }

    record Event(Instant time, String revision, String message) {

        Event {
            revision = orEmpty(revision);
            message = orEmpty(message);
        }
    }

    /** The answer to {@code POST /v1/deployments}. */
    record Deployment(String service, String revision, String digest, long size, String url, boolean created) {

        Deployment {
            digest = orEmpty(digest);
            url = orEmpty(url);
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
