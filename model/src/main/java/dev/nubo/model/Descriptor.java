package dev.nubo.model;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A service as its {@code nubo.yaml} describes it, validated. Every deploy snapshots one of these
 * into an immutable revision. The reference with every field and default is docs/DESCRIPTOR.md.
 *
 * <pre>{@code
 * Descriptor d = Descriptor.parse(Files.readString(dir.resolve("nubo.yaml")));
 * }</pre>
 *
 * @param name the service name, a DNS label; the service answers at {@code NAME.<domain>}
 * @param runtime how instances are started
 * @param env environment variables for every instance
 * @param timeout how long the gateway waits for a response before answering 504
 * @param memory the memory limit of one instance, in bytes
 * @param maxBodySize the largest request body the gateway accepts, in bytes; above it, 413
 * @param readiness how Nubo decides an instance can take requests
 * @param scale how many instances run
 * @param drainTimeout how long a stopping instance may finish in-flight requests
 * @param paths path prefixes on the bare domain that also route here, e.g. {@code /api/orders}
 */
public record Descriptor(
        String name,
        Runtime runtime,
        Map<String, String> env,
        Duration timeout,
        long memory,
        long maxBodySize,
        Readiness readiness,
        Scale scale,
        Duration drainTimeout,
        List<String> paths) {

    public static final String FILE_NAME = "nubo.yaml";

    public Descriptor {
        env = Map.copyOf(env);
        paths = List.copyOf(paths);
    }

    /** Parses and validates; a {@link UserError} names the offending field and how to fix it. */
    public static Descriptor parse(String yaml) {
        return DescriptorParser.parse(yaml);
    }

    /** How instances of a revision are started. */
    public sealed interface Runtime permits Process, JavaFunction {
        /** The {@code runtime:} value, e.g. {@code process}. */
        String kind();
    }

    /** Any program that serves HTTP on {@code $PORT}, run unmodified. */
    public record Process(List<String> command) implements Runtime {
        public Process {
            command = List.copyOf(command);
        }

        @Override
        public String kind() {
            return "process";
        }
    }

    /**
     * A Java function: {@code handler} is a class implementing one of the function-api interfaces,
     * found in {@code code}, a jar or a classes directory relative to the deployed directory.
     */
    public record JavaFunction(String handler, String code) implements Runtime {
        @Override
        public String kind() {
            return "java";
        }
    }

    /**
     * @param httpPath when present, ready means this path answers 2xx or 3xx; otherwise ready means
     *     the port accepts connections
     * @param startTimeout how long a new instance has to become ready before it counts as failed
     */
    public record Readiness(Optional<String> httpPath, Duration startTimeout) {}

    /** A fixed instance count for now: {@code min} instances run; {@code max} caps autoscaling later. */
    public record Scale(int min, int max) {}
}
