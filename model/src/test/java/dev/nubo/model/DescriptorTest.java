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
                scale: {min: 2, max: 4}
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
        assertThat(d.scale()).isEqualTo(new Descriptor.Scale(2, 4));
        assertThat(d.drainTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(d.paths()).containsExactly("/api/orders");
    }

    @Test
    void fillsDefaultsForAJavaFunction() {
        Descriptor d = Descriptor.parse("name: hello\nruntime: java\nhandler: com.example.Hello\ncode: target/classes\n");

        assertThat(d.runtime()).isEqualTo(new Descriptor.JavaFunction("com.example.Hello", "target/classes"));
        assertThat(d.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.memory()).isEqualTo(256L << 20);
        assertThat(d.maxBodySize()).isEqualTo(10L << 20);
        assertThat(d.readiness().httpPath()).isEmpty();
        assertThat(d.scale()).isEqualTo(new Descriptor.Scale(1, 1));
    }

    @Test
    void aStringCommandRunsThroughTheShell() {
        Descriptor d = Descriptor.parse("name: a\nruntime: process\ncommand: python3 app.py --port $PORT\n");
        assertThat(d.runtime()).isEqualTo(new Descriptor.Process(List.of("/bin/sh", "-c", "exec python3 app.py --port $PORT")));
    }

    @Test
    void namesTheFieldAndTheFixForEachMistake() {
        assertInvalid("runtime: process\ncommand: [x]\n", "nubo.yaml: `name` is required");
        assertInvalid("name: Hello_World\nruntime: process\ncommand: [x]\n",
                "nubo.yaml: `name` must be a DNS label", "try `name: hello-world`");
        assertInvalid("name: a\nruntime: nodejs\n",
                "nubo.yaml: `runtime` must be one of process, java (got 'nodejs')", "runtime: process");
        assertInvalid("name: a\nruntime: process\n", "nubo.yaml: `command` is required for runtime process");
        assertInvalid("name: a\nruntime: process\ncomand: [x]\n", "nubo.yaml: unknown field `comand`", "known fields are");
        assertInvalid("name: a\nruntime: java\ncode: x.jar\n", "nubo.yaml: `handler` is required");
        assertInvalid("name: a\nruntime: java\nhandler: A\ncode: ../x.jar\n", "`code` must be a path inside the deployed directory");
        assertInvalid("name: a\nruntime: java\nhandler: A\ncode: a.jar\ncommand: [x]\n", "`command` does not apply to runtime java");
        assertInvalid("name: a\nruntime: process\ncommand: [x]\ntimeout: 30\n", "`timeout` must be a duration such as 500ms");
        assertInvalid("name: a\nruntime: process\ncommand: [x]\nmemory: 1Mi\n", "`memory` must be between 16Mi and 64Gi (got 1Mi)");
        assertInvalid("name: a\nruntime: process\ncommand: [x]\nscale: {min: 3, max: 2}\n", "`scale.max` (2) is below `scale.min` (3)");
        assertInvalid("name: a\nruntime: process\ncommand: [x]\nscale: {min: 0}\n", "`scale.min` must be at least 1");
        assertInvalid("name: a\nruntime: process\ncommand: [x]\nenv: {PORT: 1}\n", "`env.PORT` is reserved");
        assertInvalid("name: a\nruntime: process\ncommand: [x]\nreadiness: {http: healthz}\n", "`readiness.http` must be a path starting with '/'");
        assertInvalid("name: a\nruntime: process\ncommand: [x]\nreadiness: {http: \"/a b\"}\n", "`readiness.http` must be a path starting with '/', without spaces");
        assertInvalid("name: a\nruntime: process\ncommand: [x]\npaths: [/]\n", "`paths[0]` is '/'");
        assertInvalid("name: a\n  runtime: [\n", "nubo.yaml is not valid YAML", "line");
        assertInvalid("", "nubo.yaml is empty");
        assertInvalid("- a\n- b\n", "nubo.yaml must be a mapping of fields, found a list");
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
