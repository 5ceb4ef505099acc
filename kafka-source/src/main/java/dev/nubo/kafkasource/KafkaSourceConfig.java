package dev.nubo.kafkasource;

import dev.nubo.eventsink.Destination;
import dev.nubo.model.UserError;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * What a {@link KafkaSource} reads and where it sends it. Validated on construction, so a bad descriptor
 * fails with a 400 naming the field before any connection is tried.
 *
 * <table>
 * <caption>Kafka source configuration</caption>
 * <tr><th>field</th><th>default</th><th>meaning</th></tr>
 * <tr><td>name</td><td>(required)</td><td>the source's name: lowercase letters, digits and dashes; the
 *     events' {@code source} is {@code /nubo/sources/NAME}</td></tr>
 * <tr><td>bootstrapServers</td><td>(required)</td><td>{@code host:port[,host:port]}, where the consumer
 *     first connects</td></tr>
 * <tr><td>topic</td><td>(required)</td><td>the one topic read, all its partitions</td></tr>
 * <tr><td>group</td><td>{@code nubo-source-NAME}</td><td>the consumer group, which holds the committed
 *     offsets: a new group starts at the earliest record, a known one after its last commit</td></tr>
 * <tr><td>to</td><td>(required)</td><td>where every event goes, e.g. {@code broker:default}</td></tr>
 * </table>
 *
 * <p>Example: {@code new KafkaSourceConfig("orders", "127.0.0.1:9092", "orders.v1", null,
 * Destination.parse("broker:default"))}.
 */
public record KafkaSourceConfig(String name, String bootstrapServers, String topic, String group, Destination to) {

    private static final Pattern HOST_PORT =
            Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?):([0-9]{1,5})");
    /** Kafka's own rule for topic names ({@code org.apache.kafka.common.internals.Topic}). */
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final int MAX_GROUP_LENGTH = 255;

    /**
     * Validates every field and fills in the default group when {@code group} is null or blank.
     *
     * @throws UserError 400 {@code source.invalid} naming the field and how to fix it
     */
    public KafkaSourceConfig {
        if (name == null || !Destination.NAME.matcher(name).matches()) {
            throw invalid("'" + name + "' is not a source name",
                    "a source name is 1 to 63 lowercase letters, digits and dashes, starting with a letter, e.g. orders");
        }
        bootstrapServers = requireBootstrap(name, bootstrapServers);
        requireTopic(name, topic);
        group = group == null || group.isBlank() ? "nubo-source-" + name : requireGroup(name, group);
        if (to == null) {
            throw invalid("Kafka source " + name + " has no destination",
                    "set to: broker:NAME, service:NAME[/path] or dead-letters, e.g. broker:default");
        }
    }

    /**
     * The consumer settings, in one place. Offsets are committed by hand and only after the hand-off; the
     * timeouts suit a broker on the same host or network, so a restarted Nubo gets its partitions back in
     * seconds rather than the defaults' 45 s.
     */
    Map<String, Object> consumerProperties() {
        return Map.ofEntries(
                Map.entry(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                Map.entry(ConsumerConfig.GROUP_ID_CONFIG, group),
                Map.entry(ConsumerConfig.CLIENT_ID_CONFIG, "nubo-source-" + name),
                // The source commits, and only offsets of records the sink has durably stored.
                Map.entry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                // A new group reads the topic from its start rather than only what arrives from now on.
                Map.entry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                // Records of aborted transactions never become events.
                Map.entry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                // Subscribing must not create the topic; a missing one is waited for and noticed within 30 s.
                Map.entry(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false),
                Map.entry(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 30_000),
                // Tries every address a name resolves to (localhost: ::1 and 127.0.0.1).
                Map.entry(ConsumerConfig.CLIENT_DNS_LOOKUP_CONFIG, "use_all_dns_ips"),
                // A crashed member's partitions move on after 10 s instead of 45 s.
                Map.entry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000),
                Map.entry(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000),
                Map.entry(ConsumerConfig.RECONNECT_BACKOFF_MS_CONFIG, 100),
                Map.entry(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 2_000),
                Map.entry(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000));
    }

    private static String requireBootstrap(String name, String bootstrapServers) {
        String hint = "write host:port[,host:port], e.g. 127.0.0.1:9092 or kafka-1:9092,kafka-2:9092";
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw invalid("Kafka source " + name + " has no bootstrapServers", hint);
        }
        StringBuilder normalized = new StringBuilder();
        for (String server : bootstrapServers.split(",", -1)) {
            String s = server.strip();
            var m = HOST_PORT.matcher(s);
            if (!m.matches()) {
                throw invalid("bootstrapServers of Kafka source " + name + ": '" + s + "' is not host:port", hint);
            }
            int port = Integer.parseInt(m.group(3));
            if (port < 1 || port > 65535) {
                throw invalid("bootstrapServers of Kafka source " + name + ": port " + port + " in '" + s
                        + "' is not between 1 and 65535", hint);
            }
            normalized.append(normalized.isEmpty() ? "" : ",").append(s);
        }
        return normalized.toString();
    }

    private static void requireTopic(String name, String topic) {
        String hint = "a Kafka topic name is 1 to 249 letters, digits, '.', '_' and '-', e.g. orders.v1";
        if (topic == null || topic.isBlank()) {
            throw invalid("Kafka source " + name + " has no topic", hint);
        }
        if (topic.equals(".") || topic.equals("..")) {
            throw invalid("topic of Kafka source " + name + ": '" + topic + "' is not allowed by Kafka", hint);
        }
        if (topic.length() > 249) {
            throw invalid("topic of Kafka source " + name + " is " + topic.length() + " characters long; Kafka allows 249",
                    hint);
        }
        if (!TOPIC.matcher(topic).matches()) {
            throw invalid("topic of Kafka source " + name + ": '" + topic + "' has characters Kafka does not allow", hint);
        }
    }

    private static String requireGroup(String name, String group) {
        String hint = "leave group out for nubo-source-" + name + ", or write a name without spaces, e.g. orders-audit";
        if (group.length() > MAX_GROUP_LENGTH) {
            throw invalid("group of Kafka source " + name + " is " + group.length() + " characters long; at most "
                    + MAX_GROUP_LENGTH + " are allowed", hint);
        }
        if (group.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw invalid("group of Kafka source " + name + ": '" + group + "' contains spaces or control characters",
                    hint);
        }
        return group;
    }

    private static UserError invalid(String message, String hint) {
        return UserError.badRequest("source.invalid", message, hint);
    }
}
