package dev.nubo.events;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What an eventing test starts from: a Vert.x, a {@link TargetServer} in the gateway's place, and an
 * {@link Eventing} in a directory of its own, opened with the test's clock. Register it as a field,
 * {@code @RegisterExtension final Harness harness = new Harness();}; it closes everything after each test.
 */
final class Harness implements AfterEachCallback {

    final Vertx vertx = Vertx.vertx();
    final TargetServer target = new TargetServer(vertx);
    private final Path dir;
    private Eventing eventing;

    Harness() {
        try {
            dir = Files.createTempDirectory("nubo-events-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Eventing open(InstantSource clock) {
        return open(clock, Shortcut.NONE);
    }

    /** Opens (or, after {@link Eventing#close()}, reopens: a restart) the event log of this harness. */
    Eventing open(InstantSource clock, Shortcut shortcut) {
        eventing = Eventing.open(dir.resolve("events.db"), vertx, new GatewayAddress("127.0.0.1", target.port(), "localhost"),
                shortcut, clock, new SplittableRandom(1), 64);
        return eventing;
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        if (eventing != null) {
            eventing.close();
        }
        target.close();
        vertx.close().await();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
