package dev.nubo.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TraceIdsTest {

    @Test
    void keepsShortPlainRequestIdsOnly() {
        assertThat(TraceIds.isRequestId("req-42.a_B")).isTrue();
        assertThat(TraceIds.isRequestId("x".repeat(128))).isTrue();
        assertThat(TraceIds.isRequestId("x".repeat(129))).isFalse();
        assertThat(TraceIds.isRequestId("")).isFalse();
        assertThat(TraceIds.isRequestId("a b")).isFalse();
        assertThat(TraceIds.isRequestId("a/../b")).isFalse();
        assertThat(TraceIds.isRequestId("a\r\nX-Evil: 1")).isFalse();
    }

    @Test
    void acceptsW3cTraceparentsAsTheSpecWritesThem() {
        String valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        assertThat(TraceIds.isTraceparent(valid)).isTrue();
        assertThat(TraceIds.isTraceparent(valid + "-extra")).as("version 00 has no more fields").isFalse();
        assertThat(TraceIds.isTraceparent("01" + valid.substring(2) + "-extra")).as("later versions may add fields").isTrue();
        assertThat(TraceIds.isTraceparent("ff" + valid.substring(2))).isFalse();
        assertThat(TraceIds.isTraceparent(valid.toUpperCase())).isFalse();
        assertThat(TraceIds.isTraceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01")).isFalse();
        assertThat(TraceIds.isTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")).isFalse();
        assertThat(TraceIds.isTraceparent(valid.substring(0, 54))).isFalse();
    }
}
