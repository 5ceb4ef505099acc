package dev.nubo.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event log on a disk that really fills up: a 2 MiB tmpfs, mounted in a user and mount namespace
 * of the child JVM's own ({@code unshare -Urm}), so the test needs no privileges and touches no real
 * disk. Skipped where user namespaces are not allowed.
 */
class FullDiskTest {

    @TempDir
    Path dir;

    @Test
    void aFullDiskRefusesEventsWith507NamingItAndTheLogRecoversOnceThereIsRoomWithoutDeliveringWhatItRefused() throws Exception {
        assumeTrue(namespacesWork(), "unshare -Urm is not allowed here");
        Path disk = Files.createDirectories(dir.resolve("disk"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder("unshare", "-Urm", "sh", "-c",
                "mount -t tmpfs -o size=2m tmpfs \"$0\" && exec \"$1\" --enable-native-access=ALL-UNNAMED -cp \"$2\" \"$3\" \"$0\"",
                disk.toString(), java, classPath, FullDiskScenario.class.getName())
                .redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        try (var lines = child.inputReader(StandardCharsets.UTF_8)) {
            lines.lines().forEach(output::add);
        }
        assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String line = output.stream().filter(l -> l.startsWith("RESULT ")).findFirst()
                .orElseThrow(() -> new AssertionError("the scenario printed no result:\n" + String.join("\n", output)));
        JsonNode result = Json.mapper().readTree(line.substring("RESULT ".length()));

        JsonNode refused = result.path("refused");
        assertThat(refused).as("refusals, in: %s", result).hasSize(2);
        for (JsonNode r : refused) {
            assertThat(r.path("status").asInt()).isEqualTo(507);
            assertThat(r.path("message").asText()).startsWith("the event log's disk is full, so nothing of this was stored: "
                    + disk.resolve("events.db") + " is on " + disk + " (tmpfs), ").endsWith(" free of 2.0 MiB");
            assertThat(r.path("hint").asText())
                    .isEqualTo("free space on that disk, then send again: Nubo resumes by itself once there is room, without a restart");
        }
        List<String> accepted = texts(result.path("accepted"));
        List<String> delivered = texts(result.path("delivered"));
        assertThat(accepted).as("accepted once there was room again, without a restart").contains("after");
        assertThat(result.path("deliveredWhileFull").asBoolean()).as("in: %s", result).isTrue();
        assertThat(result.path("settled").asBoolean()).as("every accepted event delivered and recorded, in: %s", result).isTrue();
        assertThat(delivered).containsAll(accepted).doesNotContainAnyElementsOf(texts(refused.findValues("id")));
        assertThat(delivered).as("each delivered once: outcomes refused by the full disk were recorded later").doesNotHaveDuplicates();
        assertThat(result.path("pendingAfterRestart").asInt()).as("nothing left to send after a restart").isZero();
        assertThat(result.path("deadLetters").asInt()).isZero();
    }

    private static List<String> texts(Iterable<JsonNode> nodes) {
        List<String> all = new ArrayList<>();
        nodes.forEach(n -> all.add(n.asText()));
        return all;
    }

    private static boolean namespacesWork() throws InterruptedException {
        try {
            return new ProcessBuilder("unshare", "-Urm", "true").start().waitFor() == 0;
        } catch (IOException noUnshare) {
            return false;
        }
    }
}
