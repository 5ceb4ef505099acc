package dev.nubo.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What the configuration's history does on every database: subclassed for SQLite and PostgreSQL. */
abstract class ConfigLogContractTest extends StoreFixture {

    @Test
    void everyChangeIsANewVersionHoldingTheWholeConfiguration() {
        ConfigLog config = open().config();

        ConfigVersion first = config.change("orders", set("default", "greeting", "hello"), "set greeting", T0);
        ConfigVersion second = config.change("orders", set("prod", "pool", "8"), "set pool in prod", T0.plusSeconds(1));

        assertThat(first.version()).isEqualTo(1);
        assertThat(second.version()).isEqualTo(2);
        assertThat(second.profiles()).isEqualTo(Map.of("default", Map.of("greeting", "hello"), "prod", Map.of("pool", "8")));
        assertThat(config.version("orders", 1).orElseThrow().profiles()).isEqualTo(Map.of("default", Map.of("greeting", "hello")));
        assertThat(config.history("orders", 10)).extracting(ConfigVersion::version, ConfigVersion::change)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(2, "set pool in prod"), org.assertj.core.groups.Tuple.tuple(1, "set greeting"));
        assertThat(open().config().latest("orders")).contains(second);
        assertThat(config.apps()).containsExactly("orders");
        assertThat(config.latest("unknown")).isEmpty();
    }

    @Test
    void settingWhatIsAlreadySetMakesNoNewVersion() {
        ConfigLog config = open().config();
        config.change("orders", set("default", "greeting", "hello"), "set greeting", T0);

        ConfigVersion again = config.change("orders", set("default", "greeting", "hello"), "set greeting", T0.plusSeconds(1));

        assertThat(again.version()).isEqualTo(1);
        assertThat(again.createdAt()).isEqualTo(T0);
    }

    @Test
    void aRollbackIsANewVersionEqualToTheOldOne() {
        ConfigLog config = open().config();
        config.change("orders", set("default", "greeting", "hello"), "set greeting", T0);
        config.change("orders", set("default", "greeting", "bye"), "set greeting", T0);
        SortedMap<String, SortedMap<String, String>> first = config.version("orders", 1).orElseThrow().profiles();

        ConfigVersion back = config.change("orders", all -> first, "rollback to version 1", T0);

        assertThat(back.version()).isEqualTo(3);
        assertThat(back.profiles()).isEqualTo(first);
    }

    @Test
    void concurrentWritersOfOneApplicationEachGetTheirOwnVersion() throws Exception {
        AtomicInteger n = new AtomicInteger();
        var outcomes = RaceContractTest.race(4, node -> open().config()
                .change("orders", set("default", "key" + n.incrementAndGet(), "v"), "set", T0).version());

        assertThat(outcomes).allSatisfy(o -> assertThat(o.value()).isPresent());
        assertThat(open().config().latest("orders").orElseThrow().version()).isEqualTo(4);
        assertThat(open().config().latest("orders").orElseThrow().profile("default")).hasSize(4);
    }

    private static java.util.function.UnaryOperator<SortedMap<String, SortedMap<String, String>>> set(String profile, String key,
            String value) {
        return all -> {
            SortedMap<String, SortedMap<String, String>> next = new TreeMap<>(all);
            SortedMap<String, String> keys = new TreeMap<>(next.getOrDefault(profile, new TreeMap<>()));
            keys.put(key, value);
            next.put(profile, keys);
            return next;
        };
    }
}
