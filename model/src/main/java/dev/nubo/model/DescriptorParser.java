package dev.nubo.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Turns {@code nubo.yaml} text into a {@link Descriptor}. Validation is by hand rather than by data
 * binding so that every message can name the field, what was found, and what would be accepted.
 */
final class DescriptorParser {

    static final Pattern NAME = Pattern.compile("[a-z]([a-z0-9-]{0,38}[a-z0-9])?");
    private static final Pattern ENV_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Set<String> FIELDS = Set.of("name", "runtime", "command", "handler", "code", "env",
            "timeout", "memory", "cpu", "processes", "maxBodySize", "readiness", "scale", "drainTimeout", "paths", "async", "build",
            "layers", "auth", "root", "spa", "notFound", "limits", "resilience", "files");
    /**
     * SnakeYAML's own limit as a second line behind the length check. Rebuilt from a factory rather
     * than {@code YAMLFactory.builder()}, which starts without the default parser features (an empty
     * value would read as '' instead of null).
     */
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory().rebuild().loaderOptions(loaderOptions()).build());

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    static final long DEFAULT_MAX_BODY = 10L << 20;
    static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);
    static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);

    private static final List<String> SCALE_FIELDS = List.of("min", "max", "target", "limit", "idle", "window", "queue", "warmup");
    private static final List<String> QUEUE_FIELDS = List.of("length", "wait");
    static final int DEFAULT_MIN = 0;
    static final int DEFAULT_MAX = 10;
    static final int DEFAULT_TARGET = 100;
    static final int MAX_CONCURRENCY = 10_000;
    static final Duration DEFAULT_IDLE = Duration.ofSeconds(30);
    static final Duration DEFAULT_WINDOW = Duration.ofSeconds(60);
    static final int DEFAULT_QUEUE_LENGTH = 1000;

    private DescriptorParser() {}

    static ObjectMapper yaml() {
        return YAML;
    }

    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(Descriptor.MAX_BYTES);
        return options;
    }

    /**
     * New deploys refuse a key written twice (two {@code env:} blocks), where YAML would silently keep
     * the last; revisions stored before that rule are read back as they were accepted.
     */
    private static final ObjectReader STRICT = YAML.reader().with(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    static Descriptor parse(String yaml, boolean stored) {
        if (yaml.length() > Descriptor.MAX_BYTES) {
            throw Descriptor.tooLarge(yaml.length() + " characters");
        }
        JsonNode root;
        try {
            root = stored ? YAML.readTree(yaml) : STRICT.readTree(yaml);
        } catch (MismatchedInputException e) {
            throw invalid("nubo.yaml: " + duplicateKey(e, yaml),
                    "YAML keeps only the last of them: merge the two into one");
        } catch (JsonProcessingException e) {
            throw invalid("nubo.yaml is not valid YAML: " + e.getOriginalMessage()
                    + location(e), "check indentation and quoting at that line");
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw invalid("nubo.yaml is empty", "start with `name: my-service` and `runtime: process`");
        }
        if (!root.isObject()) {
            throw invalid("nubo.yaml must be a mapping of fields, found " + describe(root),
                    "write fields as `key: value` lines, e.g. `name: my-service`");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                throw invalid("nubo.yaml: unknown field `" + field + "`",
                        "known fields are " + String.join(", ", FIELDS.stream().sorted().toList())
                                + "; see docs/DESCRIPTOR.md");
            }
        }

        String name = requiredText(root, "name", "add `name: my-service` (lowercase letters, digits and '-')");
        if (!NAME.matcher(name).matches()) {
            throw invalid("nubo.yaml: `name` must be a DNS label of at most 40 characters: lowercase letters, digits"
                    + " and '-', starting with a letter and not ending with '-' (got '" + name + "')",
                    "the name becomes the host name NAME.<domain>; try `name: " + suggestName(name) + "`");
        }
        Descriptor.Runtime runtime = RuntimeSyntax.parse(root);
        // Only checked: the build runs where `nubo deploy` runs, before the upload.
        BuildSection.parse(root.get("build"));
        Env env = env(root.get("env"));
        AuthSyntax.Parsed auth = AuthSyntax.parse(root.get("auth"));
        return new Descriptor(
                name,
                runtime,
                env.values(),
                optional(root, "timeout", DEFAULT_TIMEOUT, n -> duration(n, "timeout", Duration.ofMillis(1), Duration.ofMinutes(15))),
                optional(root, "memory", Descriptor.DEFAULT_MEMORY, n -> size(n, "memory", 16L << 20, 64L << 30)),
                optional(root, "cpu", 0, DescriptorParser::cpu),
                integer(root, "processes", Descriptor.DEFAULT_PROCESSES, 16, 65536,
                        "the most processes and threads one instance may hold at once"),
                optional(root, "maxBodySize", DEFAULT_MAX_BODY, n -> size(n, "maxBodySize", 0, 1L << 30)),
                readiness(root.get("readiness")),
                scale(root.get("scale"), RuntimeSyntax.of(runtime).defaultLimit),
                optional(root, "drainTimeout", DEFAULT_DRAIN_TIMEOUT, n -> duration(n, "drainTimeout", Duration.ZERO, Duration.ofMinutes(10))),
                paths(root.get("paths")),
                async(root.get("async")),
                env.secrets(),
                auth.auth(),
                LimitsSyntax.parse(root.get("limits")),
                ResilienceSyntax.parse(root.get("resilience"), name),
                auth.jwt(),
                FilesSyntax.parse(root.get("files")));
    }

    /** {@code env:} split into plain values and values taken from secrets. */
    private record Env(Map<String, String> values, Map<String, SecretRef> secrets) {}

    private static final Pattern DESTINATION =
            Pattern.compile("dead-letters|(broker|workflow):[a-z]([a-z0-9-]{0,61}[a-z0-9])?|(service:)?[a-z]([a-z0-9-]{0,61}[a-z0-9])?(/\\S*)?");

    private static Descriptor.Async async(JsonNode node) {
        if (node == null || node.isNull()) {
            return Descriptor.Async.defaults();
        }
        if (!node.isObject()) {
            throw invalid("nubo.yaml: `async` must be a mapping, found " + describe(node),
                    "e.g. `async: {retries: 2, onSuccess: broker:default, onFailure: dead-letters}`");
        }
        fields(node, "async", List.of("retries", "onSuccess", "onFailure"));
        int retries = integer(node, "async.retries", Descriptor.Async.DEFAULT_RETRIES, 0, 10,
                "how many times a failed asynchronous invocation is tried again");
        return new Descriptor.Async(retries, destination(node, "async.onSuccess", "onSuccess"),
                destination(node, "async.onFailure", "onFailure").or(() -> Descriptor.Async.defaults().onFailure()));
    }

    private static Optional<String> destination(JsonNode node, String path, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        String text = v.asText().strip();
        if (!v.isTextual() || !DESTINATION.matcher(text).matches()) {
            throw invalid("nubo.yaml: `" + path + "` must be broker:NAME, service:NAME[/path], workflow:NAME or dead-letters (got '" + v.asText() + "')",
                    "e.g. `" + path + ": broker:default`");
        }
        return Optional.of(text);
    }

    private static Env env(JsonNode node) {
        if (node == null || node.isNull()) {
            return new Env(Map.of(), Map.of());
        }
        if (!node.isObject()) {
            throw invalid("nubo.yaml: `env` must be a mapping of names to values, found " + describe(node),
                    "write it as `env: {GREETING: hello}` or one `NAME: value` per indented line");
        }
        Map<String, String> env = new LinkedHashMap<>();
        Map<String, SecretRef> secrets = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!ENV_KEY.matcher(e.getKey()).matches()) {
                throw invalid("nubo.yaml: `env." + e.getKey() + "` is not a valid variable name",
                        "use letters, digits and '_', not starting with a digit");
            }
            if (e.getKey().equals("PORT") || e.getKey().startsWith("NUBO_")) {
                throw invalid("nubo.yaml: `env." + e.getKey() + "` is reserved: Nubo sets it for every instance",
                        "rename the variable; PORT and NUBO_* belong to the platform");
            }
            if (e.getValue().isObject()) {
                secrets.put(e.getKey(), secretRef(e.getValue(), "env." + e.getKey()));
                continue;
            }
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw invalid("nubo.yaml: `env." + e.getKey() + "` must be a string, number or boolean, found "
                        + describe(e.getValue()), "quote the value, e.g. `" + e.getKey() + ": \"...\"`, or take it from a secret:"
                        + " `" + e.getKey() + ": {secret: NAME/KEY}`");
            }
            env.put(e.getKey(), e.getValue().asText());
        }
        return new Env(env, secrets);
    }

    /** {@code {secret: db/password}}. */
    private static SecretRef secretRef(JsonNode node, String path) {
        fields(node, path, List.of("secret"));
        JsonNode ref = node.get("secret");
        if (ref == null || !ref.isTextual()) {
            throw invalid("nubo.yaml: `" + path + "` must be a value or `{secret: NAME/KEY}`, found " + describe(node),
                    "e.g. `" + path.substring(4) + ": {secret: db/password}`");
        }
        return SecretRef.parse(ref.asText(), path + ".secret");
    }

    private static Descriptor.Readiness readiness(JsonNode node) {
        if (node == null || node.isNull()) {
            return new Descriptor.Readiness(Optional.empty(), DEFAULT_START_TIMEOUT);
        }
        if (!node.isObject()) {
            throw invalid("nubo.yaml: `readiness` must be a mapping, found " + describe(node),
                    "e.g. `readiness: {http: /healthz, timeout: 60s}` or `readiness: {tcp: true}`");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!Set.of("http", "tcp", "timeout").contains(f)) {
                throw invalid("nubo.yaml: unknown field `readiness." + f + "`", "readiness takes http, tcp and timeout");
            }
        }
        Optional<String> path = Optional.empty();
        if (node.hasNonNull("http")) {
            if (node.hasNonNull("tcp") && node.get("tcp").asBoolean()) {
                throw invalid("nubo.yaml: `readiness` has both `http` and `tcp`", "keep one: an HTTP path, or `tcp: true`");
            }
            String p = node.get("http").asText();
            if (!node.get("http").isTextual() || !p.matches("/[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*")) {
                throw invalid("nubo.yaml: `readiness.http` must be a path starting with '/', without spaces (got '" + p + "')",
                        "e.g. `readiness: {http: /healthz}`; encode other characters as %XX");
            }
            path = Optional.of(p);
        }
        Duration timeout = optional(node, "timeout", DEFAULT_START_TIMEOUT,
                n -> duration(n, "readiness.timeout", Duration.ofMillis(100), Duration.ofMinutes(30)));
        return new Descriptor.Readiness(path, timeout);
    }

    /** {@code defaultLimit} 1 for a Lambda custom runtime, which takes one invocation at a time; else 0 (no cap). */
    private static Descriptor.Scale scale(JsonNode node, int defaultLimit) {
        if (node == null || node.isNull()) {
            node = YAML.createObjectNode();
        }
        if (!node.isObject()) {
            throw invalid("nubo.yaml: `scale` must be a mapping, found " + describe(node), "e.g. `scale: {min: 0, max: 5}`");
        }
        fields(node, "scale", SCALE_FIELDS);
        int min = integer(node, "scale.min", DEFAULT_MIN, 0, 100,
                "0 lets an idle service scale to zero; more keeps that many instances warm");
        // A default max below an explicit min would be an error about a field the user never wrote.
        int max = integer(node, "scale.max", Math.max(DEFAULT_MAX, min), 1, 100, "the autoscaler never starts more than 100 instances");
        if (max < min) {
            throw invalid("nubo.yaml: `scale.max` (" + max + ") is below `scale.min` (" + min + ")",
                    "raise max to at least " + min);
        }
        int limit = integer(node, "scale.limit", defaultLimit, 0, MAX_CONCURRENCY,
                "0 means no cap; otherwise the most requests one instance has in flight");
        // Likewise the default target follows an explicit limit down rather than contradicting it.
        int target = integer(node, "scale.target", limit > 0 ? Math.min(DEFAULT_TARGET, limit) : DEFAULT_TARGET,
                1, MAX_CONCURRENCY, "the concurrent requests per instance the autoscaler aims for");
        if (limit > 0 && target > limit) {
            throw invalid("nubo.yaml: `scale.target` (" + target + ") is above `scale.limit` (" + limit + ")",
                    "an instance can never reach a target above its limit: lower target to " + limit
                            + " or less, or raise limit to at least " + target);
        }
        Duration idle = optional(node, "idle", DEFAULT_IDLE,
                n -> duration(n, "scale.idle", Duration.ofSeconds(1), Duration.ofHours(24)));
        Duration window = optional(node, "window", DEFAULT_WINDOW,
                n -> duration(n, "scale.window", Duration.ofSeconds(6), Duration.ofHours(1)));
        Duration warmup = optional(node, "warmup", Duration.ZERO,
                n -> duration(n, "scale.warmup", Duration.ZERO, Duration.ofMinutes(30)));
        return new Descriptor.Scale(min, max, target, limit, idle, window, queue(node.get("queue")), warmup);
    }

    private static Descriptor.Scale.Queue queue(JsonNode node) {
        if (node == null || node.isNull()) {
            return new Descriptor.Scale.Queue(DEFAULT_QUEUE_LENGTH, Optional.empty());
        }
        if (!node.isObject()) {
            throw invalid("nubo.yaml: `scale.queue` must be a mapping, found " + describe(node),
                    "e.g. `queue: {length: 1000, wait: 30s}`");
        }
        fields(node, "scale.queue", QUEUE_FIELDS);
        int length = integer(node, "scale.queue.length", DEFAULT_QUEUE_LENGTH, 0, 100_000,
                "0 means never hold a request: 503 at once when no instance has room");
        Optional<Duration> wait = optional(node, "wait", Optional.empty(),
                n -> Optional.of(duration(n, "scale.queue.wait", Duration.ofMillis(100), Duration.ofMinutes(15))));
        return new Descriptor.Scale.Queue(length, wait);
    }

    private static void fields(JsonNode node, String path, List<String> allowed) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw invalid("nubo.yaml: unknown field `" + path + "." + f + "`",
                        path + " takes " + String.join(", ", allowed.subList(0, allowed.size() - 1))
                                + " and " + allowed.getLast() + "; see docs/DESCRIPTOR.md");
            }
        }
    }

    private static List<String> paths(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw invalid("nubo.yaml: `paths` must be a list of path prefixes, found " + describe(node),
                    "e.g. `paths: [/api/orders]`");
        }
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String p = node.get(i).asText();
            if (!node.get(i).isTextual() || !p.matches("/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*") || p.contains("//")) {
                throw invalid("nubo.yaml: `paths[" + i + "]` must be a URL path starting with '/' (got '" + p + "')",
                        "e.g. `paths: [/api/orders]`");
            }
            String normalized = p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
            if (normalized.equals("/")) {
                throw invalid("nubo.yaml: `paths[" + i + "]` is '/', which would take every request on the bare domain",
                        "use a prefix such as /api; every service already answers at NAME.<domain>/");
            }
            paths.add(normalized);
        }
        return paths;
    }

    static void relativePath(String path, String field) {
        if (path.startsWith("/") || List.of(path.split("/")).contains("..")) {
            throw invalid("nubo.yaml: `" + field + "` must be a path inside the deployed directory (got '" + path + "')",
                    "write it relative to nubo.yaml, e.g. `" + field + ": target/app.jar`");
        }
    }

    static String requiredText(JsonNode root, String field, String hint) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw invalid("nubo.yaml: `" + field + "` is required", hint);
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            throw invalid("nubo.yaml: `" + field + "` must be a non-empty string, found " + describe(node), hint);
        }
        return node.asText().trim();
    }

    /** {@code path} is the dotted name for messages; its last part is the key looked up in {@code node}. */
    private static int integer(JsonNode node, String path, int fallback, int min, int max, String meaning) {
        String key = path.substring(path.lastIndexOf('.') + 1);
        JsonNode n = node.get(key);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isIntegralNumber()) {
            throw invalid("nubo.yaml: `" + path + "` must be a whole number, found " + describe(n),
                    "e.g. `" + key + ": " + fallback + "`; " + meaning);
        }
        if (!n.canConvertToLong() || n.asLong() < min || n.asLong() > max) {
            throw invalid("nubo.yaml: `" + path + "` must be between " + min + " and " + max + " (got " + n.asText() + ")",
                    "pick a value in that range; " + meaning);
        }
        return n.asInt();
    }

    private static final Pattern CPU = Pattern.compile("([0-9]{1,6})m|([0-9]{1,3})(\\.[0-9]{1,3})?");

    /** Kubernetes' notation: {@code 500m} is half a core, {@code 2} or {@code 1.5} whole cores; in thousandths of a core. */
    private static int cpu(JsonNode node) {
        String text = node.asText().trim();
        java.util.regex.Matcher m = CPU.matcher(text);
        int millis = -1;
        if ((node.isTextual() || node.isNumber()) && m.matches()) {
            millis = m.group(1) != null ? Integer.parseInt(m.group(1))
                    : new java.math.BigDecimal(text).movePointRight(3).intValue();
        }
        if (millis < 10 || millis > 256_000) {
            throw invalid("nubo.yaml: `cpu` must be cores such as 500m (half a core), 1 or 1.5, from 10m to 256 (got '"
                    + text + "')", "e.g. `cpu: 500m`; leave it out for no CPU limit");
        }
        return millis;
    }

    private static <T> T optional(JsonNode root, String field, T fallback, Function<JsonNode, T> parse) {
        JsonNode node = root.get(field);
        return node == null || node.isNull() ? fallback : parse.apply(node);
    }

    static Duration duration(JsonNode node, String field, Duration min, Duration max) {
        Optional<Duration> d = node.isTextual() ? Quantities.duration(node.asText()) : Optional.empty();
        if (d.isEmpty() && node.isTextual() && Quantities.looksLikeDuration(node.asText())) {
            throw outOfRange(field, Quantities.formatDuration(min), Quantities.formatDuration(max), node);
        }
        if (d.isEmpty()) {
            throw invalid("nubo.yaml: `" + field + "` must be a duration such as 500ms, 30s, 2m or 1h (got '" + node.asText() + "')",
                    "write a number followed by ms, s, m or h");
        }
        if (d.get().compareTo(min) < 0 || d.get().compareTo(max) > 0) {
            throw outOfRange(field, Quantities.formatDuration(min), Quantities.formatDuration(max), node);
        }
        return d.get();
    }

    private static long size(JsonNode node, String field, long min, long max) {
        boolean tooLarge = node.isIntegralNumber() ? !node.canConvertToLong()
                : node.isTextual() && Quantities.looksLikeSize(node.asText()) && Quantities.bytes(node.asText()).isEmpty();
        if (tooLarge) {
            throw outOfRange(field, Quantities.formatBytes(min), Quantities.formatBytes(max), node);
        }
        Optional<Long> b = node.isIntegralNumber() ? Optional.of(node.asLong())
                : node.isTextual() ? Quantities.bytes(node.asText()) : Optional.empty();
        if (b.isEmpty()) {
            throw invalid("nubo.yaml: `" + field + "` must be a size such as 256Mi, 1Gi or 500MB (got '" + node.asText() + "')",
                    "write a number followed by Ki, Mi, Gi (powers of 1024) or KB, MB, GB");
        }
        if (b.get() < min || b.get() > max) {
            throw outOfRange(field, Quantities.formatBytes(min), Quantities.formatBytes(max), node);
        }
        return b.get();
    }

    private static UserError outOfRange(String field, String min, String max, JsonNode found) {
        return invalid("nubo.yaml: `" + field + "` must be between " + min + " and " + max + " (got " + found.asText() + ")",
                "pick a value in that range");
    }

    private static String suggestName(String name) {
        String s = Quantities.lower(name).replaceAll("[^a-z0-9-]+", "-").replaceAll("^[^a-z]+", "").replaceAll("-+$", "");
        if (s.length() > 40) {
            s = s.substring(0, 40).replaceAll("-+$", "");
        }
        return s.isEmpty() ? "my-service" : s;
    }

    static String describe(JsonNode node) {
        if (node.isArray()) return "a list";
        if (node.isObject()) return "a mapping";
        if (node.isTextual()) return "'" + node.asText() + "'";
        if (node.isNull()) return "nothing";
        return node.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + node.asText();
    }

    /**
     * Jackson words it "Duplicate field 'env' for `ObjectNode`: not allowed when …" and places it where
     * the enclosing mapping ends; users need the key and the lines that write it, found here when the
     * key starts its lines (block style), else Jackson's place.
     */
    private static String duplicateKey(MismatchedInputException e, String yaml) {
        Matcher m = Pattern.compile("Duplicate field '(.*)' for").matcher(e.getOriginalMessage());
        if (!m.find()) {
            return e.getOriginalMessage() + location(e);
        }
        String key = m.group(1);
        Pattern line = Pattern.compile("\\s*(- )?(" + Pattern.quote(key) + "|'" + Pattern.quote(key) + "'|\"" + Pattern.quote(key) + "\")\\s*:.*");
        List<String> lines = yaml.lines().toList();
        List<String> at = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (line.matcher(lines.get(i)).matches()) {
                at.add(String.valueOf(i + 1));
            }
        }
        return "the key `" + key + "` is written twice"
                + (at.size() >= 2 ? " (lines " + String.join(" and ", at) + ")" : location(e));
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }

    static UserError invalid(String message, String hint) {
        return UserError.badRequest("descriptor.invalid", message, hint);
    }
}
