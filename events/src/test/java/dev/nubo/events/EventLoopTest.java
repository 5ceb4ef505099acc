package dev.nubo.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventLoopTest {

    final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().await();
    }

    @Test
    void ownsAContextAsADeploymentAndRunsTimersSetFromAnyThreadOnIt() throws Exception {
        EventLoop loop = EventLoop.deploy(vertx);
        assertThat(vertx.deploymentIDs()).hasSize(1);

        CompletableFuture<Thread> own = new CompletableFuture<>();
        loop.context().runOnContext(v -> own.complete(Thread.currentThread()));
        CompletableFuture<Thread> periodic = new CompletableFuture<>();
        CompletableFuture<Thread> once = new CompletableFuture<>();
        var timer = loop.setPeriodic(1, 1000, () -> periodic.complete(Thread.currentThread()));
        loop.setTimer(1, () -> once.complete(Thread.currentThread()));

        // Timers run on (a duplicate of) the loop's context: on its event-loop thread, not a new loop's.
        assertThat(periodic.get(5, TimeUnit.SECONDS)).as("the periodic timer's thread").isSameAs(own.get(5, TimeUnit.SECONDS));
        assertThat(once.get(5, TimeUnit.SECONDS)).as("the one-off timer's thread").isSameAs(own.get(5, TimeUnit.SECONDS));
        loop.cancel(timer);
        loop.close();
        assertThat(vertx.deploymentIDs()).isEmpty();
    }
}
