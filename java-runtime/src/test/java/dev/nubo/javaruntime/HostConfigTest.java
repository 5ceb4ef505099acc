package dev.nubo.javaruntime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HostConfigTest {

    private static final String CODE = HostProcess.TEST_CLASSES.toString();

    @Test
    void readsThePlatformsVariablesAndDefaultsTheOptionalOnes() {
        HostConfig config = HostConfig.from(Map.of("PORT", "8080", "NUBO_HANDLER", "com.example.Hello", "NUBO_CODE", CODE));

        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.handler()).isEqualTo("com.example.Hello");
        assertThat(config.code()).isEqualTo(Path.of(CODE));
        assertThat(config.service()).isEqualTo("local");
        assertThat(config.revision()).isEqualTo("local");
        assertThat(config.instance()).isEqualTo("local");
        assertThat(config.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.recycleGrace()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.memoryMb()).isEqualTo(256);
        assertThat(config.functionEnv()).isEmpty();
    }

    @Test
    void readsTheInstanceMemoryAndRecycleGrace() {
        Map<String, String> env = valid();
        env.putAll(Map.of("NUBO_INSTANCE", "hello-00003-x7k2p", "NUBO_MEMORY_MB", "512", "NUBO_RECYCLE_GRACE_MS", "250"));
        HostConfig config = HostConfig.from(env);

        assertThat(config.instance()).isEqualTo("hello-00003-x7k2p");
        assertThat(config.memoryMb()).isEqualTo(512);
        assertThat(config.recycleGrace()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void theStartIsFreshUnlessThePoolOrATrainingRunAsksOtherwise() {
        assertThat(HostConfig.Start.of(Map.of())).isEqualTo(HostConfig.Start.FRESH);
        assertThat(HostConfig.Start.of(Map.of("NUBO_POOL", "0"))).isEqualTo(HostConfig.Start.FRESH);
        assertThat(HostConfig.Start.of(Map.of("NUBO_POOL", "1"))).isEqualTo(HostConfig.Start.POOLED);
        assertThat(HostConfig.Start.of(Map.of("NUBO_TRAIN", "1", "NUBO_POOL", "1"))).isEqualTo(HostConfig.Start.TRAINING);
    }

    @Test
    void functionEnvHoldsExactlyTheListedVariablesThatAreSetInListedOrder() {
        Map<String, String> env = valid();
        env.putAll(Map.of("NUBO_ENV_KEYS", " ZETA,ALPHA,,MISSING ", "ZETA", "z", "ALPHA", "a", "OTHER", "o"));

        assertThat(HostConfig.from(env).functionEnv()).containsExactly(Map.entry("ZETA", "z"), Map.entry("ALPHA", "a"));
    }

    @Test
    void missingOrInvalidVariablesNameTheFix() {
        assertFails(without("PORT"), "PORT is not set (the platform sets it; to run the host by hand, set e.g. PORT=8080)");
        assertFails(with("PORT", "http"), "PORT must be a number from 1 to 65535, got 'http'");
        assertFails(with("PORT", "0"), "PORT must be a number from 1 to 65535, got '0'");
        assertFails(without("NUBO_HANDLER"),
                "NUBO_HANDLER is not set (set it to the handler class from `handler` in nubo.yaml, e.g. com.example.Hello)");
        assertFails(without("NUBO_CODE"),
                "NUBO_CODE is not set (set it to the function's jar or classes directory from `code` in nubo.yaml)");
        assertFails(with("NUBO_CODE", "/no/such/dir"), "code /no/such/dir not found (NUBO_CODE must name an existing jar"
                + " or classes directory: check `code` in nubo.yaml and build the function first)");
        assertFails(with("NUBO_TIMEOUT_MS", "30s"), "NUBO_TIMEOUT_MS must be a positive number of milliseconds, got '30s'");
        assertFails(with("NUBO_RECYCLE_GRACE_MS", "-1"),
                "NUBO_RECYCLE_GRACE_MS must be a positive number of milliseconds, got '-1'");
        assertFails(with("NUBO_MEMORY_MB", "1G"), "NUBO_MEMORY_MB must be a positive number of MiB, got '1G'");
    }

    private static void assertFails(Map<String, String> env, String message) {
        assertThatThrownBy(() -> HostConfig.from(env)).isInstanceOf(InitFailure.class).hasMessage(message);
    }

    private static Map<String, String> valid() {
        return new HashMap<>(Map.of("PORT", "8080", "NUBO_HANDLER", "com.example.Hello", "NUBO_CODE", CODE));
    }

    private static Map<String, String> with(String key, String value) {
        Map<String, String> env = valid();
        env.put(key, value);
        return env;
    }

    private static Map<String, String> without(String key) {
        Map<String, String> env = valid();
        env.remove(key);
        return env;
    }
}
