package dev.nubo.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** An instance Nubo drains: out of the registry at once, kept serving until callers' caches let go of it. */
class DrainingTest {

    private final ManualClock clock = new ManualClock();
    private final Registry registry = new Registry(clock, new ClientCaches(Duration.ofSeconds(5), Duration.ofSeconds(5)));

    @Test
    void callersMayHoldADrainedInstanceUntilTheLastFetchThatListedItPlusTheBound() {
        registry.platform(new PlatformInstance("callee-00001-aaaaa", "callee", "127.0.0.1", 40100, true));
        clock.advance(Duration.ofSeconds(1));
        registry.fetched();
        Instant fetchedAt = clock.instant();
        clock.advance(Duration.ofSeconds(3));

        registry.platformDraining("callee-00001-aaaaa");
        clock.advance(Duration.ofSeconds(4));
        registry.fetched();     // after it left: this fetch no longer lists it

        assertThat(registry.snapshot().instances()).isEmpty();
        assertThat(registry.callersGoneAt("callee-00001-aaaaa")).isEqualTo(fetchedAt.plusSeconds(15));
    }

    @Test
    void anInstanceNoClientFetchedWhileListedNeedNotWait() {
        registry.fetched();
        clock.advance(Duration.ofSeconds(1));
        registry.platform(new PlatformInstance("callee-00001-aaaaa", "callee", "127.0.0.1", 40101, true));
        clock.advance(Duration.ofSeconds(2));

        registry.platformDraining("callee-00001-aaaaa");

        assertThat(registry.callersGoneAt("callee-00001-aaaaa")).isEqualTo(clock.instant());
    }

    @Test
    void anAppInADrainingInstanceCannotRegisterItselfBackUntilItStops() {
        registry.platform(new PlatformInstance("callee-00001-aaaaa", "callee", "127.0.0.1", 40102, true));
        registry.register(SpringClient.registration("callee", "box:callee:40102", 40102, "UP"));

        registry.platformDraining("callee-00001-aaaaa");
        assertThat(registry.renew("CALLEE", "box:callee:40102")).as("its heartbeat is told it is gone").isFalse();
        registry.register(SpringClient.registration("callee", "box:callee:40102", 40102, "UP"));
        assertThat(registry.snapshot().instances()).as("so it registers again, and is not listed").isEmpty();

        registry.platformGone("callee-00001-aaaaa");
        registry.register(SpringClient.registration("callee", "box:callee:40102", 40102, "UP"));
        assertThat(registry.snapshot().instances()).as("a later app on the port is its own").hasSize(1);
    }

    @Test
    void theEnvironmentSetsBothCachesAndTheBoundCoversALateFetch() {
        ClientCaches caches = new ClientCaches(Duration.ofSeconds(2), Duration.ofMillis(1500));

        assertThat(caches.environment()).containsEntry("EUREKA_CLIENT_REGISTRYFETCHINTERVALSECONDS", "2")
                .containsEntry("SPRING_CLOUD_LOADBALANCER_CACHE_TTL", "1500ms");
        assertThat(caches.bound()).isEqualTo(Duration.ofMillis(5500));
        assertThatThrownBy(() -> ClientCaches.every(Duration.ofMillis(500))).hasMessage(
                "the registry's fetch interval must be whole seconds, 1 s or more (got 500 ms): the Eureka client takes it in seconds");
    }
}
