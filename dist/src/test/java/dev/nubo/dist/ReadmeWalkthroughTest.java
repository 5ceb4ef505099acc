package dev.nubo.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nubo.testing.ServerProcess;
import dev.nubo.testing.TestNubo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's five-minute walkthrough, word for word: every command of its {@code sh} block runs in
 * bash, in order, against the packaged server, with the packaged CLI and the real {@code curl}. Only
 * what differs between a user's machine and a test is rewritten: the server's ephemeral ports for
 * 8080/8081, the test's NUBO_HOME for {@code ~/.nubo}, and the distribution's launcher for
 * {@code bin/nubo} (which would otherwise build Nubo again inside the build). Every command must
 * exit 0; the outputs the README promises are checked where a newcomer would look for them.
 */
class ReadmeWalkthroughTest {

    /** What a command's output must show, matched against the command line; {@code eventually} retries it. */
    record Promise(Pattern command, Pattern output, boolean eventually) {
        static Promise of(String command, String output) {
            return new Promise(Pattern.compile(command), Pattern.compile(output, Pattern.DOTALL), false);
        }

        static Promise eventually(String command, String output) {
            return new Promise(Pattern.compile(command), Pattern.compile(output, Pattern.DOTALL), true);
        }
    }

    static final List<Promise> PROMISES = List.of(
            Promise.of("^bin/nubo deploy examples/hello-java$",
                    "✓ uploaded .*✓ revision hello-java-0000\\d created.*instance hello-java-0000\\d-\\w+ starting.*✓ ready in .*"
                            + "URL: http://hello-java\\.localhost:\\d+/"),
            Promise.of("^curl -d '\\{\"name\":\"Ada\"\\}' http://hello-java", "\\{\"message\":\"Hello, Ada!\",\"revision\":\"hello-java-00001\"\\}"),
            Promise.of("^curl http://hello-node\\.", "(?i)hello"),
            Promise.of("^curl http://hello-python\\.", "(?i)hello"),
            Promise.of("^bin/nubo invoke hello-lambda -d", "\"message\":\"Hello, Ada!\".*\"function\":\"hello-lambda\""),
            Promise.of("^curl 'http://hello-lambda\\.localhost:\\d+/orders", "\"message\":\"Hello, world!\".*\"function\":\"hello-lambda\""),
            Promise.of("^curl http://127\\.0\\.0\\.1:\\d+/v1/runtimes", "\"pools\""),
            Promise.of("^bin/nubo list$", "hello-java"),
            Promise.of("^bin/nubo invoke hello-java", "Hello, Grace!.*\\n$"),
            Promise.of("^bin/nubo rollback hello-java$", "hello-java-00001"),
            Promise.of("^curl http://canary-hello-python", "hello-python-00002"),
            Promise.of("^curl -H 'Nubo-Tag: canary'", "hello-python-00002"),
            Promise.of("^bin/nubo events send", "accepted event \\S+ into broker default"),
            Promise.eventually("^bin/nubo logs hello-events$", "event order\\.created .*event order\\.confirmed "),
            Promise.of("^bin/nubo trigger list$", "(?=.*\\norders ).*confirmed "),
            Promise.of("^bin/nubo invoke hello-events --async", "invocation inv-\\w+ queued"),
            Promise.eventually("^bin/nubo invocations hello-events$", "succeeded"),
            Promise.of("^bin/nubo source create webhook gh", "/v1/webhooks/gh"),
            // The cron source must fire within its minute; the README deletes it right after this check.
            Promise.eventually("^bin/nubo source delete every-minute$", "(?s).*"));

    @TempDir
    Path home;

    TestNubo nubo;

    @AfterEach
    void stop() {
        if (nubo != null) {
            nubo.close();
        }
    }

    @Test
    void everyCommandOfTheWalkthroughWorksAsWritten() throws Exception {
        nubo = TestNubo.start(home);
        List<String> commands = walkthrough(TestNubo.repository().resolve("README.md"));
        assertThat(commands).as("commands in the README's walkthrough").hasSizeGreaterThan(30);
        for (String command : commands) {
            if (command.startsWith("bin/nubo source delete every-minute")) {
                awaitCronFiring();
            }
            if (command.matches("bin/nubo logs \\S+ -f")) {
                assertThat(follow(command)).as("`%s` follows the log", command).isNotBlank();
                continue;
            }
            Promise promise = PROMISES.stream().filter(p -> p.command().matcher(command).find()).findFirst().orElse(null);
            if (promise != null && promise.eventually()) {
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(run(command)).containsPattern(promise.output()));
            } else {
                String out = run(command);
                if (promise != null) {
                    assertThat(out).as("output of `%s`", command).containsPattern(promise.output());
                }
            }
        }
    }

    /** A minute's cron schedule fires within about a minute of being created. */
    private void awaitCronFiring() {
        await().atMost(Duration.ofSeconds(75)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(nubo.nubo("source", "describe", "every-minute", "-o", "json").out()).containsPattern("\"lastFired\"\\s*:\\s*\""));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(nubo.nubo("logs", "hello-events", "--tail", "1000").out()).contains("event dev.nubo.cron.fired id=every-minute@"));
    }

    /** Runs one README line in bash from the repository root; it must exit 0. */
    private String run(String line) throws IOException, InterruptedException {
        Process p = start(line);
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("`%s` finished", line).isTrue();
        assertThat(p.exitValue()).as("`%s` exited with %d; it printed:%n%s", line, p.exitValue(), out).isZero();
        return out;
    }

    /** A command that runs until Ctrl-C: still running after a few seconds, having printed something. */
    private String follow(String line) throws IOException, InterruptedException {
        Process p = start(line);
        Path out = Files.createTempFile(home.getParent(), "follow-", ".out");
        Thread copy = Thread.ofVirtual().start(() -> {
            try (var in = p.getInputStream()) {
                Files.copy(in, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException ignored) {
                // the process was stopped
            }
        });
        boolean exited = p.waitFor(3, TimeUnit.SECONDS);
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        copy.join(5_000);
        assertThat(exited).as("`%s` keeps following instead of exiting; it printed:%n%s", line, Files.readString(out)).isFalse();
        return Files.readString(out);
    }

    private Process start(String line) throws IOException {
        String command = line
                .replace("bin/nubo ", "bash " + ServerProcess.distribution().resolve("bin/nubo") + " ")
                .replace("~/.nubo", home.toString())
                .replace(":8080", ":" + nubo.server().gatewayPort())
                .replace(":8081", ":" + nubo.server().apiUrl().replaceAll(".*:", ""));
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", command).directory(TestNubo.repository().toFile())
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("NUBO_HOME", home.toString());
        builder.environment().remove("NUBO_SERVER");
        builder.environment().remove("NUBO_TOKEN");
        return builder.start();
    }

    /** The command lines of the first {@code sh} block after "## Five-minute walkthrough": no comments, no blanks. */
    static List<String> walkthrough(Path readme) throws IOException {
        List<String> lines = Files.readAllLines(readme);
        int heading = lines.indexOf("## Five-minute walkthrough");
        assertThat(heading).as("the README's walkthrough heading").isNotNegative();
        List<String> commands = new ArrayList<>();
        boolean inBlock = false;
        for (String line : lines.subList(heading, lines.size())) {
            if (line.startsWith("```")) {
                if (inBlock) {
                    break;
                }
                inBlock = line.equals("```sh");
                continue;
            }
            String trimmed = line.strip();
            if (inBlock && !trimmed.isEmpty() && !trimmed.startsWith("#")) {
                commands.add(trimmed.replaceFirst("\\s+#\\s.*$", ""));
            }
        }
        return commands;
    }

}
