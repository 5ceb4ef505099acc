package dev.nubo.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nubo.eventsink.Destination;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class FilterTest {

    private final CloudEvent order = CloudEventBuilder.v1().withId("o-1").withSource(URI.create("/shop/eu/orders"))
            .withType("com.shop.order.created").withSubject("order-17").withTime(OffsetDateTime.parse("2026-11-21T10:00:00Z"))
            .withExtension("region", "eu-west").withExtension("priority", 3).build();

    @Test
    void exactPrefixAndSuffixOnContextAttributes() {
        assertThat(Filter.of("type", "exact", "com.shop.order.created").matches(order)).isTrue();
        assertThat(Filter.of("type", "exact", "com.shop.order").matches(order)).isFalse();
        assertThat(Filter.of("type", "prefix", "com.shop.order.").matches(order)).isTrue();
        assertThat(Filter.of("source", "suffix", "/orders").matches(order)).isTrue();
        assertThat(Filter.of("source", "prefix", "/shop/us").matches(order)).isFalse();
        assertThat(Filter.of("subject", "suffix", "-17").matches(order)).isTrue();
        assertThat(Filter.of("time", "prefix", "2026-11-21").matches(order)).isTrue();
    }

    @Test
    void extensionsAreFilteredLikeAnyAttribute() {
        assertThat(Filter.of("region", "prefix", "eu-").matches(order)).isTrue();
        assertThat(Filter.of("priority", "exact", "3").matches(order)).isTrue();
        assertThat(Filter.of("tenant", "exact", "").matches(order)).as("an absent attribute matches nothing").isFalse();
    }

    @Test
    void aTriggerNeedsEveryFilterToPass() {
        Trigger t = new Trigger("t", "default", List.of(Filter.of("type", "exact", "com.shop.order.created"),
                Filter.of("region", "exact", "us-east")), new Destination.Service("orders", "/"), DeliveryPolicy.defaults(),
                Trigger.DEFAULT_MAX_PENDING, java.time.Instant.EPOCH);
        assertThat(t.matches(order)).isFalse();
        assertThat(new Trigger("all", "default", List.of(), new Destination.Service("orders", "/"), DeliveryPolicy.defaults(),
                Trigger.DEFAULT_MAX_PENDING, java.time.Instant.EPOCH).matches(order)).isTrue();
    }

    @Test
    void badFiltersAreNamed() {
        assertThatThrownBy(() -> Filter.of("Type", "exact", "x")).hasMessageContaining("'Type' is not a CloudEvents attribute name");
        assertThatThrownBy(() -> Filter.of("type", "regex", "x")).hasMessageContaining("'regex' is not a filter match");
    }
}
