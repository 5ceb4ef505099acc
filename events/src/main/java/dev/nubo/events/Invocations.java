package dev.nubo.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.eventsink.Destination;
import dev.nubo.eventsink.Failure;
import dev.nubo.model.Json;
import dev.nubo.model.UserError;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Asynchronous invocations: the request is stored and acknowledged with an id at once, then sent
 * through the gateway like any delivery, with {@code 1 + retries} attempts. The outcome is recorded
 * on the invocation ({@code nubo invocations NAME}) and sent as a CloudEvent to the on-success or
 * on-failure destination: {@code dev.nubo.invocation.succeeded} with the response, or
 * {@code dev.nubo.invocation.failed} with the error and the original request, so that a failure in
 * the dead-letter store can be replayed as a new invocation.
 */
public final class Invocations {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Invocations.class);

    public static final String SUCCEEDED = "dev.nubo.invocation.succeeded";
    public static final String FAILED = "dev.nubo.invocation.failed";
    private static final String COLUMNS = "SELECT id, service, path, status, attempts, max_attempts, created_at, started_at, finished_at,"
            + " duration_ms, status_code, error, response, on_success, on_failure, timeout_ms FROM invocations";

    /** What the dispatcher's outcomes need of an invocation not yet finished. */
    private static final class Open {
        final String service;
        final DeliveryPolicy policy;
        final Optional<Destination> onSuccess;
        final Optional<Destination> onFailure;
        InvocationStatus status;

        Open(String service, DeliveryPolicy policy, Optional<Destination> onSuccess, Optional<Destination> onFailure,
             InvocationStatus status) {
            this.service = service;
            this.policy = policy;
            this.onSuccess = onSuccess;
            this.onFailure = onFailure;
            this.status = status;
        }
    }

    private final EventLog eventLog;
    private final Journal journal;
    private final Router router;
    private final InstantSource clock;
    private final Map<String, Open> open = new ConcurrentHashMap<>();

    Invocations(EventLog eventLog, Journal journal, Router router, InstantSource clock) {
        this.eventLog = eventLog;
        this.journal = journal;
        this.router = router;
        this.clock = clock;
    }

    /**
     * Takes on the invocations of {@code deliveries}, which this node now sends (left by its last run, or
     * taken over from another node): reads what their outcomes need. Blocks on storage.
     */
    void adopt(List<Delivery> deliveries) {
        List<String> ids = deliveries.stream().filter(Delivery::isInvocation).map(d -> Origin.name(d.origin, Origin.INVOCATION))
                .filter(id -> !open.containsKey(id)).toList();
        if (ids.isEmpty()) {
            return;
        }
        eventLog.read(sql -> {
            var st = sql.get(COLUMNS + " WHERE id = ? AND status IN ('queued', 'running', 'retrying')");
            for (String id : ids) {
                st.setString(1, id);
                try (ResultSet rs = st.executeQuery()) {
                    if (rs.next()) {
                        open.put(id, new Open(rs.getString(2), policy(rs.getInt(6), rs.getLong(16)),
                                destination(rs.getString(14)), destination(rs.getString(15)),
                                InvocationStatus.valueOf(rs.getString(4).toUpperCase(Locale.ROOT))));
                    }
                }
            }
            return null;
        });
    }

    /**
     * Stores the request and queues its first attempt.
     *
     * @param headers the caller's end-to-end headers, passed to the service
     * @return completes with the invocation id once the request is durable
     */
    public CompletableFuture<String> invoke(String service, String path, List<Map.Entry<String, String>> headers, byte[] body,
                                            AsyncOptions options) {
        Destination.Service target = new Destination.Service(service, path);
        String id = newId(clock.instant());
        DeliveryPolicy policy = policy(1 + options.retries(), options.timeout().toMillis());
        Changes changes = new Changes();
        changes.added.add(router.delivery(Origin.INVOCATION + id, target, new Request(headers, body).write(), options.timeout()));
        open.put(id, new Open(service, policy, options.onSuccess(), options.onFailure(), InvocationStatus.QUEUED));
        String now = clock.instant().toString();
        return journal.commit(changes, sql -> {
            var st = sql.get("INSERT INTO invocations (id, service, path, status, max_attempts, timeout_ms, on_success, on_failure, created_at)"
                    + " VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?)");
            st.setString(1, id);
            st.setString(2, service);
            st.setString(3, path);
            st.setInt(4, policy.attempts());
            st.setLong(5, options.timeout().toMillis());
            st.setString(6, options.onSuccess().map(Object::toString).orElse(null));
            st.setString(7, options.onFailure().map(Object::toString).orElse(null));
            st.setString(8, now);
            return st.executeUpdate();
        }).whenComplete((v, e) -> {
            if (e != null) {
                open.remove(id);
            }
        }).thenApply(v -> id);
    }

    /** Newest first. */
    public List<Invocation> list(String service, int limit) {
        return eventLog.read(sql -> {
            var st = sql.get(COLUMNS + " WHERE service = ? ORDER BY created_at DESC, id DESC LIMIT ?");
            st.setString(1, service);
            st.setInt(2, limit);
            List<Invocation> all = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    all.add(invocation(rs));
                }
            }
            return all;
        });
    }

    /** @throws UserError 404 {@code invocation.not_found} */
    public Invocation get(String id) {
        return eventLog.read(sql -> {
            var st = sql.get(COLUMNS + " WHERE id = ?");
            st.setString(1, id);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw UserError.notFound("invocation.not_found", "no invocation " + id, "`nubo invocations SERVICE` lists them");
                }
                return invocation(rs);
            }
        });
    }

    private static Invocation invocation(ResultSet rs) throws SQLException {
        long duration = rs.getLong(10);
        OptionalLong durationMs = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(duration);
        int code = rs.getInt(11);
        OptionalInt statusCode = rs.wasNull() ? OptionalInt.empty() : OptionalInt.of(code);
        return new Invocation(rs.getString(1), rs.getString(2), rs.getString(3),
                InvocationStatus.valueOf(rs.getString(4).toUpperCase(Locale.ROOT)), rs.getInt(5), rs.getInt(6),
                Instant.parse(rs.getString(7)), instant(rs.getString(8)), instant(rs.getString(9)), durationMs, statusCode,
                Optional.ofNullable(rs.getString(12)), destination(rs.getString(14)), destination(rs.getString(15)),
                Optional.ofNullable(rs.getString(13)));
    }

    private static Optional<Instant> instant(String text) {
        return Optional.ofNullable(text).map(Instant::parse);
    }

    DeliveryPolicy policy(String id) {
        Open o = open.get(id);
        return o == null ? DeliveryPolicy.invocations(AsyncOptions.DEFAULT_RETRIES, Duration.ofSeconds(30)) : o.policy;
    }

    void started(Delivery d) {
        String id = Origin.name(d.origin, Origin.INVOCATION);
        transition(id, InvocationStatus.RUNNING);
        String now = clock.instant().toString();
        eventLog.write(sql -> {
            var st = sql.get("UPDATE invocations SET status = 'running', attempts = ?, started_at = coalesce(started_at, ?) WHERE id = ?");
            st.setInt(1, d.attempts);
            st.setString(2, now);
            st.setString(3, id);
            return st.executeUpdate();
        }).exceptionally(e -> unrecorded(id, "running", e));
    }

    void retrying(Delivery d, Reply reply) {
        String id = Origin.name(d.origin, Origin.INVOCATION);
        transition(id, InvocationStatus.RETRYING);
        eventLog.write(sql -> {
            var st = sql.get("UPDATE invocations SET status = 'retrying', error = ?, status_code = ? WHERE id = ?");
            st.setString(1, d.lastError);
            setStatus(st, 2, reply);
            st.setString(3, id);
            return st.executeUpdate();
        }).exceptionally(e -> unrecorded(id, "retrying", e));
    }

    /** Not tried again: a later state would be overwritten if this one landed after it; the final state is. */
    private static Integer unrecorded(String id, String state, Throwable e) {
        if (!DiskFull.is(e)) { // a full disk is logged once, by the event log
            log.warn("invocation {}: recording it as {} failed: {}", id, state, Failure.describe(e));
        }
        return 0;
    }

    void succeeded(Delivery d, Reply reply, long durationMs) {
        finish(d, reply, durationMs, InvocationStatus.SUCCEEDED);
    }

    void failed(Delivery d, Reply reply, long durationMs) {
        finish(d, reply, durationMs, InvocationStatus.FAILED);
    }

    /**
     * Records the invocation's end and sends its result to its destination. If the result cannot be
     * made or routed (a class missing from the distribution, a broker deleted since), the invocation
     * still ends, as failed, with the reason: never left running.
     */
    private void finish(Delivery d, Reply reply, long durationMs, InvocationStatus outcome) {
        String id = Origin.name(d.origin, Origin.INVOCATION);
        Open o = open.remove(id);
        InvocationStatus status = outcome;
        String error = outcome == InvocationStatus.FAILED ? d.lastError : null;
        Changes changes = new Changes();
        changes.finished.add(d.id);
        Optional<Destination> destination = o == null ? Optional.empty() : outcome == InvocationStatus.SUCCEEDED ? o.onSuccess : o.onFailure;
        ObjectNode response = Json.mapper().createObjectNode();
        try {
            response = response(reply);
            if (destination.isPresent()) {
                Changes result = new Changes();
                CloudEvent event = result(id, d, reply, response, outcome);
                try {
                    router.route(destination.get(), event, EventJson.write(event), Origin.RESULT + id, clock.millis(), result,
                            outcome == InvocationStatus.FAILED ? "invocation failed: " + d.lastError : "");
                } catch (RuntimeException | Error e) {
                    journal.release(result);
                    throw e;
                }
                changes.added.addAll(result.added);
                changes.dead.addAll(result.dead);
                changes.overflowed.addAll(result.overflowed);
            }
        } catch (RuntimeException | Error e) {
            log.error("invocation {}: its result cannot be sent to {}; it is recorded as failed", id, destination.map(Object::toString)
                    .orElse("the invocation record"), e);
            status = InvocationStatus.FAILED;
            error = (outcome == InvocationStatus.SUCCEEDED ? "the call succeeded (HTTP " + reply.status() + "), but" : d.lastError + "; and")
                    + " its result could not be " + destination.map(to -> "sent to " + to).orElse("recorded") + ": " + Failure.describe(e);
        }
        if (o != null) {
            try {
                o.status.to(status);
            } catch (IllegalStateException bug) {
                log.error("invocation {}: {}; recording its end anyway", id, bug.getMessage(), bug); // never leave it running
            }
        }
        String now = clock.instant().toString();
        InvocationStatus recorded = status;
        String recordedError = error;
        String stored = reply.status() == 0 || response.isEmpty() ? null : response.toString();
        journal.record(changes, "the end of invocation " + id, sql -> {
            var st = sql.get("UPDATE invocations SET status = ?, attempts = ?, finished_at = ?, duration_ms = ?, status_code = ?,"
                    + " error = ?, response = ? WHERE id = ?");
            st.setString(1, recorded.toString());
            st.setInt(2, d.attempts);
            st.setString(3, now);
            st.setLong(4, durationMs);
            setStatus(st, 5, reply);
            st.setString(6, recordedError);
            st.setString(7, stored);
            st.setString(8, id);
            return st.executeUpdate();
        });
    }

    private CloudEvent result(String id, Delivery d, Reply reply, ObjectNode response, InvocationStatus status) {
        ObjectNode data = Json.mapper().createObjectNode();
        data.put("invocationId", id).put("service", d.target.name()).put("path", ((Destination.Service) d.target).path()).put("attempts", d.attempts);
        if (reply.status() != 0) {
            data.put("statusCode", reply.status());
        }
        if (status == InvocationStatus.SUCCEEDED) {
            data.set("response", response);
        } else {
            data.put("error", d.lastError);
            Request request = Request.read(d.payload);
            ObjectNode req = data.putObject("request");
            var headers = req.putArray("headers");
            request.headers().forEach(h -> headers.addArray().add(h.getKey()).add(h.getValue()));
            req.put("bodyBase64", Base64.getEncoder().encodeToString(request.body()));
        }
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/nubo/services/" + d.target.name()))
                .withType(status == InvocationStatus.SUCCEEDED ? SUCCEEDED : FAILED).withSubject(id)
                .withTime(clock.instant().atOffset(java.time.ZoneOffset.UTC))
                .withDataContentType("application/json").withData(data.toString().getBytes(StandardCharsets.UTF_8)).build();
    }

    /** The response as stored and sent: status, content type, and the body as JSON, text or base64. */
    private static ObjectNode response(Reply reply) {
        ObjectNode node = Json.mapper().createObjectNode();
        if (reply.status() == 0) {
            return node.put("error", reply.error());
        }
        String type = reply.header("Content-Type").orElse("application/octet-stream");
        node.put("statusCode", reply.status()).put("contentType", type);
        if (CloudEventsHttp.isJson(type)) {
            try {
                node.set("body", Json.mapper().readTree(reply.body()));
                return node;
            } catch (java.io.IOException notJson) {
                // fall through: kept as text
            }
        }
        try {
            node.put("body", StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(reply.body())).toString());
        } catch (CharacterCodingException binary) {
            node.put("bodyBase64", Base64.getEncoder().encodeToString(reply.body()));
        }
        return node;
    }

    /** The stored request of a failure record ({@link #FAILED}), for a replay. */
    static Request request(JsonNode failureData) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        failureData.path("request").path("headers").forEach(h -> headers.add(Map.entry(h.get(0).asText(), h.get(1).asText())));
        return new Request(headers, Base64.getDecoder().decode(failureData.path("request").path("bodyBase64").asText("")));
    }

    /** The options the invocation {@code id} was made with, for a replay. */
    AsyncOptions options(String id) {
        return eventLog.read(sql -> {
            var st = sql.get(COLUMNS + " WHERE id = ?");
            st.setString(1, id);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return new AsyncOptions(AsyncOptions.DEFAULT_RETRIES, Duration.ofSeconds(30), Optional.empty(),
                            Optional.of(new Destination.DeadLetters()));
                }
                return new AsyncOptions(rs.getInt(6) - 1, Duration.ofMillis(rs.getLong(16)), destination(rs.getString(14)),
                        destination(rs.getString(15)));
            }
        });
    }

    private void transition(String id, InvocationStatus status) {
        Open o = open.get(id);
        if (o != null) {
            o.status = o.status.to(status);
        }
    }

    private static void setStatus(java.sql.PreparedStatement st, int index, Reply reply) throws SQLException {
        if (reply.status() == 0) {
            st.setNull(index, java.sql.Types.INTEGER);
        } else {
            st.setInt(index, reply.status());
        }
    }

    private static DeliveryPolicy policy(int attempts, long timeoutMs) {
        return DeliveryPolicy.invocations(attempts - 1, Duration.ofMillis(timeoutMs));
    }

    private static Optional<Destination> destination(String text) {
        return Optional.ofNullable(text).map(Destination::parse);
    }

    /** {@code inv-} and 26 characters that sort by creation time, like a ULID. */
    static String newId(Instant now) {
        String time = Long.toString(now.toEpochMilli(), 36);
        String random = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
        return "inv-" + "0".repeat(Math.max(0, 9 - time.length())) + time + "0".repeat(Math.max(0, 13 - random.length())) + random;
    }
}
