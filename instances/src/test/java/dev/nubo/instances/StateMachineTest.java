package dev.nubo.instances;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StateMachineTest {

    @Test
    void printsTheTransitionTable() {
        String diagram = InstanceState.diagram();
        System.out.println(diagram);
        assertThat(diagram).isEqualTo("""
                STARTING -> READY | BACKOFF | DRAINING | STOPPED | FAILED
                READY    -> BACKOFF | DRAINING | STOPPED | FAILED
                BACKOFF  -> STARTING | DRAINING | STOPPED
                DRAINING -> STOPPED
                STOPPED  (final)
                FAILED   (final)
                """);
    }

    @Test
    void refusesIllegalTransitionsLoudly() {
        assertThatThrownBy(() -> InstanceState.READY.moveTo(InstanceState.STARTING))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("illegal instance transition READY -> STARTING; from READY only"
                        + " BACKOFF | DRAINING | STOPPED | FAILED is allowed");
        assertThatThrownBy(() -> InstanceState.FAILED.moveTo(InstanceState.STARTING))
                .hasMessage("illegal instance transition FAILED -> STARTING; from FAILED only nothing (final) is allowed");
        assertThat(InstanceState.BACKOFF.moveTo(InstanceState.STARTING)).isEqualTo(InstanceState.STARTING);
    }

    @Test
    void backsOffExponentiallyUpToTheCapAndGivesUpOnACrashLoop() {
        CrashLoop loop = new CrashLoop(new InstancesConfig(Duration.ofSeconds(10), 5, Duration.ofMinutes(5),
                Duration.ofMillis(500), Duration.ofSeconds(3), 1 << 20, Duration.ofMillis(50)));
        Instant t = Instant.parse("2026-01-01T00:00:00Z");

        assertThat(loop.exited(t)).isEqualTo(new CrashLoop.Restart(Duration.ofMillis(500)));
        assertThat(loop.exited(t.plusSeconds(1))).isEqualTo(new CrashLoop.Restart(Duration.ofSeconds(1)));
        assertThat(loop.exited(t.plusSeconds(2))).isEqualTo(new CrashLoop.Restart(Duration.ofSeconds(2)));
        assertThat(loop.exited(t.plusSeconds(3))).isEqualTo(new CrashLoop.Restart(Duration.ofSeconds(3)));
        assertThat(loop.exited(t.plusSeconds(4))).isEqualTo(new CrashLoop.Restart(Duration.ofSeconds(3)));
        assertThat(loop.exited(t.plusSeconds(5))).isEqualTo(new CrashLoop.GiveUp(6, Duration.ofMinutes(5)));
    }

    @Test
    void forgetsExitsOlderThanTheWindow() {
        CrashLoop loop = new CrashLoop(new InstancesConfig(Duration.ofSeconds(10), 2, Duration.ofMinutes(5),
                Duration.ofMillis(500), Duration.ofSeconds(30), 1 << 20, Duration.ofMillis(50)));
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        loop.exited(t);
        loop.exited(t.plusSeconds(10));

        // Up for more than the window since the first two exits: base delay and a fresh budget again.
        assertThat(loop.exited(t.plusSeconds(10).plus(Duration.ofMinutes(5)).plusMillis(1)))
                .isEqualTo(new CrashLoop.Restart(Duration.ofMillis(500)));
    }

    @Test
    void describesExitsBySignalAndByTheOomKiller() {
        assertThat(new ExitStatus(1, java.util.OptionalLong.empty()).describe()).isEqualTo("exited with code 1");
        assertThat(new ExitStatus(143, java.util.OptionalLong.empty()).describe())
                .isEqualTo("exited with code 143 (killed by SIGTERM)");
        assertThat(new ExitStatus(137, java.util.OptionalLong.of(64L << 20)).describe())
                .isEqualTo("killed: out of memory (limit 64Mi)");
    }

    @Test
    void readsHttpStatusLines() {
        assertThat(Readiness.isSuccess("HTTP/1.1 204 No Content")).isTrue();
        assertThat(Readiness.isSuccess("HTTP/1.0 302 Found")).isTrue();
        assertThat(Readiness.isSuccess("HTTP/1.1 404 Not Found")).isFalse();
        assertThat(Readiness.isSuccess("SSH-2.0-OpenSSH")).isFalse();
    }

    @Test
    void explainsABadLaunchSpec() {
        assertThatThrownBy(() -> Harness.spec(java.nio.file.Path.of("/tmp"), "bad/id", java.util.List.of("true")).build())
                .hasMessage("instance id 'bad/id' is not usable as a cgroup name; use 1-128 letters, digits, '.', '_'"
                        + " or '-', starting with a letter or digit");
        assertThatThrownBy(() -> Harness.spec(java.nio.file.Path.of("/tmp"), "ok", java.util.List.of()).build())
                .hasMessage("instance ok has an empty command; give the program and its arguments, e.g. [python3, app.py]");
    }
}
