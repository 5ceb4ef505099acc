package dev.nubo.events;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.model.Json;
import dev.nubo.model.NuboException;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * What {@link FullDiskTest} runs in a child JVM, on a small tmpfs mounted at {@code args[0]} in a mount
 * namespace of its own: stores three events for a busy service, fills the disk to the last byte,
 * lets the service take them (so their outcomes must be recorded on a full disk), ingests until the
 * event log refuses twice, frees the disk, ingests once more, waits until every accepted event is
 * delivered and settled, then restarts the event log. Prints one line, {@code RESULT {json}}, with what happened.
 */
final class FullDiskScenario {

    private FullDiskScenario() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Vertx vertx = Vertx.vertx();
        TargetServer target = new TargetServer(vertx);
        ObjectNode result = Json.mapper().createObjectNode();
        EventLog log = EventLog.sqlite(dir.resolve("events.db"));
        Eventing eventing = open(log, vertx, target);
        eventing.createTrigger(Fixtures.trigger("{'name':'orders','to':'orders'}"));
        ArrayNode accepted = result.putArray("accepted");
        ArrayNode refused = result.putArray("refused");

        // Three events wait for a retry when the disk fills up: their deliveries then succeed while it is full.
        Set<String> answered = ConcurrentHashMap.newKeySet();
        List<String> delivered = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        AtomicBoolean busy = new AtomicBoolean(true);
        target.answer = r -> {
            if (busy.get()) {
                return TargetServer.Answer.status(503);
            }
            answered.add(r.header("ce-id"));
            delivered.add(r.header("ce-id"));
            return TargetServer.Answer.ok();
        };
        for (String id : List.of("before-0", "before-1", "before-2")) {
            eventing.ingest("default", List.of(event(id))).join();
            accepted.add(id);
        }
        Path filler = dir.resolve("filler");
        fill(filler);
        busy.set(false);
        for (int i = 0; i < 500 && refused.size() < 2; i++) {
            String id = "e" + i;
            try {
                eventing.ingest("default", List.of(event(id))).join();
                accepted.add(id);
            } catch (CompletionException e) {
                NuboException fault = (NuboException) e.getCause();
                refused.addObject().put("id", id).put("status", fault.httpStatus()).put("message", fault.getMessage())
                        .put("hint", fault.hint());
            }
        }
        result.put("deliveredWhileFull", waitUntil(() -> answered.containsAll(List.of("before-0", "before-1", "before-2"))));
        Files.delete(filler);
        eventing.ingest("default", List.of(event("after"))).join();
        accepted.add("after");
        result.put("settled", waitUntil(() -> Fixtures.count(log, "deliveries") == 0));
        eventing.close();
        log.close();

        EventLog again = EventLog.sqlite(dir.resolve("events.db"));
        Eventing restarted = open(again, vertx, target); // anything still stored as pending would be sent now
        result.put("pendingAfterRestart", Fixtures.count(again, "deliveries"));
        result.put("deadLetters", Fixtures.count(again, "dead_letters"));
        restarted.close();
        again.close();
        ArrayNode sent = result.putArray("delivered");
        delivered.forEach(sent::add);
        target.close();
        vertx.close().await();
        System.out.println("RESULT " + result);
        System.exit(0);
    }

    private static Eventing open(EventLog log, Vertx vertx, TargetServer target) {
        return Eventing.open(log, vertx, EventingConfig.to(new GatewayAddress("127.0.0.1", target.port(), "localhost"))
                .withRandom(new SplittableRandom(1)).withMaxInFlight(16));
    }

    private static CloudEvent event(String id) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/shop")).withType("order.created")
                .withDataContentType("application/octet-stream").withData(new byte[32 << 10]).build();
    }

    /** Writes {@code file} until the disk has no room left. */
    private static void fill(Path file) throws IOException {
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(block);
                out.flush();
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left")) {
                throw full;
            }
        }
    }

    /** Waits at most a minute for {@code condition}; returns whether it came true. */
    private static boolean waitUntil(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

}
