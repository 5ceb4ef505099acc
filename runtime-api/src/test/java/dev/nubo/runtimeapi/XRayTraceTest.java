package dev.nubo.runtimeapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class XRayTraceTest {

    private static final long NOW = 1_700_000_000_000L;

    @Test
    void aTraceparentCarriesOverAsRootParentAndSampledFlag() {
        assertThat(XRayTrace.from("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", NOW, new SplittableRandom(1)))
                .isEqualTo("Root=1-4bf92f35-77b34da6a3ce929d0e0e4736;Parent=00f067aa0ba902b7;Sampled=1");
        assertThat(XRayTrace.from("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-02", NOW, new SplittableRandom(1)))
                .endsWith(";Sampled=0");
    }

    @Test
    void withoutAValidTraceparentANewUnsampledTraceStartsNow() {
        for (String invalid : new String[] {null, "", "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"}) {
            assertThat(XRayTrace.from(invalid, NOW, new SplittableRandom(7)))
                    .as(String.valueOf(invalid))
                    .startsWith("Root=1-" + Long.toHexString(NOW / 1000) + "-")
                    .matches("Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0");
        }
    }
}
