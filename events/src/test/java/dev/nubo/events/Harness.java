package dev.nubo.events;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What an eventing test starts from: a Vert.x, a {@link TargetServer} in the gateway's place, and an
 * {@link Eventing} on an event log of its own (SQLite unless the test says which {@link Database}),
 * opened with the test's clock. Register it as a field, {@code @RegisterExtension final Harness harness = new Harness();};
 * it closes everything after each test.
 */
final class Harness implements AfterEachCallback {

    final Vertx vertx = Vertx.vertx();
    final TargetServer target = new TargetServer(vertx);
    private final Path dir;
    private final Database.Place place;
    private final List<Eventing> eventings = new ArrayList<>();
    private final List<EventLog> logs = new ArrayList<>();
    private EventLog log;

    Harness() {
        this(Database.SQLITE);
    }

    Harness(Database database) {
        try {
            dir = Files.createTempDirectory("nubo-events-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        place = database.create(dir);
    }

    /** The configuration tests open with: deliveries to the target server, a seeded random, 64 in flight. */
    EventingConfig config(InstantSource clock) {
        return EventingConfig.to(new GatewayAddress("127.0.0.1", target.port(), "localhost")).withClock(clock)
                .withRandom(new SplittableRandom(1)).withMaxInFlight(64);
    }

    Eventing open(InstantSource clock) {
        return open(config(clock));
    }

    Eventing open(InstantSource clock, Shortcut shortcut) {
        return open(config(clock).withShortcut(shortcut));
    }

    /** Opens (or, after the last one's {@link Eventing#close()}, reopens: a restart) the event log and eventing of this harness. */
    Eventing open(EventingConfig config) {
        if (log != null) {
            log.close();
        }
        log = openLog();
        return node(log, config);
    }

    /** The event log the last {@link #open} opened. */
    EventLog log() {
        return log;
    }

    /** Another event log on the same database: what another node would open. */
    EventLog openLog() {
        EventLog opened = place.open();
        logs.add(opened);
        return opened;
    }

    /** An eventing on {@code log} (a node), closed after the test. */
    Eventing node(EventLog log, EventingConfig config) {
        Eventing eventing = Eventing.open(log, vertx, config);
        eventings.add(eventing);
        return eventing;
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        eventings.forEach(Eventing::close);
        logs.forEach(EventLog::close);
        target.close();
        vertx.close().await();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
