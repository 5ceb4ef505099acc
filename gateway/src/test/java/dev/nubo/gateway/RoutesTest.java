package dev.nubo.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RoutesTest {

    private final InFlight inFlight = new InFlight();

    private static ServiceRoute service(String name, List<String> paths, Endpoint... endpoints) {
        return new ServiceRoute(name, "r1", Duration.ofSeconds(30), 1 << 20, paths, List.of(endpoints));
    }

    private Routes index(ServiceRoute... services) {
        Map<String, ServiceRoute> byName = new HashMap<>();
        for (ServiceRoute s : services) {
            byName.put(s.service(), s);
        }
        return Routes.index(new RouteTable(byName), "apps.test", inFlight);
    }

    private static String found(Optional<Route> route) {
        return route.map(Route::name).orElse("none");
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
        Route route = index(service("s", List.of(), a, b, c)).find("s.apps.test", "/").orElseThrow();
        inFlight.counter("a").set(3);
        inFlight.counter("b").set(1);
        inFlight.counter("c").set(2);

        for (int i = 0; i < 5; i++) {
            assertThat(route.pick(null).orElseThrow().instanceId()).isEqualTo("b");
        }
    }

    @Test
    void takesTurnsAmongEquallyBusyEndpoints() {
        Route route = index(service("s", List.of(), new Endpoint("a", "h", 1), new Endpoint("b", "h", 2), new Endpoint("c", "h", 3)))
                .find("s.apps.test", "/").orElseThrow();

        List<String> picks = IntStream.range(0, 6).mapToObj(i -> route.pick(null).orElseThrow().instanceId()).toList();

        assertThat(picks).containsExactly("a", "b", "c", "a", "b", "c");
    }

    @Test
    void avoidsTheFailedEndpointOnRetryUnlessItIsTheOnlyOne() {
        Route two = index(service("s", List.of(), new Endpoint("a", "h", 1), new Endpoint("b", "h", 2))).find("s.apps.test", "/").orElseThrow();
        Upstream first = two.pick(null).orElseThrow();
        for (int i = 0; i < 4; i++) {
            assertThat(two.pick(first).orElseThrow()).isNotEqualTo(first);
        }

        Route one = index(service("t", List.of(), new Endpoint("c", "h", 3))).find("t.apps.test", "/").orElseThrow();
        Upstream only = one.pick(null).orElseThrow();
        assertThat(one.pick(only)).contains(only);
        assertThat(index(service("u", List.of())).find("u.apps.test", "/").orElseThrow().pick(null)).isEmpty();
    }

    @Test
    void keepsCountersOfInstancesThatAreBusyOrWereJustRemoved() {
        InFlight counters = new InFlight();
        counters.counter("busy").set(2);
        counters.counter("idle-previous");
        counters.counter("idle-gone");

        counters.forgetIdleExcept(Set.of(), Set.of("idle-previous"));
        counters.counter("idle-previous").incrementAndGet();
        counters.counter("idle-gone").incrementAndGet();

        assertThat(counters.get("busy")).isEqualTo(2);
        assertThat(counters.get("idle-previous")).isEqualTo(1);
        assertThat(counters.get("idle-gone")).isEqualTo(1);  // a fresh counter
    }
}
