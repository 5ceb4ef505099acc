package dev.nubo.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nubo.model.UserError;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigFilesTest {

    @Test
    void flattensYamlAsSpringDoes() {
        String yaml = """
                greeting:
                  text: hello
                  loud: true
                servers:
                  - a.example
                  - b.example
                pool:
                  size: 8
                empty:
                """;

        assertThat(ConfigFiles.read("application.yml", yaml, "default")).isEqualTo(Map.of("default", Map.of(
                "greeting.text", "hello", "greeting.loud", "true", "servers[0]", "a.example", "servers[1]", "b.example",
                "pool.size", "8", "empty", "")));
    }

    @Test
    void aYamlDocumentActivatedOnAProfileIsThatProfiles() {
        String yaml = """
                greeting: hello
                ---
                spring:
                  config:
                    activate:
                      on-profile: prod
                greeting: hello from prod
                """;

        assertThat(ConfigFiles.read("application.yaml", yaml, "default"))
                .isEqualTo(Map.of("default", Map.of("greeting", "hello"), "prod", Map.of("greeting", "hello from prod")));
    }

    @Test
    void readsPropertiesIntoTheGivenProfile() {
        assertThat(ConfigFiles.read("orders.properties", "a.b=1\n# note\nc = two words\n", "dev"))
                .isEqualTo(Map.of("dev", Map.of("a.b", "1", "c", "two words")));
    }

    @Test
    void yamlThatDoesNotParseIsRefusedWithItsLine() {
        String yaml = "greeting: hello\npool:\n  size: 8\n bad: [1, 2\n";

        assertThatThrownBy(() -> ConfigFiles.read("application.yml", yaml, "default"))
                .isInstanceOfSatisfying(UserError.class, e -> assertThat(e.code()).isEqualTo("config.invalid"))
                .hasMessageStartingWith("application.yml line 4 does not parse as YAML: ");
    }

    @Test
    void aFileOfAnotherFormatIsRefused() {
        assertThatThrownBy(() -> ConfigFiles.read("settings.json", "{}", "default"))
                .hasMessage("cannot tell the format of settings.json");
    }
}
