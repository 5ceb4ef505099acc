package dev.nubo.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TraceRingTest {

    static Span span(String trace, String id, String service, long start, long end) {
        return new Span(trace, id, Optional.empty(), "GET /", Span.Kind.SERVER, service, start, end, false, Map.of());
    }

    @Test
    void keepsAGatewayExchangeAsItsSpansMadeOnEachReadWithTheSameIdsAndCountsThemTowardItsLimit() {
        GatewaySpans gateway = new GatewaySpans(0, new java.util.SplittableRandom(3));
        GatewaySpans.Kept cold = gateway.keep(GatewaySpansTest.coldCall(GatewaySpansTest.CALLER, GatewaySpansTest.UPSTREAM),
                id -> Optional.of(new GatewaySpans.Launch(200, 850, false))).orElseThrow();
        TraceRing ring = new TraceRing(5);
        ring.add(cold);
        String trace = cold.traceId();

        List<Span> read = ring.trace(trace);
        assertThat(read).extracting(Span::name).containsExactly("GET /hello", "hold", "cold start", "call instance");
        assertThat(ring.trace(trace)).as("a second read makes the same spans").isEqualTo(read);
        assertThat(ring.size()).isEqualTo(4);
        ring.add(span("b", "1", "shop", 30, 40));
        assertThat(ring.trace(trace)).hasSize(4);
        ring.add(span("c", "2", "shop", 50, 60));
        assertThat(ring.trace(trace)).as("its four spans went whole").isEmpty();
        assertThat(ring.size()).isEqualTo(2);
    }

    @Test
    void dropsTheOldestTracesWholeToStayWithinItsSpans() {
        TraceRing ring = new TraceRing(4);
        ring.add(span("a", "1", "shop", 10, 20));
        ring.add(span("a", "2", "shop", 11, 19));
        ring.add(span("b", "3", "shop", 30, 40));
        ring.add(span("c", "4", "shop", 50, 60));
        ring.add(span("c", "5", "shop", 51, 59));

        assertThat(ring.trace("a")).as("trace a went whole, not one span of it").isEmpty();
        assertThat(ring.trace("b")).extracting(Span::spanId).containsExactly("3");
        assertThat(ring.trace("c")).extracting(Span::spanId).containsExactly("4", "5");
        assertThat(ring.size()).isEqualTo(3);
    }

    @Test
    void givesATracesSpansEarliestFirst() {
        TraceRing ring = new TraceRing(10);
        ring.add(span("a", "late", "shop", 15, 18));
        ring.add(span("a", "early", "shop", 10, 20));

        assertThat(ring.trace("a")).extracting(Span::spanId).containsExactly("early", "late");
    }

    @Test
    void listsRecentTracesNewestFirstAndByService() {
        TraceRing ring = new TraceRing(10);
        ring.add(span("a", "1", "shop", 10, 20));
        ring.add(span("b", "2", "cart", 30, 45));
        ring.add(new Span("b", "3", Optional.of("2"), "hold", Span.Kind.INTERNAL, "shop", 31, 44, true, Map.of()));
        ring.add(span("c", "4", "cart", 50, 60));

        assertThat(ring.recent(Optional.empty(), 10)).extracting(TraceSummary::traceId).containsExactly("c", "b", "a");
        assertThat(ring.recent(Optional.of("shop"), 10)).extracting(TraceSummary::traceId).containsExactly("b", "a");
        assertThat(ring.recent(Optional.empty(), 1)).extracting(TraceSummary::traceId).containsExactly("c");
        TraceSummary b = ring.recent(Optional.of("shop"), 1).get(0);
        assertThat(b).isEqualTo(new TraceSummary("b", "GET /", List.of("cart", "shop"), 30, 15, 2, true));
    }

    @Test
    void refusesARingThatKeepsNothing() {
        assertThatThrownBy(() -> new TraceRing(0)).hasMessage("maxSpans must be at least 1 (got 0)");
    }
}
