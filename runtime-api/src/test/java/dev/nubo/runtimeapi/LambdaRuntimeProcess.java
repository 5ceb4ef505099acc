package dev.nubo.runtimeapi;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The official AWS Lambda Java runtime interface client, started as a child process exactly as a user's
 * {@code runtime: provided} instance would be: {@code java -cp <RIC jars>:<task root> AWSLambda Handler::handleRequest},
 * with the Lambda environment variables and {@code AWS_LAMBDA_RUNTIME_API} pointing at the bridge.
 */
final class LambdaRuntimeProcess implements AutoCloseable {

    static final String MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";

    /** One class from each jar the client needs: itself, aws-lambda-java-core, -serialization, utils-lite. */
    private static final List<String> JAR_CLASSES = List.of(
            "com.amazonaws.services.lambda.runtime.api.client.HandlerInfo",
            "com.amazonaws.services.lambda.runtime.Context",
            "com.amazonaws.services.lambda.runtime.serialization.PojoSerializer",
            "software.amazon.awssdk.utilslite.SdkInternalThreadLocal");

    private final Process process;
    private final ConcurrentLinkedQueue<String> output = new ConcurrentLinkedQueue<>();

    private LambdaRuntimeProcess(Process process) {
        this.process = process;
        Thread.ofVirtual().start(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                reader.lines().forEach(output::add);
            } catch (IOException | UncheckedIOException ignored) {
                // the process is gone
            }
        });
    }

    static LambdaRuntimeProcess start(RuntimeApiBridge bridge, FunctionInfo function, String handlerClass) {
        Path taskRoot = location(EchoHandler.class.getName());
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "--enable-native-access=ALL-UNNAMED",
                "-cp", classPath(taskRoot),
                MAIN, handlerClass + "::handleRequest");
        ProcessBuilder builder = new ProcessBuilder(command).directory(taskRoot.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("AWS_LAMBDA_RUNTIME_API", bridge.runtimeApiAddress());
        env.put("AWS_LAMBDA_FUNCTION_NAME", function.service());
        env.put("AWS_LAMBDA_FUNCTION_VERSION", function.revision());
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(function.memoryMb()));
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/nubo/" + function.service());
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", function.instanceId());
        env.put("_HANDLER", handlerClass + "::handleRequest");
        env.put("LAMBDA_TASK_ROOT", taskRoot.toString());
        try {
            return new LambdaRuntimeProcess(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The class path as a user would write it: the client's four jars, then the task root. */
    static String classPath(Path taskRoot) {
        return Stream.concat(JAR_CLASSES.stream().map(LambdaRuntimeProcess::location), Stream.of(taskRoot))
                .map(Path::toString)
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static Path location(String className) {
        try {
            Class<?> type = Class.forName(className, false, LambdaRuntimeProcess.class.getClassLoader());
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (ClassNotFoundException | URISyntaxException e) {
            throw new IllegalStateException("the test class path lacks " + className, e);
        }
    }

    boolean printed(String fragment) {
        return output.stream().anyMatch(line -> line.contains(fragment));
    }

    String output() {
        return String.join("\n", new ArrayList<>(output));
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int exitCode(Duration within) throws InterruptedException {
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the runtime did not exit within " + within + "; its output:\n" + output());
        }
        return process.exitValue();
    }

    /** SIGKILL, as a crash or the OOM killer would; returns once the process is gone. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        kill();
    }
}
