package dev.nubo.dist;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Json;
import dev.nubo.testing.TestNubo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One headless Debian Chromium, driven by playwright-core from npm (never a browser Playwright
 * downloads), for tests of the web console. {@link #run} sends a piece of JavaScript that gets
 * Playwright's {@code page}; Playwright's locators wait for what they look for (up to 60 s), so a step
 * awaits the real condition rather than a sleep. See dist/src/test/js/browser.cjs.
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final String PLAYWRIGHT = "playwright-core@1.64.1";
    /** Longer than any of Playwright's own waits, so that a step's own error is what a failure shows. */
    private static final long ANSWER_SECONDS = 180;

    private final Process node;
    private final Writer in;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final Path screenshots;
    private final StringBuffer stderr = new StringBuffer();
    private int next = 1;
    private String failed;

    private Browser(Process node, Path screenshots) {
        this.node = node;
        this.in = node.outputWriter(StandardCharsets.UTF_8);
        this.screenshots = screenshots;
        Thread.ofPlatform().daemon().start(() -> pump(new BufferedReader(node.inputReader(StandardCharsets.UTF_8)), answers::add));
        Thread.ofPlatform().daemon().start(() -> pump(new BufferedReader(node.errorReader(StandardCharsets.UTF_8)),
                line -> stderr.append(line).append('\n')));
    }

    /**
     * Starts Chromium; fails (never skips) when it is not installed, saying how to install it, since a
     * console nobody tested in a browser is the thing this test exists to prevent.
     */
    static Browser start(Path screenshots) {
        if (!Files.isExecutable(CHROMIUM)) {
            throw new IllegalStateException("the console's end-to-end test needs Debian's Chromium at " + CHROMIUM
                    + ", which is not installed: run `apt-get install -y chromium` (.ci/run installs it on a fresh machine)");
        }
        try {
            Files.createDirectories(screenshots);
            Path driver = TestNubo.repository().resolve("dist/src/test/js/browser.cjs");
            ProcessBuilder builder = new ProcessBuilder("node", driver.toString(), CHROMIUM.toString());
            builder.environment().put("NODE_PATH", NpmPackages.install(PLAYWRIGHT).toString());
            Browser browser = new Browser(builder.start(), screenshots);
            browser.answer(0); // Chromium is up (or its start failed, said here)
            return browser;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node to drive Chromium (install Node.js)", e);
        }
    }

    /**
     * Runs {@code code} as the body of {@code async (page, problems) => {...}} and returns what it returns
     * (as JSON); a step that throws fails the test with Playwright's message and a screenshot of the page.
     */
    JsonNode run(String code) {
        if (failed != null) {
            // The steps build on each other: after one failed, the rest would each wait a minute for nothing.
            throw new AssertionError("not run, since an earlier step in the browser failed: " + failed);
        }
        JsonNode answer = answerTo(code);
        if (!answer.path("ok").asBoolean()) {
            String shot = screenshot("failure-" + next);
            failed = "in the browser: " + code + "\nfailed: " + answer.path("error").asText() + "\nthe page then: " + shot;
            throw new AssertionError(failed);
        }
        return answer.path("value");
    }

    /** Saves the whole page as {@code NAME.png} under the screenshots folder (a test artifact) and returns its path. */
    String screenshot(String name) {
        Path file = screenshots.resolve(name + ".png");
        JsonNode answer = answerTo("await page.screenshot({path: " + Json.mapper().valueToTree(file.toString()) + ", fullPage: true});");
        return answer.path("ok").asBoolean() ? file.toString() : "(no screenshot: " + answer.path("error").asText() + ")";
    }

    private JsonNode answerTo(String code) {
        int id = next++;
        try {
            in.write(Json.mapper().writeValueAsString(Map.of("id", id, "code", code)) + "\n");
            in.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("the browser driver is gone:\n" + stderr, e);
        }
        return answer(id);
    }

    private JsonNode answer(int id) {
        try {
            String line = answers.poll(ANSWER_SECONDS, TimeUnit.SECONDS);
            if (line == null) {
                throw new AssertionError("the browser did not answer step " + id + " in " + ANSWER_SECONDS + " s:\n" + stderr);
            }
            JsonNode answer = Json.mapper().readTree(line);
            if (id == 0 && !answer.path("ok").asBoolean()) {
                throw new IllegalStateException("Chromium did not start under Playwright: " + answer.path("error").asText() + "\n" + stderr);
            }
            return answer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void pump(BufferedReader from, java.util.function.Consumer<String> to) {
        try (from) {
            for (String line = from.readLine(); line != null; line = from.readLine()) {
                to.accept(line);
            }
        } catch (IOException ignored) {
            // the driver ended; a step waiting for an answer says so
        }
    }

    /** Closes Chromium (the driver closes it when its input ends), killing it if it hangs. */
    @Override
    public void close() {
        try {
            in.close();
            if (!node.waitFor(30, TimeUnit.SECONDS)) {
                node.destroyForcibly();
            }
        } catch (IOException | InterruptedException e) {
            node.destroyForcibly();
        }
    }
}
