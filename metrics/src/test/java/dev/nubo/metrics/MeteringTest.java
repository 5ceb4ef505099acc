package dev.nubo.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.store.UsageLog.Usage;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class MeteringTest {

    static final Instant NOON = Instant.parse("2026-12-03T12:00:00Z");
    static final Instant ONE = NOON.plusSeconds(3600);
    static final long MIB_128 = 128L << 20;

    final Metering metering = new Metering();

    private static Metering.InstanceSample instance(String id, Instant created, long cpuMs) {
        return new Metering.InstanceSample("shop", "shop-00001", id, MIB_128, created, OptionalLong.of(cpuMs));
    }

    @Test
    void countsAnInstancesMemoryTimesItsLifetimeFromItsCreationSplitAtTheHour() {
        Instant created = NOON.plusSeconds(3600 - 10);       // 12:59:50
        List<Usage> first = metering.sample(NOON.plusSeconds(3600 - 5), List.of(instance("i1", created, 0)), List.of());
        assertThat(first).containsExactly(new Usage("shop", "shop-00001", NOON, 0, 128 * 5_000, 0, 0, 0, 0));

        List<Usage> second = metering.sample(ONE.plusSeconds(5), List.of(instance("i1", created, 0)), List.of());
        assertThat(second).containsExactly(
                new Usage("shop", "shop-00001", NOON, 0, 128 * 5_000, 0, 0, 0, 0),
                new Usage("shop", "shop-00001", ONE, 0, 128 * 5_000, 0, 0, 0, 0));
    }

    @Test
    void countsInvocationsBytesAndActiveTimeAsTheGrowthOfTheGatewaysTotals() {
        metering.sample(NOON.plusSeconds(10), List.of(instance("i1", NOON, 0)),
                List.of(new Metering.RevisionTraffic("shop", "shop-00001", 3, 30_000_000, 100, 1000)));

        List<Usage> next = metering.sample(NOON.plusSeconds(20), List.of(instance("i1", NOON, 0)),
                List.of(new Metering.RevisionTraffic("shop", "shop-00001", 5, 1_030_000_000, 150, 1200)));

        assertThat(next).containsExactly(new Usage("shop", "shop-00001", NOON, 2, 128 * 10_000, 128 * 1_000, 0, 50, 200));
    }

    @Test
    void countsCpuAsEachProcesssGrowthAndForgetsInstancesThatAreGone() {
        assertThat(metering.sample(NOON.plusSeconds(10), List.of(instance("i1", NOON, 400)), List.of()))
                .extracting(Usage::cpuMs).containsExactly(400L);
        assertThat(metering.sample(NOON.plusSeconds(20), List.of(instance("i1", NOON, 650)), List.of()))
                .extracting(Usage::cpuMs).containsExactly(250L);
        assertThat(metering.sample(NOON.plusSeconds(30), List.of(), List.of())).isEmpty();
    }

    @Test
    void putsGrowthUpToTheFullHourInTheHourThatEnds() {
        metering.sample(NOON.plusSeconds(3590), List.of(), List.of(new Metering.RevisionTraffic("shop", "shop-00001", 1, 0, 0, 0)));
        assertThat(metering.sample(ONE, List.of(), List.of(new Metering.RevisionTraffic("shop", "shop-00001", 2, 0, 0, 0))))
                .extracting(Usage::hour).containsExactly(NOON);
    }
}
