package dev.nubo.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.store.ConfigVersion;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SpringEnvironmentTest {

    @Test
    @SuppressWarnings("unchecked")
    void listsTheMostSpecificSourceFirstAsSpringsConfigServerDoes() {
        ConfigVersion orders = version("orders", 3, Map.of("default", Map.of("a", "orders"), "prod", Map.of("a", "orders-prod"),
                "eu", Map.of("a", "orders-eu")));
        ConfigVersion shared = version("application", 1, Map.of("default", Map.of("b", "shared"), "prod", Map.of("b", "shared-prod")));

        Map<String, Object> env = SpringEnvironment.of("orders", List.of("prod", "eu"), Optional.of("main"), Optional.of(orders),
                Optional.of(shared));

        assertThat(env).containsEntry("name", "orders").containsEntry("profiles", List.of("prod", "eu"))
                .containsEntry("label", "main").containsEntry("version", "3").containsEntry("state", null);
        assertThat((List<Map<String, Object>>) env.get("propertySources")).extracting(s -> s.get("name")).containsExactly(
                "nubo:orders-eu@3", "nubo:orders-prod@3", "nubo:application-prod@1", "nubo:orders@3", "nubo:application@1");
        assertThat(SpringEnvironment.merged(env)).isEqualTo(Map.of("a", "orders-eu", "b", "shared-prod"));
    }

    @Test
    void anApplicationWithoutConfigurationGetsAnEmptyEnvironment() {
        Map<String, Object> env = SpringEnvironment.of("nobody", List.of("default"), Optional.empty(), Optional.empty(), Optional.empty());

        assertThat(env).containsEntry("propertySources", List.of()).containsEntry("version", null);
    }

    private static ConfigVersion version(String app, int n, Map<String, Map<String, String>> profiles) {
        SortedMap<String, SortedMap<String, String>> sorted = new TreeMap<>();
        profiles.forEach((p, keys) -> sorted.put(p, new TreeMap<>(keys)));
        return new ConfigVersion(app, n, sorted, "test", Instant.EPOCH);
    }
}
