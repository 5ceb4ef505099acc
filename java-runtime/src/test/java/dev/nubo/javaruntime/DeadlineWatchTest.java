package dev.nubo.javaruntime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The watch in this JVM, with a halt that only counts, on short real deadlines. */
class DeadlineWatchTest {

    private final AtomicInteger halts = new AtomicInteger();
    private final DeadlineWatch watch = new DeadlineWatch(Duration.ofMillis(100), Duration.ofMillis(100), halts::incrementAndGet);

    @Test
    void invocationThatReturnsInTimeIsLeftAlone() throws Exception {
        DeadlineWatch.Watched watched = watch.watch("in-time", deadlineIn(100));
        watched.close();
        Thread.sleep(300);

        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(halts).hasValue(0);
    }

    @Test
    void interruptsAtTheDeadlineAndLetsAnInvocationThatStopsGo() throws Exception {
        long start = System.nanoTime();
        DeadlineWatch.Watched watched = watch.watch("stops", deadlineIn(100));
        boolean interrupted = false;
        try {
            Thread.sleep(5_000);
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            watched.close();
        }
        Thread.sleep(300);

        assertThat(interrupted).isTrue();
        assertThat((System.nanoTime() - start) / 1_000_000).as("interrupted, not slept out").isBetween(90L, 4_000L);
        assertThat(halts).hasValue(0);
    }

    @Test
    void haltsWhenTheInvocationIsStillRunningAfterTheGrace() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Thread stubborn = Thread.ofVirtual().start(() -> {
            DeadlineWatch.Watched watched = watch.watch("stubborn", deadlineIn(100));
            try {
                while (!release.await(1, TimeUnit.SECONDS)) {
                    // ignores interruption, as a busy loop would
                }
            } catch (InterruptedException e) {
                while (release.getCount() > 0) {
                    Thread.onSpinWait();
                }
            } finally {
                watched.close();
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> halts.get() > 0);
        release.countDown();
        stubborn.join();

        assertThat(halts).hasValue(1);
    }

    @Test
    void anInterruptThatRacesWithTheReturnIsCleared() {
        DeadlineWatch.Watched watched = watch.watch("late", System.nanoTime());
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        while (!Thread.currentThread().isInterrupted() && System.nanoTime() < until) {
            Thread.onSpinWait();
        }
        watched.close();

        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    private static long deadlineIn(long millis) {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }
}
