package dev.nubo.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RoutesTest {

    private final InFlight inFlight = new InFlight(256);
    private final Map<String, java.util.concurrent.atomic.AtomicInteger> cursors = new java.util.concurrent.ConcurrentHashMap<>() {
        @Override
        public java.util.concurrent.atomic.AtomicInteger get(Object key) {
            return computeIfAbsent((String) key, k -> new java.util.concurrent.atomic.AtomicInteger());
        }
    };

    private static ServiceRoute service(String name, List<String> paths, Endpoint... endpoints) {
        return ServiceRoute.single(name, name + "-r1", Duration.ofSeconds(30), 1 << 20, paths, List.of(endpoints));
    }

    private Routes index(ServiceRoute... services) {
        Map<String, ServiceRoute> byName = new HashMap<>();
        for (ServiceRoute s : services) {
            byName.put(s.service(), s);
        }
        return Routes.index(new RouteTable(byName), "apps.test", inFlight::slots, Demand::new, cursors::get);
    }

    private static String found(Routes.Match match) {
        return match == null ? "none" : match.route().name();
    }

    private Target target(ServiceRoute service) {
        return index(service).find(service.service() + ".apps.test", "/").route().split();
    }

    /** Claims and gives the slot straight back, as a request that finished at once would. */
    private static String pick(Target target) {
        Upstream u = target.claim();
        if (u == null) {
            return "none";
        }
        u.unclaim();
        return u.instanceId();
    }

    @Test
    void findsServiceByHostNameIgnoringPortCaseAndTrailingDot() {
        Routes routes = index(service("hello", List.of()), service("other", List.of()));

        assertThat(found(routes.find("hello.apps.test", "/"))).isEqualTo("hello");
        assertThat(found(routes.find("HELLO.Apps.Test:8080", "/x"))).isEqualTo("hello");
        assertThat(found(routes.find("hello.apps.test.", "/"))).isEqualTo("hello");
        assertThat(found(routes.find("other.apps.test:1", "/"))).isEqualTo("other");
        assertThat(found(routes.find("hello.elsewhere.test", "/"))).isEqualTo("none");
    }

    @Test
    void fallsBackToTheLongestPathPrefixOnWholeSegments() {
        Routes routes = index(service("api", List.of("/api")), service("v2", List.of("/api/v2/")), service("site", List.of("/")));

        assertThat(found(routes.find("127.0.0.1:8080", "/api"))).isEqualTo("api");
        assertThat(found(routes.find("127.0.0.1", "/api/users"))).isEqualTo("api");
        assertThat(found(routes.find("127.0.0.1", "/api/v2"))).isEqualTo("v2");
        assertThat(found(routes.find("127.0.0.1", "/api/v2/users"))).isEqualTo("v2");
        assertThat(found(routes.find("127.0.0.1", "/api/v20"))).isEqualTo("api");
        assertThat(found(routes.find("127.0.0.1", "/apix"))).isEqualTo("site");
        assertThat(found(routes.find(null, "/anything"))).isEqualTo("site");
    }

    @Test
    void findsNothingWithoutAMatchingHostOrPrefix() {
        Routes routes = index(service("api", List.of("/api")));

        assertThat(found(routes.find("localhost", "/"))).isEqualTo("none");
        assertThat(found(routes.find("[::1]:8080", "/apix"))).isEqualTo("none");
    }

    @Test
    void reducesHostHeadersToLowercaseNamesWithoutPort() {
        assertThat(Routes.hostName("Hello.LOCALHOST:8080")).isEqualTo("hello.localhost");
        assertThat(Routes.hostName("[::1]:8080")).isEqualTo("[::1]");
        assertThat(Routes.hostName("[::1]")).isEqualTo("[::1]");
        assertThat(Routes.hostName("plain")).isSameAs("plain");
    }

    @Test
    void picksTheEndpointWithFewestRequestsInFlight() {
        Endpoint a = new Endpoint("a", "127.0.0.1", 1);
        Endpoint b = new Endpoint("b", "127.0.0.1", 2);
        Endpoint c = new Endpoint("c", "127.0.0.1", 3);
        Target route = target(service("s", List.of(), a, b, c));
        inFlight.slots("a").inFlight().set(3);
        inFlight.slots("b").inFlight().set(1);
        inFlight.slots("c").inFlight().set(2);

        for (int i = 0; i < 5; i++) {
            assertThat(pick(route)).isEqualTo("b");
        }
    }

    @Test
    void takesTurnsAmongEquallyBusyEndpoints() {
        Target route = target(service("s", List.of(), new Endpoint("a", "h", 1), new Endpoint("b", "h", 2), new Endpoint("c", "h", 3)));

        List<String> picks = IntStream.range(0, 6).mapToObj(i -> pick(route)).toList();

        assertThat(picks).containsExactly("a", "b", "c", "a", "b", "c");
    }

    @Test
    void skipsInstancesAtTheirLearnedLimitOrPausingAfterAFailedConnection() {
        Target two = target(service("s", List.of(), new Endpoint("a", "h", 1), new Endpoint("b", "h", 2)));
        inFlight.slots("a").inFlight().set(AdaptiveLimit.INITIAL);
        inFlight.slots("b").inFlight().set(AdaptiveLimit.INITIAL - 1);
        assertThat(pick(two)).as("a is at its limit of 4, b has one more").isEqualTo("b");
        Upstream last = two.claim();
        assertThat(last.instanceId()).isEqualTo("b");
        assertThat(two.claim()).as("both at their limit").isNull();

        long now = System.nanoTime();
        inFlight.slots("b").limit().failed(now, now);  // 4 → 2, and a pause of 25ms
        inFlight.slots("b").inFlight().set(0);
        assertThat(two.claim()).as("b is pausing, a is full").isNull();
        inFlight.slots("a").inFlight().set(0);
        assertThat(pick(two)).isEqualTo("a");
        assertThat(target(service("u", List.of())).claim()).isNull();
    }

    @Test
    void keepsCountersOfInstancesThatAreBusyOrWereJustRemoved() {
        InFlight counters = new InFlight(256);
        counters.slots("busy").inFlight().set(2);
        counters.slots("idle-previous");
        counters.slots("idle-gone").limit().answered(4);

        counters.forgetIdleExcept(Set.of(), Set.of("idle-previous"));
        counters.slots("idle-previous").inFlight().incrementAndGet();
        counters.slots("idle-gone").inFlight().incrementAndGet();

        assertThat(counters.get("busy")).isEqualTo(2);
        assertThat(counters.get("idle-previous")).isEqualTo(1);
        assertThat(counters.get("idle-gone")).isEqualTo(1);  // a fresh counter
        assertThat(counters.slots("idle-gone").limit().limit()).as("and a fresh limit").isEqualTo(AdaptiveLimit.INITIAL);
    }

    @Test
    void neverClaimsBeyondTheRevisionLimit() {
        RevisionRoute capped = new RevisionRoute("s-r1", Duration.ofSeconds(5), 1 << 20, 2, 10, Duration.ofSeconds(5),
                List.of(new Endpoint("a", "h", 1), new Endpoint("b", "h", 2)));
        Target target = target(ServiceRoute.single("s", List.of(), capped));

        List<String> claims = IntStream.range(0, 5).mapToObj(i -> {
            Upstream u = target.claim();
            return u == null ? "none" : u.instanceId();
        }).toList();

        assertThat(claims).containsExactlyInAnyOrder("a", "a", "b", "b", "none");
        assertThat(inFlight.get("a")).isEqualTo(2);
        assertThat(inFlight.get("b")).isEqualTo(2);
    }

    @Test
    void splitsTrafficExactlyByPercentInEveryCycleOfAHundred() {
        RevisionRoute a = RevisionRoute.of("s-a", Duration.ofSeconds(5), 1, List.of());
        RevisionRoute b = RevisionRoute.of("s-b", Duration.ofSeconds(5), 1, List.of());
        ServiceRoute split = new ServiceRoute("s", List.of(), List.of(new ServiceRoute.Share("s-a", 90), new ServiceRoute.Share("s-b", 10)),
                Map.of(), Map.of("s-a", a, "s-b", b));
        Route route = index(split).find("s.apps.test", "/").route();

        List<String> picks = IntStream.range(0, 2_000).mapToObj(i -> route.split().revision().revision()).toList();

        assertThat(picks.stream().filter("s-b"::equals).count()).isEqualTo(200);
        // spread out, not in runs: never two s-b in a row within a cycle
        assertThat(String.join(",", picks)).doesNotContain("s-b,s-b");
    }

    @Test
    void keepsItsPlaceInTheSplitCycleWhenTheTableIsRepublished() {
        RevisionRoute a = RevisionRoute.of("s-a", Duration.ofSeconds(5), 1, List.of());
        RevisionRoute b = RevisionRoute.of("s-b", Duration.ofSeconds(5), 1, List.of());
        ServiceRoute split = new ServiceRoute("s", List.of(), List.of(new ServiceRoute.Share("s-a", 90), new ServiceRoute.Share("s-b", 10)),
                Map.of(), Map.of("s-a", a, "s-b", b));

        long toB = 0;
        for (int table = 0; table < 100; table++) {  // a new table every 5 requests, as while instances come and go
            Route route = index(split).find("s.apps.test", "/").route();
            for (int i = 0; i < 5; i++) {
                toB += route.split().revision().revision().equals("s-b") ? 1 : 0;
            }
        }

        assertThat(toB).isEqualTo(50);
    }

    @Test
    void routesTagHostNamesToTheTaggedRevisionUnlessAServiceHasThatName() {
        RevisionRoute stable = RevisionRoute.of("s-1", Duration.ofSeconds(5), 1, List.of());
        RevisionRoute canary = RevisionRoute.of("s-2", Duration.ofSeconds(5), 1, List.of());
        ServiceRoute tagged = new ServiceRoute("s", List.of(), List.of(new ServiceRoute.Share("s-1", 100)),
                Map.of("canary", "s-2", "x", "s-2"), Map.of("s-1", stable, "s-2", canary));
        Routes routes = index(tagged, service("x-s", List.of()));

        assertThat(routes.find("canary-s.apps.test", "/").pinned().revision().revision()).isEqualTo("s-2");
        assertThat(routes.find("s.apps.test", "/").pinned()).isNull();
        assertThat(routes.find("s.apps.test", "/").route().tag("canary").revision().revision()).isEqualTo("s-2");
        assertThat(found(routes.find("x-s.apps.test", "/"))).isEqualTo("x-s");
        assertThat(routes.find("x-s.apps.test", "/").pinned()).isNull();
    }
}
