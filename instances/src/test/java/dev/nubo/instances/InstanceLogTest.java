package dev.nubo.instances;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nubo.instances.Harness.Transitions;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceLogTest {

    static final Instant NOON = Instant.parse("2026-11-21T12:00:00.123456Z");

    @TempDir
    Path dir;

    @Test
    void formatsALineWithMillisecondsAndTheStream() {
        assertThat(new LogLine(NOON, "a-1", "stdout", "listening on 8080").format())
                .isEqualTo("2026-11-21T12:00:00.123Z stdout listening on 8080");
        assertThat(new LogLine(Instant.parse("2026-11-21T12:00:00Z"), "a-1", "nubo", "x").format())
                .isEqualTo("2026-11-21T12:00:00.000Z nubo x");
    }

    @Test
    void namesTheRequestALineCameDuringWhenTheInstanceServedThatOneAlone() {
        List<LogLine> seen = new ArrayList<>();
        java.util.concurrent.atomic.AtomicReference<java.util.Optional<String>> alone =
                new java.util.concurrent.atomic.AtomicReference<>(java.util.Optional.empty());
        InstanceLog log = new InstanceLog("a-1", dir.resolve("a.log"), 1 << 20, InstantSource.fixed(NOON), seen::add,
                () -> instanceId -> alone.get());

        log.append("stdout", "idle");
        alone.set(java.util.Optional.of("req-1"));
        log.append("stdout", "working");
        log.append("stderr", "warning");
        log.append("stdout", "req-1 named by the app itself");
        log.nubo("restarting");
        alone.set(java.util.Optional.empty());  // none, or several at once
        log.append("stdout", "busy");

        assertThat(seen).map(LogLine::text).containsExactly("idle", "[req-1] working", "[req-1] warning",
                "req-1 named by the app itself", "restarting", "busy");
    }

    @Test
    void rotatesOnceOverTheLimitAndTailsAcrossBothFiles() throws Exception {
        List<LogLine> seen = new ArrayList<>();
        Path file = dir.resolve("logs/r.log");
        InstanceLog log = new InstanceLog("r", file, 2048, InstantSource.fixed(NOON), seen::add);

        for (int i = 0; i < 200; i++) {
            log.append("stdout", "line " + i);
        }

        Path rotated = dir.resolve("logs/r.log.1");
        assertThat(Files.size(file)).isLessThanOrEqualTo(2048);
        assertThat(Files.size(rotated)).isLessThanOrEqualTo(2048).isGreaterThan(2000);
        assertThat(seen).hasSize(200);
        int inCurrent = Files.readAllLines(file).size();
        List<String> tail = log.tail(inCurrent + 10);
        assertThat(tail).hasSize(inCurrent + 10)
                .last().isEqualTo("2026-11-21T12:00:00.123Z stdout line 199");
        assertThat(tail).map(l -> l.substring(l.lastIndexOf(' ') + 1))
                .containsExactlyElementsOf(IntStream.range(190 - inCurrent, 200).mapToObj(Integer::toString).toList());
        assertThat(log.tail(1000)).hasSize(Files.readAllLines(rotated).size() + inCurrent);
    }

    @Test
    void tailsFilesLargerThanOneBlockWithoutATrailingNewline() throws Exception {
        Path file = dir.resolve("big.log");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            text.append("entry ").append(i).append(i % 7 == 0 ? "" : " padding padding").append('\n');
        }
        text.append("partial");
        Files.writeString(file, text);

        assertThat(LogTail.last(file, 3)).containsExactly("entry 2998 padding padding", "entry 2999 padding padding",
                "partial");
        assertThat(LogTail.last(file, 5000)).hasSize(3001).first().isEqualTo("entry 0");
        assertThat(LogTail.last(dir.resolve("none.log"), 3)).isEmpty();
    }

    @Test
    void cutsLinesAt16KiBAndKeepsTheNextLine() {
        List<LogLine> seen = new ArrayList<>();
        InstanceLog log = new InstanceLog("c", dir.resolve("c.log"), 1 << 20, InstantSource.fixed(NOON), seen::add);
        String input = "x".repeat(20_000) + "\nafter\r\nno newline at end";

        new LinePump(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), "stderr", log).run();

        assertThat(seen).map(LogLine::text).containsExactly(
                "x".repeat(16 * 1024) + " [line cut at 16 KiB]", "after", "no newline at end");
        assertThat(seen).allMatch(l -> l.stream().equals("stderr"));
        assertThat(log.tail(2)).containsExactly("2026-11-21T12:00:00.123Z stderr after",
                "2026-11-21T12:00:00.123Z stderr no newline at end");
    }

    @Test
    void capturesAChattyProcessWithinTheSizeBound() throws Exception {
        InstancesConfig config = new InstancesConfig(Duration.ofSeconds(2), 5, Duration.ofMinutes(5),
                Duration.ofMillis(50), Duration.ofMillis(400), 4096, Duration.ofMillis(20));
        try (Harness harness = new Harness(dir, config)) {
            Instance instance = harness.launch(harness.spec("chatty-00001-c", "sh", "-c",
                    "i=0; while [ $i -lt 500 ]; do echo \"line $i\"; i=$((i+1)); done; exec sleep 300"), new Transitions());

            await().atMost(Duration.ofSeconds(5)).until(() -> instance.logTail(1).stream().anyMatch(l -> l.endsWith("stdout line 499")));
            Path log = dir.resolve("logs/chatty-00001-c.log");
            assertThat(Files.size(log)).isLessThanOrEqualTo(4096);
            assertThat(Files.size(dir.resolve("logs/chatty-00001-c.log.1"))).isLessThanOrEqualTo(4096);
            // One rotation keeps between one and two files' worth: at least 4096 bytes of 41-byte lines.
            List<String> tail = instance.logTail(1000);
            assertThat(tail).hasSizeBetween(99, 200);
            assertThat(tail).map(l -> l.substring(l.indexOf(" stdout line ") + 13)).containsExactlyElementsOf(
                    IntStream.range(500 - tail.size(), 500).mapToObj(Integer::toString).toList());
            assertThat(harness.lines).filteredOn(l -> l.stream().equals("stdout")).hasSize(500);
        }
    }
}
