package dev.nubo.runtimes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nubo.instances.LaunchSpec;
import dev.nubo.model.Descriptor;
import dev.nubo.model.UserError;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimesTest {

    @TempDir
    Path code;

    final Runtimes runtimes = Runtimes.detect();

    @Test
    void runsAProcessCommandAsWrittenInTheDeployedDirectory() {
        Descriptor d = Descriptor.parse("name: shop\nruntime: process\ncommand: [node, server.js]\nenv: {A: b}\n");

        LaunchSpec spec = runtimes.launch(new Runtimes.Target(d, code, "shop-00002", "shop-00002-abcde", code.resolve("x.log"), true));

        assertThat(spec.command()).containsExactly("node", "server.js");
        assertThat(spec.workDir()).isEqualTo(code);
        assertThat(spec.env()).containsEntry("A", "b").containsEntry("NUBO_SERVICE", "shop")
                .containsEntry("NUBO_REVISION", "shop-00002").containsEntry("NUBO_INSTANCE", "shop-00002-abcde");
        assertThat(spec.proven()).isTrue();
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
