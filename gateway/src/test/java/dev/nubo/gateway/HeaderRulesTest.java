package dev.nubo.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

class HeaderRulesTest {

    @Test
    void keepsAValidTraceIdAndFlagsButGivesTheUpstreamItsOwnParent() {
        String incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";

        String out = TraceParent.forUpstream(incoming);

        assertThat(out).matches("00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-00");
        assertThat(out.substring(36, 52)).isNotEqualTo("00f067aa0ba902b7").isNotEqualTo("0000000000000000");
    }

    @Test
    void startsASampledTraceWhenTheIncomingOneIsMissingOrInvalid() {
        String[] invalid = {
            null, "", "garbage",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",   // uppercase
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",   // zero trace id
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",   // zero parent
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",   // forbidden version
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x", // version 00 has no extra fields
        };
        for (String header : invalid) {
            String out = TraceParent.forUpstream(header);
            assertThat(out).as("from %s", header).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
            assertThat(out).doesNotContain("4bf92f3577b34da6a3ce929d0e0e4736");
        }
    }

    @Test
    void acceptsLaterTraceVersionsAndDowngradesThemToVersion00() {
        String out = TraceParent.forUpstream("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future");

        assertThat(out).matches("00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01");
    }

    @Test
    void keepsPlainRequestIdsAndReplacesOthers() {
        assertThat(RequestId.from("abc-123_X.y")).isEqualTo("abc-123_X.y");
        assertThat(RequestId.from("a".repeat(128))).hasSize(128);
        assertThat(RequestId.from("a".repeat(129))).matches("[0-9a-f]{32}");
        assertThat(RequestId.from("bad id")).matches("[0-9a-f]{32}");
        assertThat(RequestId.from("x\r\nSet-Cookie: a=b")).matches("[0-9a-f]{32}");
        assertThat(RequestId.from("")).matches("[0-9a-f]{32}");
        assertThat(RequestId.from(null)).matches("[0-9a-f]{32}").isNotEqualTo(RequestId.from(null));
    }

    @Test
    void dropsHopByHopHeadersAndThoseTheConnectionHeaderNames() {
        HttpHeaders headers = new DefaultHttpHeaders()
                .add("Connection", "keep-alive, X-Hop")
                .add("Keep-Alive", "timeout=5")
                .add("Transfer-Encoding", "chunked")
                .add("Proxy-Authenticate", "Basic")
                .add("TE", "trailers").add("Trailer", "X-Sum").add("Upgrade", "h2c")
                .add("X-Hop", "1")
                .add("Set-Cookie", "a=1").add("Set-Cookie", "b=2")
                .add("Content-Type", "text/plain");

        Forwarding.toClient(headers);

        assertThat(headers.names()).containsExactlyInAnyOrder("Set-Cookie", "Content-Type");
        assertThat(headers.getAll("set-cookie")).containsExactly("a=1", "b=2");
    }

    @Test
    void readsConnectionTokensCaseInsensitively() {
        assertThat(Forwarding.isListedIn("close, X-Foo ,x-bar", "x-foo")).isTrue();
        assertThat(Forwarding.isListedIn("close, X-Foo ,x-bar", "X-BAR")).isTrue();
        assertThat(Forwarding.isListedIn("close, X-Foo", "x-fo")).isFalse();
        assertThat(Forwarding.isListedIn(null, "x-foo")).isFalse();
    }
}
