package dev.nubo.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RegistryTest {

    private final ManualClock clock = new ManualClock();
    private final Registry registry = new Registry(clock);

    @Test
    void listsANuboInstanceUpOnlyOnceNuboFindsItReady() {
        registry.platform(new PlatformInstance("hello-00001-aaaaa", "hello", "127.0.0.1", 40001, false));
        assertThat(only().status()).isEqualTo(Status.STARTING);
        assertThat(only().app()).isEqualTo("HELLO");

        registry.platform(new PlatformInstance("hello-00001-aaaaa", "hello", "127.0.0.1", 40001, true));

        assertThat(only().status()).isEqualTo(Status.UP);
        assertThat(only().source()).isEqualTo(Listed.Source.PLATFORM);
    }

    @Test
    void anAppRegisteredOnAnInstancesPortFollowsThatInstance() {
        registry.platform(new PlatformInstance("callee-00001-aaaaa", "callee", "127.0.0.1", 40002, false));

        registry.register(SpringClient.registration("callee", "box:callee:40002", 40002, "UP"));

        // Nubo has not found it ready: not UP, whatever the app says; its own entry replaces Nubo's.
        Listed listed = only();
        assertThat(listed.id()).isEqualTo("box:callee:40002");
        assertThat(listed.status()).isEqualTo(Status.STARTING);
        assertThat(listed.host()).isEqualTo("127.0.0.1");
        assertThat(listed.nuboInstance()).contains("callee-00001-aaaaa");

        registry.platform(new PlatformInstance("callee-00001-aaaaa", "callee", "127.0.0.1", 40002, true));
        assertThat(only().status()).isEqualTo(Status.UP);

        registry.platformGone("callee-00001-aaaaa");
        assertThat(registry.snapshot().instances()).isEmpty();
        assertThat(registry.renew("CALLEE", "box:callee:40002")).isFalse();
    }

    @Test
    void anAppFromAnotherMachineIsNotTiedToAnInstanceByItsPort() {
        registry.platform(new PlatformInstance("callee-00001-aaaaa", "callee", "127.0.0.1", 40003, true));

        registry.register(SpringClient.registration("callee", "far:callee:40003", 40003, "UP").fromRemote(true));

        assertThat(registry.snapshot().instances()).extracting(Listed::id).containsExactly("far:callee:40003", "callee-00001-aaaaa");
        registry.platformGone("callee-00001-aaaaa");
        assertThat(only().id()).isEqualTo("far:callee:40003");
        assertThat(only().host()).isEqualTo("box");
    }

    @Test
    void aLeaseExpiresWhenItsRenewalsStop() {
        registry.register(SpringClient.registration("orders", "box:orders:8080", 8080, "UP"));
        clock.advance(Duration.ofSeconds(80));
        assertThat(registry.renew("orders", "box:orders:8080")).isTrue();
        clock.advance(Duration.ofSeconds(90));
        registry.expire();
        assertThat(registry.snapshot().instances()).hasSize(1);

        clock.advance(Duration.ofSeconds(1));
        registry.expire();

        assertThat(registry.snapshot().instances()).isEmpty();
        assertThat(registry.renew("orders", "box:orders:8080")).as("a renewal after expiry asks the client to register").isFalse();
    }

    @Test
    void aStatusOverrideWinsOverTheClientUntilCleared() {
        registry.register(SpringClient.registration("orders", "box:orders:8080", 8080, "UP"));

        assertThat(registry.override("ORDERS", "box:orders:8080", Optional.of(Status.OUT_OF_SERVICE))).isTrue();
        registry.register(SpringClient.registration("orders", "box:orders:8080", 8080, "UP"));
        assertThat(only().status()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(only().overridden()).isEqualTo(Status.OUT_OF_SERVICE);

        assertThat(registry.override("ORDERS", "box:orders:8080", Optional.empty())).isTrue();
        assertThat(only().status()).isEqualTo(Status.UP);
        assertThat(registry.override("ORDERS", "nobody", Optional.empty())).isFalse();
    }

    @Test
    void aDeltaHoldsTheLatestChangePerInstanceForThreeMinutes() {
        registry.platform(new PlatformInstance("a-00001-aaaaa", "a", "127.0.0.1", 40004, true));
        registry.platform(new PlatformInstance("b-00001-bbbbb", "b", "127.0.0.1", 40005, false));
        clock.advance(Duration.ofMinutes(2));
        registry.platform(new PlatformInstance("b-00001-bbbbb", "b", "127.0.0.1", 40005, true));
        registry.platformGone("a-00001-aaaaa");

        Registry.Delta delta = registry.delta();
        assertThat(delta.changes()).extracting(c -> c.instance().id() + " " + c.action())
                .containsExactly("b-00001-bbbbb MODIFIED", "a-00001-aaaaa DELETED");
        assertThat(delta.now().version()).isEqualTo(4);
        assertThat(delta.now().appsHashCode()).isEqualTo("UP_1_");

        clock.advance(Duration.ofMinutes(3).plusMillis(1));
        assertThat(registry.delta().changes()).isEmpty();
    }

    @Test
    void aRenewalChangesNothingAWatcherHears() {
        List<String> heard = new ArrayList<>();
        registry.watch(c -> heard.add(c.version() + " " + c.action() + " " + c.instance().id() + " " + c.instance().status()));
        registry.register(SpringClient.registration("orders", "box:orders:8080", 8080, "STARTING"));
        registry.renew("orders", "box:orders:8080");
        registry.register(SpringClient.registration("orders", "box:orders:8080", 8080, "UP"));
        registry.cancel("ORDERS", "box:orders:8080");

        assertThat(heard).containsExactly("1 ADDED box:orders:8080 STARTING", "2 MODIFIED box:orders:8080 UP",
                "3 DELETED box:orders:8080 UP");
        assertThat(registry.since(1)).hasValueSatisfying(missed -> assertThat(missed).extracting(Change::version).containsExactly(2L, 3L));
    }

    @Test
    void aFailingWatcherNeitherStopsTheChangeNorTheOtherWatchers() {
        List<Long> heard = new ArrayList<>();
        registry.watch(c -> {
            throw new java.util.concurrent.RejectedExecutionException("event loop closed");
        });
        registry.watch(c -> heard.add(c.version()));

        registry.platform(new PlatformInstance("a-00001-aaaaa", "a", "127.0.0.1", 40020, true));
        registry.platformGone("a-00001-aaaaa");

        assertThat(heard).containsExactly(1L, 2L);
        assertThat(registry.snapshot().instances()).isEmpty();
    }

    private Listed only() {
        assertThat(registry.snapshot().instances()).hasSize(1);
        return registry.snapshot().instances().get(0);
    }
}
