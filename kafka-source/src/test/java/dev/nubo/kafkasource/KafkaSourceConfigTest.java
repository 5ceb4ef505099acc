package dev.nubo.kafkasource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.nubo.eventsink.Destination;
import dev.nubo.model.UserError;
import java.util.HashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

class KafkaSourceConfigTest {

    private static final Destination TO = Destination.parse("broker:default");

    @Test
    void defaultsTheGroupToTheSourceName() {
        KafkaSourceConfig config = new KafkaSourceConfig("orders", "127.0.0.1:9092", "orders.v1", null, TO);

        assertThat(config.group()).isEqualTo("nubo-source-orders");
        assertThat(new KafkaSourceConfig("orders", "127.0.0.1:9092", "orders.v1", " ", TO).group())
                .isEqualTo("nubo-source-orders");
        assertThat(new KafkaSourceConfig("orders", "127.0.0.1:9092", "orders.v1", "audit.orders", TO).group())
                .isEqualTo("audit.orders");
    }

    @Test
    void acceptsSeveralBootstrapServersAndIpv6() {
        KafkaSourceConfig config = new KafkaSourceConfig("orders", "kafka-1:9092, kafka-2.internal:19092,[::1]:9092",
                "orders", null, TO);

        assertThat(config.bootstrapServers()).isEqualTo("kafka-1:9092,kafka-2.internal:19092,[::1]:9092");
    }

    @Test
    void consumerCommitsByHandAndStartsNewGroupsAtTheEarliestRecord() {
        var props = new KafkaSourceConfig("orders", "127.0.0.1:9092", "orders", null, TO).consumerProperties();

        assertThat(props).containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)
                .containsEntry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
                .containsEntry(ConsumerConfig.GROUP_ID_CONFIG, "nubo-source-orders")
                .containsEntry(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
        // Kafka itself accepts them: a bad value would throw here.
        var withDeserializers = new HashMap<String, Object>(props);
        withDeserializers.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        withDeserializers.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        assertThat(new ConsumerConfig(withDeserializers).getBoolean(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG)).isFalse();
    }

    @Test
    void rejectsABlankTopic() {
        UserError e = invalid("orders", "127.0.0.1:9092", "  ", null);

        assertThat(e.getMessage()).isEqualTo("Kafka source orders has no topic");
        assertThat(e.hint()).contains("1 to 249 letters, digits, '.', '_' and '-'");
    }

    @Test
    void rejectsTopicNamesKafkaDoesNotAllow() {
        assertThat(invalid("orders", "127.0.0.1:9092", "orders v1", null).getMessage())
                .isEqualTo("topic of Kafka source orders: 'orders v1' has characters Kafka does not allow");
        assertThat(invalid("orders", "127.0.0.1:9092", "orders/v1", null).getMessage())
                .isEqualTo("topic of Kafka source orders: 'orders/v1' has characters Kafka does not allow");
        assertThat(invalid("orders", "127.0.0.1:9092", "..", null).getMessage())
                .isEqualTo("topic of Kafka source orders: '..' is not allowed by Kafka");
        assertThat(invalid("orders", "127.0.0.1:9092", "t".repeat(250), null).getMessage())
                .isEqualTo("topic of Kafka source orders is 250 characters long; Kafka allows 249");
    }

    @Test
    void rejectsBootstrapServersThatAreNotHostAndPort() {
        UserError noPort = invalid("orders", "localhost", "orders", null);
        assertThat(noPort.getMessage()).isEqualTo("bootstrapServers of Kafka source orders: 'localhost' is not host:port");
        assertThat(noPort.hint()).isEqualTo("write host:port[,host:port], e.g. 127.0.0.1:9092 or kafka-1:9092,kafka-2:9092");

        assertThat(invalid("orders", "kafka:9092,", "orders", null).getMessage())
                .isEqualTo("bootstrapServers of Kafka source orders: '' is not host:port");
        assertThat(invalid("orders", "kafka:99999", "orders", null).getMessage())
                .isEqualTo("bootstrapServers of Kafka source orders: port 99999 in 'kafka:99999' is not between 1 and 65535");
        assertThat(invalid("orders", "PLAINTEXT://kafka:9092", "orders", null).getMessage())
                .isEqualTo("bootstrapServers of Kafka source orders: 'PLAINTEXT://kafka:9092' is not host:port");
        assertThat(invalid("orders", "", "orders", null).getMessage())
                .isEqualTo("Kafka source orders has no bootstrapServers");
    }

    @Test
    void rejectsABadNameGroupOrMissingDestination() {
        UserError name = invalid("Orders", "127.0.0.1:9092", "orders", null);
        assertThat(name.getMessage()).isEqualTo("'Orders' is not a source name");
        assertThat(name.hint()).startsWith("a source name is 1 to 63 lowercase letters, digits and dashes");

        assertThat(invalid("orders", "127.0.0.1:9092", "orders", "my group").getMessage())
                .isEqualTo("group of Kafka source orders: 'my group' contains spaces or control characters");

        UserError to = catchThrowableOfType(UserError.class,
                () -> new KafkaSourceConfig("orders", "127.0.0.1:9092", "orders", null, null));
        assertThat(to.getMessage()).isEqualTo("Kafka source orders has no destination");
        assertThat(to.hint()).contains("broker:default");
    }

    private static UserError invalid(String name, String bootstrap, String topic, String group) {
        UserError e = catchThrowableOfType(UserError.class, () -> new KafkaSourceConfig(name, bootstrap, topic, group, TO));
        assertThat(e).as("expected a UserError").isNotNull();
        assertThat(e.code()).isEqualTo("source.invalid");
        assertThat(e.httpStatus()).isEqualTo(400);
        return e;
    }
}
