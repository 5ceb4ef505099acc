package dev.nubo.runtimes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nubo.instances.LaunchSpec;
import dev.nubo.model.Descriptor;
import dev.nubo.model.UserError;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimesTest {

    @TempDir
    Path code;

    @TempDir
    Path cache;

    Runtimes runtimes;

    @BeforeEach
    void setUp() {
        runtimes = Runtimes.detect(cache, 2);
    }

    @Test
    void runsAProcessCommandAsWrittenInTheDeployedDirectory() {
        Descriptor d = Descriptor.parse("name: shop\nruntime: process\ncommand: [node, server.js]\nenv: {A: b}\n");

        LaunchSpec spec = runtimes.launch(new Runtimes.Target(d, code, "shop-00002", "shop-00002-abcde", code.resolve("x.log"), true));

        assertThat(spec.command()).containsExactly("node", "server.js");
        assertThat(spec.workDir()).isEqualTo(code);
        assertThat(spec.env()).containsEntry("A", "b").containsEntry("NUBO_SERVICE", "shop")
                .containsEntry("NUBO_REVISION", "shop-00002").containsEntry("NUBO_INSTANCE", "shop-00002-abcde");
        assertThat(spec.proven()).isTrue();
        assertThat(spec.warmStart()).isEmpty();
        assertThat(spec.port()).isZero();
    }

    @Test
    void givesEveryInstanceThePlatformsVariablesUnlessItsDescriptorSetsThem() {
        Runtimes withRegistry = runtimes.withPlatformEnv((service, instance) ->
                java.util.Map.of("EUREKA_CLIENT_SERVICEURL_DEFAULTZONE", "http://127.0.0.1:1/eureka/"));
        Descriptor plain = Descriptor.parse("name: shop\nruntime: process\ncommand: [java, -jar, app.jar]\n");
        Descriptor own = Descriptor.parse("name: shop\nruntime: process\ncommand: [java, -jar, app.jar]\n"
                + "env: {EUREKA_CLIENT_SERVICEURL_DEFAULTZONE: 'http://eureka:8761/eureka/'}\n");

        assertThat(withRegistry.launch(new Runtimes.Target(plain, code, "shop-00001", "shop-00001-abcde", code.resolve("x.log"), true)).env())
                .containsEntry("EUREKA_CLIENT_SERVICEURL_DEFAULTZONE", "http://127.0.0.1:1/eureka/");
        assertThat(withRegistry.launch(new Runtimes.Target(own, code, "shop-00001", "shop-00001-abcde", code.resolve("x.log"), true)).env())
                .containsEntry("EUREKA_CLIENT_SERVICEURL_DEFAULTZONE", "http://eureka:8761/eureka/");
        assertThat(runtimes.launch(new Runtimes.Target(plain, code, "shop-00001", "shop-00001-abcde", code.resolve("x.log"), true)).env())
                .doesNotContainKey("EUREKA_CLIENT_SERVICEURL_DEFAULTZONE");
    }

    @Test
    void trimsTheJavaHostsNativeHeapOnlyOnJvmsThatKnowTheFlag() {
        assertThat(JavaHostCommand.trimsNativeHeap(Runtime.Version.parse("21"))).isFalse();
        assertThat(JavaHostCommand.trimsNativeHeap(Runtime.Version.parse("21.0.1+12"))).isTrue();
        assertThat(JavaHostCommand.trimsNativeHeap(Runtime.Version.parse("25.0.3"))).isTrue();
    }

    @Test
    void startsAJavaFunctionInTheHostWithAHeapFromItsMemoryLimit() {
        Descriptor d = Descriptor.parse("name: hello\nruntime: java\nhandler: com.example.Hello\ncode: target/classes\n"
                + "memory: 128Mi\ntimeout: 5s\nenv: {GREETING: hi}\n");

        LaunchSpec spec = runtimes.launch(new Runtimes.Target(d, code, "hello-00001", "hello-00001-abcde", code.resolve("x.log"), false));

        assertThat(spec.command()).contains("-Xmx89m", Runtimes.JAVA_HOST);
        String classPath = spec.command().get(spec.command().indexOf("-cp") + 1);
        assertThat(classPath.split(File.pathSeparator)).allSatisfy(entry -> assertThat(Path.of(entry)).exists());
        assertThat(spec.env()).containsEntry("NUBO_HANDLER", "com.example.Hello")
                .containsEntry("NUBO_CODE", code.resolve("target/classes").toString())
                .containsEntry("NUBO_TIMEOUT_MS", "5000").containsEntry("NUBO_ENV_KEYS", "GREETING");
        assertThat(Path.of(spec.command().getFirst())).isExecutable();
        assertThat(spec.env()).containsEntry("NUBO_MEMORY_MB", "128").containsEntry("AWS_LAMBDA_FUNCTION_NAME", "hello")
                .containsEntry("AWS_LAMBDA_FUNCTION_VERSION", "hello-00001").containsEntry("_HANDLER", "com.example.Hello")
                .containsEntry("AWS_REGION", "us-east-1").containsEntry("AWS_DEFAULT_REGION", "us-east-1")
                .containsEntry("AWS_LAMBDA_LOG_GROUP_NAME", "/nubo/hello").containsEntry("AWS_LAMBDA_LOG_STREAM_NAME", "hello-00001-abcde");
        // A pooled JVM of the same memory is the same command, handed the function later.
        assertThat(spec.warmStart()).get().satisfies(w -> {
            assertThat(w.key()).isEqualTo("java-128Mi");
            assertThat(w.command()).isEqualTo(spec.command());
            assertThat(w.env()).isEmpty();
            assertThat(w.poolSize()).isEqualTo(2);
        });
    }

    @Test
    void startsNodeAndPythonFunctionsInTheShippedShims() throws Exception {
        Descriptor node = Descriptor.parse("name: hi\nruntime: node\nhandler: index.handler\nmemory: 100Mi\n");
        LaunchSpec n = runtimes.launch(new Runtimes.Target(node, code, "hi-00001", "hi-00001-abcde", code.resolve("x.log"), false));
        assertThat(n.command()).startsWith("node").contains("--max-old-space-size=70");
        assertThat(Path.of(n.command().getLast())).isRegularFile().hasFileName("nubo-node.mjs").startsWith(cache);
        assertThat(n.env()).containsEntry("NUBO_HANDLER", "index.handler").containsEntry("NUBO_TIMEOUT_MS", "30000");
        assertThat(n.warmStart()).get().extracting(w -> w.key()).isEqualTo("node-100Mi");
        Descriptor inRegion = Descriptor.parse("name: hi\nruntime: node\nhandler: index.handler\nenv: {AWS_REGION: eu-west-1}\n");
        assertThat(runtimes.launch(new Runtimes.Target(inRegion, code, "hi-00001", "hi-00001-abcde", code.resolve("x.log"), false)).env())
                .as("a service may choose its region").containsEntry("AWS_REGION", "eu-west-1").containsEntry("AWS_DEFAULT_REGION", "eu-west-1");

        Descriptor python = Descriptor.parse("name: hi\nruntime: python\nhandler: main.handler\n");
        LaunchSpec p = runtimes.launch(new Runtimes.Target(python, code, "hi-00001", "hi-00001-abcde", code.resolve("x.log"), false));
        assertThat(Path.of(p.command().getFirst()).getFileName().toString()).startsWith("python3");
        assertThat(Path.of(p.command().getLast())).isRegularFile().hasFileName("nubo_python.py");
        assertThat(p.warmStart()).get().extracting(w -> w.key()).isEqualTo("python-256Mi");
    }

    @Test
    void pointsACustomRuntimeAtItsRuntimeApiAndRoutesToTheBridge() {
        Descriptor d = Descriptor.parse("name: custom\nruntime: provided\nhandler: app.Handler::handleRequest\n");
        LaunchSpec spec = runtimes.launch(new Runtimes.Target(d, code, "custom-00001", "custom-00001-abcde", code.resolve("x.log"),
                false, Optional.of(new Runtimes.RuntimeApi("127.0.0.1:40001", 40002))));

        assertThat(spec.command()).containsExactly("./bootstrap");
        assertThat(spec.port()).isEqualTo(40002);
        assertThat(spec.warmStart()).isEmpty();
        assertThat(spec.env()).containsEntry("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:40001")
                .containsEntry("_HANDLER", "app.Handler::handleRequest").containsEntry("LAMBDA_TASK_ROOT", code.toString())
                .containsEntry("AWS_LAMBDA_LOG_GROUP_NAME", "/nubo/custom").containsEntry("AWS_LAMBDA_LOG_STREAM_NAME", "custom-00001-abcde")
                .containsEntry("AWS_REGION", "us-east-1");
        assertThat(d.scale().limit()).as("one invocation at a time, as on Lambda").isEqualTo(1);
    }

    @Test
    void aFunctionThatGivesItsJvmOrNodeFlagsStartsInAProcessOfItsOwn() {
        Descriptor java = Descriptor.parse("name: k\nruntime: java\nhandler: K\ncode: k.jar\n"
                + "env: {JAVA_TOOL_OPTIONS: '--add-opens=java.base/java.nio=ALL-UNNAMED'}\n");
        Descriptor node = Descriptor.parse("name: n\nruntime: node\nhandler: index.handler\nenv: {NODE_OPTIONS: --enable-source-maps}\n");

        for (Descriptor d : List.of(java, node)) {
            LaunchSpec spec = runtimes.launch(new Runtimes.Target(d, code, d.name() + "-00001", d.name() + "-00001-abcde",
                    code.resolve("x.log"), false));
            assertThat(spec.warmStart()).as(d.name() + ": a pooled process started without the flags").isEmpty();
            assertThat(spec.env()).containsEntry(d.name().equals("k") ? "JAVA_TOOL_OPTIONS" : "NODE_OPTIONS",
                    d.name().equals("k") ? "--add-opens=java.base/java.nio=ALL-UNNAMED" : "--enable-source-maps");
            assertThat(runtimes.warmKey(d)).isEmpty();
        }
        assertThat(runtimes.warmStarts(List.of(java, node))).extracting(w -> w.key()).containsExactly("java-256Mi");
    }

    @Test
    void theStartThatRecordsAJavaAppsStartCacheHasRoomAboveItsMemoryToWriteIt() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Descriptor d = Descriptor.parse("name: app\nruntime: process\ncommand: [" + java + ", -cp, ., Hello]\nmemory: 256Mi\n");

        LaunchSpec recording = runtimes.launch(new Runtimes.Target(d, code, "app-00001", "app-00001-aaaaa", code.resolve("x.log"), false));
        LaunchSpec meanwhile = runtimes.launch(new Runtimes.Target(d, code, "app-00001", "app-00001-bbbbb", code.resolve("x.log"), false));

        assertThat(recording.env().get("JDK_JAVA_OPTIONS")).contains("-XX:A");
        assertThat(recording.memoryBytes()).isEqualTo((256L << 20) + ProcessKind.RECORDING_HEADROOM);
        assertThat(meanwhile.env()).doesNotContainKey("JDK_JAVA_OPTIONS");
        assertThat(meanwhile.memoryBytes()).isEqualTo(256L << 20);
    }

    @Test
    void aPoolSizeOfZeroStartsEveryFunctionFresh() {
        Runtimes unpooled = Runtimes.detect(cache, 0);
        Descriptor d = Descriptor.parse("name: hello\nruntime: java\nhandler: com.example.Hello\ncode: target/classes\n");
        assertThat(unpooled.launch(new Runtimes.Target(d, code, "hello-00001", "hello-00001-abcde", code.resolve("x.log"), false))
                .warmStart()).isEmpty();
        assertThat(unpooled.warmStarts(List.of(d))).isEmpty();
    }

    @Test
    void warmsJavaAtTheDefaultMemoryAndTheKindsOfDeployedFunctions() {
        List<Descriptor> deployed = List.of(
                Descriptor.parse("name: a\nruntime: python\nhandler: main.handler\n"),
                Descriptor.parse("name: b\nruntime: python\nhandler: main.handler\n"),
                Descriptor.parse("name: c\nruntime: java\nhandler: C\ncode: c.jar\nmemory: 512Mi\n"),
                Descriptor.parse("name: d\nruntime: process\ncommand: [x]\n"));

        assertThat(runtimes.warmStarts(deployed)).extracting(w -> w.key())
                .containsExactly("java-256Mi", "python-256Mi", "java-512Mi");
    }

    @Test
    void refusesAJavaFunctionWhoseCodeIsNotThere() throws Exception {
        Descriptor d = Descriptor.parse("name: hello\nruntime: java\nhandler: com.example.Hello\ncode: target/app.jar\n");

        assertThatThrownBy(() -> runtimes.validate(d, code))
                .isInstanceOf(UserError.class)
                .hasMessage("nubo.yaml: `code` points at target/app.jar, which is not in the deployed directory");

        Files.createDirectories(code.resolve("target"));
        Files.writeString(code.resolve("target/app.txt"), "not a jar");
        Descriptor txt = Descriptor.parse("name: hello\nruntime: java\nhandler: com.example.Hello\ncode: target/app.txt\n");
        assertThatThrownBy(() -> runtimes.validate(txt, code)).hasMessageContaining("must be a .jar file or a classes directory");
    }
}
