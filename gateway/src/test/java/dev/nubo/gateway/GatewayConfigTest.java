package dev.nubo.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {

    @Test
    void keepsAQuarterOfTheDescriptorsAndHalvesTheRestForCallersConnections() {
        assertThat(GatewayConfig.connectionsFor(20_000)).isEqualTo(7_952);     // 4,096 kept
        assertThat(GatewayConfig.connectionsFor(1_024)).isEqualTo(384);        // 256 kept
        assertThat(GatewayConfig.connectionsFor(1_048_576)).isEqualTo(522_240);
        assertThat(GatewayConfig.connectionsFor(300)).isEqualTo(22);
        assertThat(GatewayConfig.connectionsFor(100)).isEqualTo(1);
    }

    @Test
    void defaultsToLoopbackAndACapFromThisProcesssDescriptorLimit() {
        GatewayConfig defaults = GatewayConfig.defaults();

        assertThat(defaults.host()).isEqualTo("127.0.0.1");
        assertThat(defaults.headerTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.sendTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(defaults.maxConnections()).isEqualTo(GatewayConfig.connectionsFor(GatewayConfig.descriptorLimit()));
    }

    @Test
    void refusesSettingsThatCannotWorkAndSaysWhatWould() {
        GatewayConfig defaults = GatewayConfig.defaults();

        assertThatThrownBy(() -> defaults.withHeaderTimeout(Duration.ZERO))
                .hasMessage("gateway headerTimeout PT0S must be positive, e.g. 10s");
        assertThatThrownBy(() -> defaults.withSendTimeout(Duration.ofSeconds(-1)))
                .hasMessage("gateway sendTimeout PT-1S must be positive, e.g. 30s");
        assertThatThrownBy(() -> defaults.withMaxConnections(0))
                .hasMessageStartingWith("gateway maxConnections 0 must be 1 or more, e.g. " + defaults.maxConnections());
    }
}
