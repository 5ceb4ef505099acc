package dev.nubo.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.gateway.ExchangeTrace;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GatewaySpansTest {

    static final String CALLER = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    static final String UPSTREAM = "00-4bf92f3577b34da6a3ce929d0e0e4736-1111222233334444-01";
    private final GatewaySpans spans = new GatewaySpans(1_000_000, new SplittableRandom(7));

    static ExchangeTrace coldCall(String caller, String upstream) {
        return new ExchangeTrace(caller, upstream, "GET", "/hello", "shop", "shop-00001", "shop-00001-ab", "r-1", 200, "ok",
                100, 110, 900, true, 905, 1000);
    }

    @Test
    void aColdRequestIsAServerSpanWithItsHoldTheLaunchAndTheCallInTheCallersTrace() {
        List<Span> out = spans.spans(coldCall(CALLER, UPSTREAM),
                id -> Optional.of(new GatewaySpans.Launch(1_000_200, 1_000_850, false)).filter(l -> id.equals("shop-00001-ab")));

        assertThat(out).extracting(Span::name).containsExactly("GET /hello", "hold", "cold start", "call instance");
        assertThat(out).extracting(Span::traceId).containsOnly("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(out).extracting(Span::service).containsOnly("shop");
        Span server = out.get(0);
        Span hold = out.get(1);
        Span launch = out.get(2);
        Span call = out.get(3);
        assertThat(server.parentId()).as("the caller's span").contains("00f067aa0ba902b7");
        assertThat(server.kind()).isEqualTo(Span.Kind.SERVER);
        assertThat(List.of(server.startEpochNanos(), server.endEpochNanos())).containsExactly(1_000_100L, 1_001_000L);
        assertThat(server.attributes()).containsEntry("http.response.status_code", "200").containsEntry("nubo.request_id", "r-1")
                .containsEntry("nubo.revision", "shop-00001");
        assertThat(hold.parentId()).contains(server.spanId());
        assertThat(List.of(hold.startEpochNanos(), hold.endEpochNanos())).containsExactly(1_000_110L, 1_000_900L);
        assertThat(launch.parentId()).contains(hold.spanId());
        assertThat(List.of(launch.startEpochNanos(), launch.endEpochNanos())).containsExactly(1_000_200L, 1_000_850L);
        assertThat(call.spanId()).as("the parent the instance got").isEqualTo("1111222233334444");
        assertThat(call.parentId()).contains(server.spanId());
        assertThat(call.kind()).isEqualTo(Span.Kind.CLIENT);
        assertThat(call.attributes()).isEqualTo(Map.of("nubo.instance", "shop-00001-ab"));
        assertThat(out).noneMatch(Span::error);
    }

    @Test
    void aCallerThatAsksNotToSampleGetsNoSpans() {
        String unsampled = "00-4bf92f3577b34da6a3ce929d0e0e4736-1111222233334444-00";
        assertThat(spans.spans(coldCall(CALLER.replace("-01", "-00"), unsampled), id -> Optional.empty())).isEmpty();
    }

    @Test
    void aRequestAnsweredByTheGatewayAloneIsARootServerSpanInANewTrace() {
        ExchangeTrace refused = new ExchangeTrace("not-a-traceparent", "", "POST", "/x", "", "", "", "r-2", 503, "hold expired",
                100, 0, 0, false, 0, 200);

        List<Span> out = spans.spans(refused, id -> Optional.empty());

        assertThat(out).hasSize(1);
        assertThat(out.get(0).traceId()).matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));
        assertThat(out.get(0).parentId()).isEmpty();
        assertThat(out.get(0).error()).as("a 5xx").isTrue();
        assertThat(out.get(0).attributes()).doesNotContainKey("nubo.revision");
    }

    @Test
    void aHoldThatNeverGotAnInstanceEndsWithTheExchangeInError() {
        ExchangeTrace expired = new ExchangeTrace("", "", "GET", "/", "shop", "shop-00001", "", "r-3", 503, "hold expired",
                100, 105, 0, true, 0, 600);

        List<Span> out = spans.spans(expired, id -> Optional.empty());

        assertThat(out).extracting(Span::name).containsExactly("GET /", "hold");
        assertThat(out.get(1).endEpochNanos()).isEqualTo(1_000_600L);
        assertThat(out.get(1).error()).isTrue();
    }
}
