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
 * @param cpu the CPU limit of one instance in thousandths of a core ({@code cpu: 500m} is 500); 0 for none
 * @param processes the most processes and threads one instance may hold at once
 * @param maxBodySize the largest request body the gateway accepts, in bytes; above it, 413
 * @param readiness how Nubo decides an instance can take requests
 * @param scale how the autoscaler sizes each revision: from {@code scale.min} (0 = scale to zero) to
 *     {@code scale.max} instances, aiming at {@code scale.target} requests in flight per instance
 * @param drainTimeout how long a stopping instance may finish in-flight requests
 * @param paths path prefixes on the bare domain that also route here, e.g. {@code /api/orders}
 * @param async how asynchronous invocations ({@code nubo invoke --async}) of this service are retried
 *     and where their results go
 * @param secrets environment variables whose values come from secrets, decrypted only into the
 *     instance's environment (the descriptor holds the reference, never the value)
 * @param auth who may call the service through the gateway: anyone, or only callers with a token
 *     allowed to invoke
 * @param limits how many requests the gateway lets through to the service: a rate and a concurrency cap
 * @param resilience the circuit breaker, its fallback, and outlier ejection the gateway applies to the service
 * @param jwt with {@code auth: {jwt: ...}}, whose tokens the gateway accepts
 * @param files files under {@code /run/secrets/} whose contents come from secrets, written for each
 *     instance as it starts (the descriptor holds the reference, never the value)
 */
public record Descriptor(
        String name,
        Runtime runtime,
        Map<String, String> env,
        Duration timeout,
        long memory,
        int cpu,
        int processes,
        long maxBodySize,
        Readiness readiness,
        Scale scale,
        Duration drainTimeout,
        List<String> paths,
        Async async,
        Map<String, SecretRef> secrets,
        Auth auth,
        Limits limits,
        Resilience resilience,
        Optional<Jwt> jwt,
        Map<String, SecretRef> files) {

    public static final String FILE_NAME = "nubo.yaml";
    /** The memory limit of an instance without {@code memory:} in nubo.yaml: 256 MiB. */
    public static final long DEFAULT_MEMORY = 256L << 20;
    /**
     * The process limit of an instance without {@code processes:}: 1024 tasks (processes and threads).
     * A Spring Boot app holds about 50 threads, a busy one a few hundred; a fork bomb stops here.
     */
    public static final int DEFAULT_PROCESSES = 1024;
    /**
     * The largest {@code nubo.yaml}, in bytes of UTF-8 (so also in characters): 64 KiB. A descriptor
     * is a few hundred bytes; only {@code env} values make one larger. The YAML parser's time grows
     * faster than the input (measured: 64 KiB in ~30 ms, 1 MiB in 1.3 s, 2 MiB in 7 s on one core), so
     * the limit is checked before parsing.
     */
    public static final int MAX_BYTES = 64 << 10;

    public Descriptor {
        env = Map.copyOf(env);
        paths = List.copyOf(paths);
        secrets = Map.copyOf(secrets);
        files = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(files));
        if ((auth == Auth.JWT) != jwt.isPresent()) {
            throw new IllegalArgumentException("auth " + auth + " with jwt " + jwt + ": a JWT authorizer goes with auth JWT only");
        }
    }

    /** Who may call a service through the gateway ({@code auth:} in nubo.yaml). */
    public enum Auth {
        /** Anyone who reaches the gateway. */
        NONE,
        /** Callers with a token whose role may invoke (invoker, developer, admin), as {@code Authorization: Bearer}. */
        TOKEN,
        /** Callers with a JWT the descriptor's {@link Jwt} accepts, as {@code Authorization: Bearer}. */
        JWT
    }

    /**
     * The JWTs a service with {@code auth: {jwt: ...}} accepts: signed by one of the keys of a JSON Web
     * Key Set (fetched from {@code jwksUrl} or given inline as {@code jwks}, JSON text), from
     * {@code issuer}, for one of {@code audience}, not expired.
     */
    public record Jwt(String issuer, List<String> audience, Optional<String> jwksUrl, Optional<String> jwks) {
        public Jwt {
            audience = List.copyOf(audience);
        }
    }

    /**
     * What the gateway lets through to a service ({@code limits:} in nubo.yaml), checked before a request
     * is held or forwarded: beyond {@code rate} (with {@code burst} in hand) it answers 429, beyond
     * {@code concurrency} requests in flight 503, both with Retry-After.
     *
     * @param rate requests per second; 0 for no rate limit
     * @param burst requests that may come at once after a quiet spell (the token bucket's size)
     * @param perClient one bucket per caller address instead of one for the service
     * @param concurrency the most requests in flight to the service at once; 0 for no cap
     * @param paths limits of their own for requests whose path starts with a key ({@code /search}), or
     *     with a method, whose method and path do ({@code POST /orders}); checked besides the service's
     */
    public record Limits(double rate, int burst, boolean perClient, int concurrency, Map<String, Limits> paths) {
        public static final Limits NONE = new Limits(0, 0, false, 0);

        /** Limits without any of their own per path. */
        public Limits(double rate, int burst, boolean perClient, int concurrency) {
            this(rate, burst, perClient, concurrency, Map.of());
        }

        public Limits {
            paths = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(paths));
        }

        public boolean any() {
            return rate > 0 || concurrency > 0 || !paths.isEmpty();
        }

        /** The rate as nubo.yaml would write it: {@code 100/s}, or per minute below one a second ({@code 30/m}). */
        public String rateText() {
            return rate >= 1 ? number(rate) + "/s" : number(rate * 60) + "/m";
        }

        private static String number(double d) {
            return new java.math.BigDecimal(d).setScale(3, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
        }
    }

    /** Every secret this descriptor takes a value from: its environment's and its files'. */
    public java.util.stream.Stream<SecretRef> secretRefs() {
        return java.util.stream.Stream.concat(secrets.values().stream(), files.values().stream());
    }

    /** This descriptor with {@code more} added to its environment: an instance's view, with its secrets' values. */
    public Descriptor withEnv(Map<String, String> more) {
        if (more.isEmpty()) {
            return this;
        }
        Map<String, String> all = new java.util.LinkedHashMap<>(env);
        all.putAll(more);
        return new Descriptor(name, runtime, all, timeout, memory, cpu, processes, maxBodySize, readiness, scale, drainTimeout, paths, async,
                secrets, auth, limits, resilience, jwt, files);
    }

    /**
     * This descriptor under the name its service is stored by: {@code orders.team-a} for the service
     * {@code orders} of the namespace {@code team-a} ({@link Namespaced}), so its instances, routes and
     * logs belong to that service and not to a namesake in another namespace.
     */
    public Descriptor named(String qualified) {
        return qualified.equals(name) ? this : new Descriptor(qualified, runtime, env, timeout, memory, cpu, processes, maxBodySize, readiness,
                scale, drainTimeout, paths, async, secrets, auth, limits, resilience, jwt, files);
    }

    /** The error for a {@code nubo.yaml} over {@link #MAX_BYTES}, measured as {@code size} ("50.0 MiB"). */
    public static UserError tooLarge(String size) {
        return UserError.badRequest("descriptor.too_large", FILE_NAME + " is " + size + ", more than the limit of "
                        + Quantities.formatBytes(MAX_BYTES),
                "keep data out of nubo.yaml: put large values in files of the deployed directory and read them at start"
                        + " (the service runs in that directory)");
    }

    /** Parses and validates; a {@link UserError} names the offending field and how to fix it. */
    public static Descriptor parse(String yaml) {
        return DescriptorParser.parse(yaml, false);
    }

    /**
     * A stored revision's snapshot, read back as it was accepted: rules added to {@link #parse} since
     * (a key written twice is refused) must not make an older revision unreadable at start.
     */
    public static Descriptor parseStored(String yaml) {
        return DescriptorParser.parse(yaml, true);
    }

    /**
     * How instances of a revision are started: one record per {@code runtime:} kind. How each is
     * written in nubo.yaml is model's {@code RuntimeSyntax}; how each is launched, the runtimes
     * module's {@code RuntimeKind}.
     */
    public sealed interface Runtime permits Process, JavaFunction, NodeFunction, PythonFunction, Provided, Static {
        /** The {@code runtime:} value, e.g. {@code process}. */
        default String kind() {
            return RuntimeSyntax.of(this).key;
        }

        /** {@code handler} as nubo.yaml gives it, for the runtimes that take one. */
        default Optional<String> handlerField() {
            return Optional.empty();
        }

        /** {@code code} as nubo.yaml gives it, for the runtimes that take one. */
        default Optional<String> codeField() {
            return Optional.empty();
        }

        /** {@code command} as Nubo runs it; empty for function runtimes, whose program is Nubo's own. */
        default List<String> commandField() {
            return List.of();
        }

        /**
         * {@code layers}: directories or {@code .zip} archives inside the deployed directory, merged as
         * Lambda merges its layers into {@code /opt} (a later one wins); only function runtimes take them.
         */
        default List<String> layers() {
            return List.of();
        }
    }

    /** Any program that serves HTTP on {@code $PORT}, run unmodified. */
    public record Process(List<String> command) implements Runtime {
        public Process {
            command = List.copyOf(command);
        }

        @Override
        public List<String> commandField() {
            return command;
        }
    }

    /**
     * A Java function: {@code handler} is a class implementing one of the function-api interfaces or
     * AWS Lambda's {@code RequestHandler}/{@code RequestStreamHandler} (optionally with Lambda's
     * {@code ::method} suffix), found in {@code code}, a jar or a classes directory relative to the
     * deployed directory.
     */
    public record JavaFunction(String handler, String code, List<String> layers) implements Runtime {
        public JavaFunction {
            layers = List.copyOf(layers);
        }

        public JavaFunction(String handler, String code) {
            this(handler, code, List.of());
        }

        @Override
        public Optional<String> handlerField() {
            return Optional.of(handler);
        }

        @Override
        public Optional<String> codeField() {
            return Optional.of(code);
        }
    }

    /**
     * A Node.js function as on AWS Lambda: {@code handler} is {@code FILE.EXPORT}, e.g.
     * {@code index.handler} for {@code export const handler = async (event, context) => ...} in
     * {@code index.js}, {@code index.mjs} or {@code index.cjs} of the deployed directory.
     */
    public record NodeFunction(String handler, List<String> layers) implements Runtime {
        public NodeFunction {
            layers = List.copyOf(layers);
        }

        public NodeFunction(String handler) {
            this(handler, List.of());
        }

        @Override
        public Optional<String> handlerField() {
            return Optional.of(handler);
        }
    }

    /**
     * A Python function as on AWS Lambda: {@code handler} is {@code MODULE.FUNCTION}, e.g.
     * {@code main.handler} for {@code def handler(event, context)} in {@code main.py}.
     */
    public record PythonFunction(String handler, List<String> layers) implements Runtime {
        public PythonFunction {
            layers = List.copyOf(layers);
        }

        public PythonFunction(String handler) {
            this(handler, List.of());
        }

        @Override
        public Optional<String> handlerField() {
            return Optional.of(handler);
        }
    }

    /**
     * An unmodified AWS Lambda custom runtime: {@code command} (by default {@code ./bootstrap}) polls
     * the Lambda Runtime API that Nubo serves at {@code $AWS_LAMBDA_RUNTIME_API}; {@code handler},
     * when given, is passed as {@code _HANDLER}. It serves one invocation at a time.
     */
    public record Provided(List<String> command, Optional<String> handler) implements Runtime {
        public Provided {
            command = List.copyOf(command);
        }

        @Override
        public Optional<String> handlerField() {
            return handler;
        }

        @Override
        public List<String> commandField() {
            return command;
        }
    }

    /**
     * A directory served by the gateway itself, with no process ({@code runtime: static}), e.g. a
     * built single-page app: {@code root} is the served subdirectory of the deployed one ({@code .} for
     * all of it); with {@code spa}, paths that name no file and have no extension answer with
     * {@code index.html}; {@code notFound} names a page under the root that answers missing files with 404.
     */
    public record Static(String root, boolean spa, Optional<String> notFound) implements Runtime {}

    /**
     * @param httpPath when present, ready means this path answers 2xx or 3xx; otherwise ready means
     *     the port accepts connections
     * @param startTimeout how long a new instance has to become ready before it counts as failed
     */
    public record Readiness(Optional<String> httpPath, Duration startTimeout) {}

    /**
     * Asynchronous invocations: {@code 1 + retries} attempts (a 5xx, 429, timeout or unreachable
     * instance is retried; other 4xx are not); the result goes to {@code onSuccess}, the error to
     * {@code onFailure}, each written as {@code broker:NAME}, {@code service:NAME[/path]} (or
     * {@code NAME[/path]}) or {@code dead-letters}.
     */
    public record Async(int retries, Optional<String> onSuccess, Optional<String> onFailure) {
        public static final int DEFAULT_RETRIES = 2;

        public static Async defaults() {
            return new Async(DEFAULT_RETRIES, Optional.empty(), Optional.of("dead-letters"));
        }
    }

    /**
     * How the autoscaler sizes a revision; see docs/DESCRIPTOR.md. The autoscaler keeps between
     * {@code min} and {@code max} instances, choosing the count that puts about {@code target} requests
     * in flight on each. {@code target} is a goal, {@code limit} a guarantee: with a limit an instance
     * never has more than that many requests in flight, and the rest wait in the gateway's queue.
     *
     * <pre>{@code
     * Scale s = descriptor.scale();
     * int wanted = Math.clamp((long) Math.ceil(inFlight / (double) s.target()), s.min(), s.max());
     * }</pre>
     *
     * @param min instances always kept warm; 0 lets an idle revision scale to zero, and the first
     *     request then waits in the gateway while an instance starts
     * @param max the most instances the autoscaler starts, at least {@code min} and at least 1
     * @param target concurrent requests per instance the autoscaler aims for
     * @param limit the most requests one instance ever has in flight; 0 means no cap (see {@link #limited()})
     * @param idle with {@code min} 0, how long a revision goes without requests before its last instance stops
     * @param window the stable window the autoscaler averages concurrency over; its panic window is 10 % of it
     * @param queue requests held in the gateway while no instance has room
     * @param warmup how long a new instance's share of the gateway's traffic takes to ramp up from a tenth
     *     to all of it after it became ready; zero (the default) gives it its whole share at once
     */
    public record Scale(int min, int max, int target, int limit, Duration idle, Duration window, Queue queue, Duration warmup) {

        /**
         * Requests held in the gateway while no instance has room: at most {@code length}, each for at
         * most {@code maxWait} (never beyond the request timeout).
         *
         * @param length how many requests may wait at once; 0 means never hold (503 at once when no
         *     instance has room); beyond it, 503
         * @param maxWait {@code scale.queue.wait}: how long one request may wait; empty means as long as
         *     the descriptor's {@code timeout}; either way the shorter of the two applies. (Not named
         *     {@code wait}: a record component cannot shadow {@link Object#wait()}.)
         */
        public record Queue(int length, Optional<Duration> maxWait) {}

        /** true when {@code limit} caps requests per instance */
        public boolean limited() {
            return limit > 0;
        }
    }
}
