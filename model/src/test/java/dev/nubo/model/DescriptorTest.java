package dev.nubo.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DescriptorTest {

    @Test
    void readsAProcessServiceWithEveryField() {
        Descriptor d = Descriptor.parse("""
                name: orders
                runtime: process
                command: [node, server.js]
                env: {GREETING: hi, RETRIES: 3}
                timeout: 5s
                memory: 128Mi
                maxBodySize: 1Mi
                readiness: {http: /healthz, timeout: 20s}
                scale: {min: 2, max: 4, target: 20, limit: 25, idle: 5m, window: 2m, queue: {length: 50, wait: 3s}}
                drainTimeout: 10s
                paths: [/api/orders/]
                """);

        assertThat(d.name()).isEqualTo("orders");
        assertThat(d.runtime()).isEqualTo(new Descriptor.Process(List.of("node", "server.js")));
        assertThat(d.env()).isEqualTo(Map.of("GREETING", "hi", "RETRIES", "3"));
        assertThat(d.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(d.memory()).isEqualTo(128L << 20);
        assertThat(d.maxBodySize()).isEqualTo(1L << 20);
        assertThat(d.readiness()).isEqualTo(new Descriptor.Readiness(Optional.of("/healthz"), Duration.ofSeconds(20)));
        assertThat(d.scale()).isEqualTo(new Descriptor.Scale(2, 4, 20, 25, Duration.ofMinutes(5), Duration.ofMinutes(2),
                new Descriptor.Scale.Queue(50, Optional.of(Duration.ofSeconds(3))), Duration.ZERO));
        assertThat(d.scale().limited()).isTrue();
        assertThat(d.drainTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(d.paths()).containsExactly("/api/orders");
    }

    @Test
    void functionsTakeLayersInsideTheDeployedDirectory() {
        assertThat(Descriptor.parse("name: a\nruntime: python\nhandler: main.handler\nlayers: [layers/common, deps.zip]\n")
                .runtime().layers()).containsExactly("layers/common", "deps.zip");
        assertThat(Descriptor.parse("name: a\nruntime: node\nhandler: index.handler\n").runtime().layers()).isEmpty();
        assertThatThrownBy(() -> Descriptor.parse("name: a\nruntime: node\nhandler: index.handler\nlayers: [../shared]\n"))
                .hasMessage("nubo.yaml: `layers[0]` must be a path inside the deployed directory (got '../shared')");
        assertThatThrownBy(() -> Descriptor.parse("name: a\nruntime: node\nhandler: index.handler\nlayers: [a, b, c, d, e, f]\n"))
                .hasMessage("nubo.yaml: `layers` lists 6 layers, more than 5 (as on Lambda)");
        assertThatThrownBy(() -> Descriptor.parse("name: a\nruntime: process\ncommand: [x]\nlayers: [a]\n"))
                .hasMessage("nubo.yaml: `layers` does not apply to runtime process");
    }

    @Test
    void readsLambdaStyleFunctionRuntimes() {
        assertThat(Descriptor.parse("name: a\nruntime: java\nhandler: com.example.Hello::handleRequest\ncode: app.jar\n").runtime())
                .isEqualTo(new Descriptor.JavaFunction("com.example.Hello::handleRequest", "app.jar"));
        assertThat(Descriptor.parse("name: a\nruntime: node\nhandler: src/index.handler\n").runtime())
                .isEqualTo(new Descriptor.NodeFunction("src/index.handler"));
        assertThat(Descriptor.parse("name: a\nruntime: python\nhandler: app.main.handler\n").runtime())
                .isEqualTo(new Descriptor.PythonFunction("app.main.handler"));

        Descriptor custom = Descriptor.parse("name: a\nruntime: provided\n");
        assertThat(custom.runtime()).isEqualTo(new Descriptor.Provided(List.of("./bootstrap"), Optional.empty()));
        assertThat(custom.scale().limit()).as("a custom runtime takes one invocation at a time").isEqualTo(1);
        assertThat(custom.scale().target()).isEqualTo(1);
        Descriptor ric = Descriptor.parse("name: a\nruntime: provided\ncommand: [java, -cp, 'lib/*', Main]\nhandler: H::handle\n"
                + "scale: {limit: 4}\n");
        assertThat(ric.runtime()).isEqualTo(new Descriptor.Provided(List.of("java", "-cp", "lib/*", "Main"), Optional.of("H::handle")));
        assertThat(ric.scale().limit()).isEqualTo(4);

        assertInvalid("name: a\nruntime: node\nhandler: index\n", "nubo.yaml: `handler` must be FILE.EXPORT (got 'index')",
                "handler: index.handler");
        assertInvalid("name: a\nruntime: node\n", "nubo.yaml: `handler` is required", "export const handler");
        assertInvalid("name: a\nruntime: python\nhandler: main.handler\ncommand: [python3]\n",
                "nubo.yaml: `command` does not apply to runtime python", "name the function with `handler`");
        assertInvalid("name: a\nruntime: python\nhandler: main-x.handler\n", "`handler` must be MODULE.FUNCTION");
        assertInvalid("name: a\nruntime: provided\ncode: x.jar\n", "`code` does not apply to runtime provided");
        assertInvalid("name: a\nruntime: java\nhandler: 'a.B::'\ncode: x.jar\n", "`handler` must be a fully qualified class name");
    }

    @Test
    void fillsDefaultsForAJavaFunction() {
        Descriptor d = Descriptor.parse("name: hello\nruntime: java\nhandler: com.example.Hello\ncode: target/classes\n");

        assertThat(d.runtime()).isEqualTo(new Descriptor.JavaFunction("com.example.Hello", "target/classes"));
        assertThat(d.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.memory()).isEqualTo(256L << 20);
        assertThat(d.maxBodySize()).isEqualTo(10L << 20);
        assertThat(d.readiness().httpPath()).isEmpty();
        assertThat(d.scale()).isEqualTo(new Descriptor.Scale(0, 10, 100, 0, Duration.ofSeconds(30), Duration.ofSeconds(60),
                new Descriptor.Scale.Queue(1000, Optional.empty()), Duration.ZERO));
        assertThat(d.scale().limited()).isFalse();
    }

    @Test
    void readsCpuInCoresOrMillicoresAndAProcessLimit() {
        String base = "name: a\nruntime: process\ncommand: [x]\n";
        assertThat(Descriptor.parse(base + "cpu: 500m\n").cpu()).isEqualTo(500);
        assertThat(Descriptor.parse(base + "cpu: 1.5\n").cpu()).isEqualTo(1500);
        assertThat(Descriptor.parse(base + "cpu: 2\n").cpu()).isEqualTo(2000);
        assertThat(Descriptor.parse(base).cpu()).as("no cpu limit by default").isZero();
        assertThat(Descriptor.parse(base + "processes: 64\n").processes()).isEqualTo(64);
        assertThat(Descriptor.parse(base).processes()).isEqualTo(Descriptor.DEFAULT_PROCESSES);
        assertInvalid(base + "cpu: half\n", "`cpu` must be cores such as 500m (half a core), 1 or 1.5", "cpu: 500m");
        assertInvalid(base + "cpu: 1m\n", "from 10m to 256 (got '1m')");
        assertInvalid(base + "processes: 2\n", "`processes` must be between 16 and 65536 (got 2)");
    }

    @Test
    void aStringCommandRunsThroughTheShell() {
        Descriptor d = Descriptor.parse("name: a\nruntime: process\ncommand: python3 app.py --port $PORT\n");
        assertThat(d.runtime()).isEqualTo(new Descriptor.Process(List.of("/bin/sh", "-c", "exec python3 app.py --port $PORT")));
    }

    @Test
    void readsAsyncInvocationSettingsWithDefaults() {
        Descriptor plain = Descriptor.parse("name: a\nruntime: process\ncommand: [x]\n");
        assertThat(plain.async()).isEqualTo(new Descriptor.Async(2, Optional.empty(), Optional.of("dead-letters")));
        Descriptor set = Descriptor.parse("name: a\nruntime: process\ncommand: [x]\n"
                + "async: {retries: 0, onSuccess: broker:default, onFailure: audit/failed}\n");
        assertThat(set.async()).isEqualTo(new Descriptor.Async(0, Optional.of("broker:default"), Optional.of("audit/failed")));
        assertInvalid("name: a\nruntime: process\ncommand: [x]\nasync: {retries: 11}\n", "`async.retries`");
        assertInvalid("name: a\nruntime: process\ncommand: [x]\nasync: {onFailure: \"queue:x\"}\n",
                "`async.onFailure` must be broker:NAME, service:NAME[/path], workflow:NAME or dead-letters (got 'queue:x')");
        assertInvalid("name: a\nruntime: process\ncommand: [x]\nasync: {retry: 1}\n", "unknown field `async.retry`");
    }

    @Test
    void namesTheFieldAndTheFixForEachMistake() {
        assertInvalid("runtime: process\ncommand: [x]\n", "nubo.yaml: `name` is required");
        assertInvalid("name: Hello_World\nruntime: process\ncommand: [x]\n",
                "nubo.yaml: `name` must be a DNS label", "try `name: hello-world`");
        assertInvalid("name: a\nruntime: nodejs\n",
                "nubo.yaml: `runtime` must be one of process, java, node, python, provided, static (got 'nodejs')", "runtime: process");
        assertInvalid("name: a\nruntime: process\n", "nubo.yaml: `command` is required for runtime process");
        assertInvalid("name: a\nruntime: process\ncomand: [x]\n", "nubo.yaml: unknown field `comand`", "known fields are");
        assertInvalid("name: a\nruntime: java\ncode: x.jar\n", "nubo.yaml: `handler` is required");
        assertInvalid("name: a\nruntime: java\nhandler: A\ncode: ../x.jar\n", "`code` must be a path inside the deployed directory");
        assertInvalid("name: a\nruntime: java\nhandler: A\ncode: a.jar\ncommand: [x]\n", "`command` does not apply to runtime java");
        assertInvalid("name: a\nruntime: process\ncommand: [x]\ntimeout: 30\n", "`timeout` must be a duration such as 500ms");
        assertInvalid("name: a\nruntime: process\ncommand: [x]\nmemory: 1Mi\n", "`memory` must be between 16Mi and 64Gi (got 1Mi)");
        assertInvalid("name: a\nruntime: process\ncommand: [x]\nscale: {min: 3, max: 2}\n", "`scale.max` (2) is below `scale.min` (3)");
        assertInvalid("name: a\nruntime: process\ncommand: [x]\nenv: {PORT: 1}\n", "`env.PORT` is reserved");
        assertInvalid("name: a\nruntime: process\ncommand: [x]\nreadiness: {http: healthz}\n", "`readiness.http` must be a path starting with '/'");
        assertInvalid("name: a\nruntime: process\ncommand: [x]\nreadiness: {http: \"/a b\"}\n", "`readiness.http` must be a path starting with '/', without spaces");
        assertInvalid("name: a\nruntime: process\ncommand: [x]\npaths: [/]\n", "`paths[0]` is '/'");
        assertInvalid("name: a\n  runtime: [\n", "nubo.yaml is not valid YAML", "line");
        assertInvalid("", "nubo.yaml is empty");
        assertInvalid("- a\n- b\n", "nubo.yaml must be a mapping of fields, found a list");
    }

    @Test
    void quantitiesTooLargeForAnyLimitAreOutOfRangeNotCrashes() {
        assertInvalid("name: a\nruntime: process\ncommand: [x]\nmemory: 99999999999Gi\n",
                "nubo.yaml: `memory` must be between 16Mi and 64Gi (got 99999999999Gi)", "pick a value in that range");
        assertInvalid("name: a\nruntime: process\ncommand: [x]\nmemory: 99999999999999999999\n",
                "nubo.yaml: `memory` must be between 16Mi and 64Gi (got 99999999999999999999)");
        assertInvalid("name: a\nruntime: process\ncommand: [x]\nmemory: 18446744073977987072\n",
                "nubo.yaml: `memory` must be between 16Mi and 64Gi (got 18446744073977987072)");
        assertInvalid("name: a\nruntime: process\ncommand: [x]\ntimeout: 99999999999999999999h\n",
                "nubo.yaml: `timeout` must be between 1ms and 15m (got 99999999999999999999h)");
        assertInvalid("name: a\nruntime: process\ncommand: [x]\ntimeout: 9999999999999999h\n",
                "nubo.yaml: `timeout` must be between 1ms and 15m (got 9999999999999999h)");
        assertInvalid("name: a\nruntime: process\ncommand: [x]\nscale: {idle: 99999999999999999999m}\n",
                "nubo.yaml: `scale.idle` must be between 1s and 24h (got 99999999999999999999m)");
    }

    @Test
    void refusesADescriptorLargerThanItsLimitBeforeParsingIt() {
        String huge = "name: a\nruntime: process\ncommand: [x]\nenv:\n  BLOB: " + "x".repeat(Descriptor.MAX_BYTES) + "\n";

        assertThatThrownBy(() -> Descriptor.parse(huge))
                .isInstanceOfSatisfying(UserError.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo("descriptor.too_large");
                    assertThat(e.getMessage()).isEqualTo("nubo.yaml is " + huge.length()
                            + " characters, more than the limit of 64Ki");
                    assertThat(e.hint()).contains("keep data out of nubo.yaml");
                });
        String fits = "name: a\nruntime: process\ncommand: [x]\nenv:\n  BLOB: " + "x".repeat(Descriptor.MAX_BYTES - 100) + "\n";
        assertThat(Descriptor.parse(fits).env().get("BLOB")).hasSize(Descriptor.MAX_BYTES - 100);
    }

    @Test
    void scalesToZeroByDefaultAndKeepsWarmInstancesWhenMinIsSet() {
        assertThat(scale("{}").min()).isZero();
        assertThat(scale("{min: 0}").min()).isZero();
        assertThat(scale("{min: 3}").min()).isEqualTo(3);
        assertThat(scale("{min: 100, max: 100}").min()).isEqualTo(100);
        assertThat(scale("").min()).isZero();
        assertInvalid(app("scale: {min: -1}"), "nubo.yaml: `scale.min` must be between 0 and 100 (got -1)",
                "0 lets an idle service scale to zero");
        assertInvalid(app("scale: {min: 101}"), "`scale.min` must be between 0 and 100 (got 101)");
        assertInvalid(app("scale: {min: two}"), "`scale.min` must be a whole number, found 'two'", "e.g. `min: 0`");
        assertInvalid(app("scale: {min: 1.5}"), "`scale.min` must be a whole number, found number 1.5");
    }

    @Test
    void maxDefaultsToTenOrToMinWhenMinIsHigher() {
        assertThat(scale("{}").max()).isEqualTo(10);
        assertThat(scale("{min: 2}").max()).isEqualTo(10);
        assertThat(scale("{min: 20}").max()).isEqualTo(20);
        assertThat(scale("{max: 1}").max()).isEqualTo(1);
        assertThat(scale("{max: 100}").max()).isEqualTo(100);
        assertInvalid(app("scale: {max: 0}"), "`scale.max` must be between 1 and 100 (got 0)");
        assertInvalid(app("scale: {max: 101}"), "`scale.max` must be between 1 and 100 (got 101)");
        assertInvalid(app("scale: {max: 99999999999}"), "`scale.max` must be between 1 and 100 (got 99999999999)");
        assertInvalid(app("scale: {min: 5, max: 4}"), "nubo.yaml: `scale.max` (4) is below `scale.min` (5)", "raise max to at least 5");
    }

    @Test
    void targetDefaultsToAHundredConcurrentRequestsPerInstance() {
        assertThat(scale("{}").target()).isEqualTo(100);
        assertThat(scale("{target: 1}").target()).isEqualTo(1);
        assertThat(scale("{target: 10000}").target()).isEqualTo(10000);
        assertInvalid(app("scale: {target: 0}"), "`scale.target` must be between 1 and 10000 (got 0)",
                "the concurrent requests per instance the autoscaler aims for");
        assertInvalid(app("scale: {target: 10001}"), "`scale.target` must be between 1 and 10000 (got 10001)");
    }

    @Test
    void limitIsOffByDefaultAndCapsRequestsPerInstanceWhenSet() {
        assertThat(scale("{}").limit()).isZero();
        assertThat(scale("{}").limited()).isFalse();
        assertThat(scale("{limit: 0}").limited()).isFalse();
        assertThat(scale("{limit: 10000}").limit()).isEqualTo(10000);
        assertInvalid(app("scale: {limit: -1}"), "`scale.limit` must be between 0 and 10000 (got -1)", "0 means no cap");
        assertInvalid(app("scale: {limit: 10001}"), "`scale.limit` must be between 0 and 10000 (got 10001)");
    }

    @Test
    void aLimitAloneBringsTheDefaultTargetDownToIt() {
        Descriptor.Scale s = scale("{limit: 1}");
        assertThat(s.limited()).isTrue();
        assertThat(s.limit()).isEqualTo(1);
        assertThat(s.target()).isEqualTo(1);
        assertThat(scale("{limit: 500}").target()).isEqualTo(100);
        assertThat(scale("{limit: 10, target: 10}").target()).isEqualTo(10);
    }

    @Test
    void refusesATargetAboveTheLimit() {
        assertInvalid(app("scale: {target: 20, limit: 10}"),
                "nubo.yaml: `scale.target` (20) is above `scale.limit` (10)",
                "lower target to 10 or less, or raise limit to at least 20");
        assertThat(scale("{target: 5000, limit: 0}").target()).isEqualTo(5000);
    }

    @Test
    void idleAndWindowAreDurationsWithinBounds() {
        assertThat(scale("{}").idle()).isEqualTo(Duration.ofSeconds(30));
        assertThat(scale("{}").window()).isEqualTo(Duration.ofSeconds(60));
        assertThat(scale("{idle: 1s, window: 6s}").idle()).isEqualTo(Duration.ofSeconds(1));
        assertThat(scale("{idle: 24h, window: 1h}").window()).isEqualTo(Duration.ofHours(1));
        assertInvalid(app("scale: {idle: 500ms}"), "nubo.yaml: `scale.idle` must be between 1s and 24h (got 500ms)");
        assertInvalid(app("scale: {idle: 25h}"), "`scale.idle` must be between 1s and 24h (got 25h)");
        assertInvalid(app("scale: {idle: 30}"), "`scale.idle` must be a duration such as 500ms, 30s, 2m or 1h (got '30')");
        assertInvalid(app("scale: {window: 5s}"), "`scale.window` must be between 6s and 1h (got 5s)");
        assertInvalid(app("scale: {window: 2h}"), "`scale.window` must be between 6s and 1h (got 2h)");
    }

    @Test
    void warmupRampsNothingByDefaultAndIsAtMostHalfAnHour() {
        assertThat(scale("{}").warmup()).isEqualTo(java.time.Duration.ZERO);
        assertThat(scale("{warmup: 30s}").warmup()).isEqualTo(java.time.Duration.ofSeconds(30));
        assertInvalid(app("scale: {warmup: 31m}"), "`scale.warmup` must be between 0s and 30m (got 31m)");
    }

    @Test
    void queueHoldsAThousandRequestsUntilTheRequestTimeoutByDefault() {
        assertThat(scale("{}").queue()).isEqualTo(new Descriptor.Scale.Queue(1000, Optional.empty()));
        assertThat(scale("{queue: {}}").queue()).isEqualTo(new Descriptor.Scale.Queue(1000, Optional.empty()));
        assertThat(scale("{queue: {length: 0}}").queue()).isEqualTo(new Descriptor.Scale.Queue(0, Optional.empty()));
        assertThat(scale("{queue: {length: 100000, wait: 100ms}}").queue())
                .isEqualTo(new Descriptor.Scale.Queue(100000, Optional.of(Duration.ofMillis(100))));
        assertThat(scale("{queue: {wait: 15m}}").queue().maxWait()).contains(Duration.ofMinutes(15));
        assertInvalid(app("scale: {queue: {length: -1}}"), "`scale.queue.length` must be between 0 and 100000 (got -1)",
                "0 means never hold a request");
        assertInvalid(app("scale: {queue: {length: 100001}}"), "`scale.queue.length` must be between 0 and 100000 (got 100001)");
        assertInvalid(app("scale: {queue: {wait: 99ms}}"), "`scale.queue.wait` must be between 100ms and 15m (got 99ms)");
        assertInvalid(app("scale: {queue: {wait: 16m}}"), "`scale.queue.wait` must be between 100ms and 15m (got 16m)");
        assertInvalid(app("scale: {queue: 1000}"), "nubo.yaml: `scale.queue` must be a mapping, found number 1000",
                "e.g. `queue: {length: 1000, wait: 30s}`");
    }

    @Test
    void unknownScaleFieldsAreErrorsThatListTheAllowedOnes() {
        assertInvalid(app("scale: {minimum: 1}"), "nubo.yaml: unknown field `scale.minimum`",
                "scale takes min, max, target, limit, idle, window, queue and warmup");
        assertInvalid(app("scale: {queue: {size: 5}}"), "nubo.yaml: unknown field `scale.queue.size`",
                "scale.queue takes length and wait");
        assertInvalid(app("scale: 3"), "nubo.yaml: `scale` must be a mapping, found number 3");
    }

    @Test
    void aKeyWrittenTwiceIsRefusedAtDeployButAStoredRevisionWithOneStillReads() {
        String twice = app("env:\n  A: '1'\nenv:\n  B: '2'");
        assertInvalid(twice, "nubo.yaml: the key `env` is written twice (lines 4 and 6)", "merge the two into one");
        assertInvalid(app("env: {A: '1', A: '2'}"), "the key `A` is written twice (line 4, column");
        assertThat(Descriptor.parseStored(twice).env()).containsExactly(Map.entry("B", "2"));
    }

    private static String app(String extra) {
        return "name: a\nruntime: process\ncommand: [x]\n" + extra + "\n";
    }

    private static Descriptor.Scale scale(String yaml) {
        return Descriptor.parse(app("scale: " + yaml)).scale();
    }

    private static void assertInvalid(String yaml, String... messageParts) {
        assertThatThrownBy(() -> Descriptor.parse(yaml))
                .isInstanceOfSatisfying(UserError.class, e -> {
                    assertThat(e.code()).isEqualTo("descriptor.invalid");
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.hint()).isNotBlank();
                    String all = e.getMessage() + " / " + e.hint();
                    for (String part : messageParts) {
                        assertThat(all).contains(part);
                    }
                });
    }
}
