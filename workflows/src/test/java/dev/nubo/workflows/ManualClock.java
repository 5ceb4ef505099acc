package dev.nubo.workflows;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;

/** A clock that moves only when the test (or a {@link #pause()}) says. */
final class ManualClock implements InstantSource {

    static final Instant T0 = Instant.parse("2026-12-03T12:00:00Z");

    private final AtomicReference<Instant> now = new AtomicReference<>(T0);

    @Override
    public Instant instant() {
        return now.get();
    }

    void advance(Duration d) {
        now.updateAndGet(t -> t.plus(d));
    }

    /** A pause that returns at once, having moved this clock to the deadline: waits in tests take no time. */
    Pause pause() {
        return deadline -> now.updateAndGet(t -> t.isBefore(deadline) ? deadline : t);
    }
}
