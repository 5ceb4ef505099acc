package dev.nubo.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class GatewayErrorTest {

    @Test
    void aFailedUpstreamNamesTheInstanceAndTheCommandsThatShowWhyForAnyKindOfService() {
        Upstream upstream = new Upstream(new Endpoint("shop-00001-x7k2p", "127.0.0.1", 40123),
                new InFlight.Slots(new AdaptiveLimit(256, 0)), new Demand("shop-00001"));

        GatewayError error = GatewayError.upstreamFailed("shop", upstream, new IOException("Connection reset"));

        assertThat(error.status()).isEqualTo(502);
        assertThat(error.message()).isEqualTo("shop failed before answering: Connection reset (instance shop-00001-x7k2p)");
        // The gateway cannot tell an app from a function: the hint fits both, and names the commands.
        assertThat(error.hint()).isEqualTo("`nubo logs shop` shows why it failed; `nubo describe shop` shows the instance's state");
    }
}
