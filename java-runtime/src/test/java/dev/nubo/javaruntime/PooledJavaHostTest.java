package dev.nubo.javaruntime;

import static dev.nubo.javaruntime.HostProcess.CLIENT;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A host started ahead of its function, as the platform's pool does, and the training run. */
class PooledJavaHostTest {

    @Test
    void servesOnceSpecialisedWithTheMessagesVariablesAsItsEnvironment() throws Exception {
        int port = HostProcess.freePort();
        try (HostProcess host = HostProcess.pooled(port)) {
            assertThat(host.stdout()).matches("nubo: pooled Java runtime warmed up in \\d+ ms\\R");
            assertThat(host.stderr()).isEmpty();

            Map<String, String> message = new LinkedHashMap<>();
            message.put("PORT", String.valueOf(port));
            message.put("NUBO_WORKDIR", HostProcess.TEST_CLASSES.toString());
            message.put("NUBO_HANDLER", SampleHandlers.EnvReport.class.getName());
            message.put("NUBO_CODE", HostProcess.TEST_CLASSES.toString());
            message.put("NUBO_SERVICE", "svc");
            message.put("NUBO_REVISION", "svc-00002");
            message.put("NUBO_ENV_KEYS", "POOLED_ONLY,MULTILINE");
            message.put("POOLED_ONLY", "a=b=c");
            message.put("MULTILINE", "line one\nline two");
            host.specialise(message);
            host.awaitReady();

            HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(host.uri("/"))
                    .POST(BodyPublishers.ofString("{}")).build(), BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"getenv\":\"a=b=c\",\"getenvMap\":\"a=b=c\",\"childEnv\":\"a=b=c\","
                    + "\"multiline\":\"line one\\nline two\",\"pool\":null,"
                    + "\"env\":{\"POOLED_ONLY\":\"a=b=c\",\"MULTILINE\":\"line one\\nline two\"}}");
            assertThat(host.stdout().lines().toList().getLast())
                    .matches("nubo: specialised as svc/svc-00002 in \\d+ ms \\(pooled; warmed up \\d+ ms earlier\\)");
        }
    }

    @Test
    void exitsQuietlyWhenStdinEndsBeforeAMessage() throws Exception {
        try (HostProcess host = HostProcess.pooled(HostProcess.freePort())) {
            host.closeStdin();

            assertThat(host.awaitExit()).isZero();
            assertThat(host.stdout()).startsWith("nubo: pooled Java runtime warmed up in ").hasLineCount(1);
            assertThat(host.stderr()).isEmpty();
        }
    }

    @Test
    void failsToSpecialiseExactlyAsAFreshStartFails() throws Exception {
        try (HostProcess host = HostProcess.pooled(HostProcess.freePort())) {
            host.specialise(Map.of("PORT", "1", "NUBO_HANDLER", "com.example.Missing",
                    "NUBO_CODE", HostProcess.TEST_CLASSES.toString()));

            assertThat(host.awaitExit()).isEqualTo(1);
            assertThat(host.stderr()).isEqualTo("nubo: handler class com.example.Missing not found in "
                    + HostProcess.TEST_CLASSES + " (check `handler` in nubo.yaml and that `code` points at the"
                    + " compiled classes)" + System.lineSeparator());
        }
    }

    @Test
    void failsToSpecialiseNamingTheFlagsWhenTheJvmDoesNotLetItSetTheEnvironment() throws Exception {
        try (HostProcess host = HostProcess.pooled(HostProcess.freePort(), List.of())) {
            host.specialise(Map.of("PORT", "1", "NUBO_HANDLER", SampleHandlers.Greeter.class.getName(),
                    "NUBO_CODE", HostProcess.TEST_CLASSES.toString()));

            assertThat(host.awaitExit()).isEqualTo(1);
            assertThat(host.stderr()).startsWith("nubo: cannot set the function's environment variables in this pooled"
                    + " JVM: java.lang.reflect.InaccessibleObjectException: ").endsWith(" (start pooled Java hosts with"
                    + " --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/java.util=ALL-UNNAMED)"
                    + System.lineSeparator());
        }
    }

    @Test
    void trainingRunWarmsUpEveryKindOfHandlerAndExits() throws Exception {
        try (HostProcess host = HostProcess.launch(Map.of("NUBO_TRAIN", "1"))) {
            assertThat(host.awaitExit()).isZero();
            assertThat(host.stdout()).matches("nubo: trained the Java runtime in \\d+ ms\\R");
            assertThat(host.stderr()).isEmpty();
        }
    }
}
