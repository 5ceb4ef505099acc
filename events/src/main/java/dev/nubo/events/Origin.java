package dev.nubo.events;

/**
 * Who a delivery is made for, stored with it as text: the prefix decides which retry policy applies
 * and what its outcome does.
 *
 * <ul>
 *   <li>{@code trigger:NAME}: an event a broker matched to a trigger; a reply is chained into the broker.
 *   <li>{@code invocation:ID}: an asynchronous invocation; its outcome updates the invocation.
 *   <li>{@code source:NAME}: an event a source (cron, webhook, Kafka) sent straight to a service.
 *   <li>{@code deadletter:ORIGIN}: an event on its way to a dead-letter service after ORIGIN gave up.
 *   <li>{@code result:ID}: an invocation's result on its way to its on-success or on-failure service.
 * </ul>
 */
final class Origin {

    static final String TRIGGER = "trigger:";
    static final String INVOCATION = "invocation:";
    static final String SOURCE = "source:";
    static final String DEAD_LETTER = "deadletter:";
    static final String RESULT = "result:";

    private Origin() {}

    static boolean is(String origin, String kind) {
        return origin.startsWith(kind);
    }

    static String name(String origin, String kind) {
        return origin.substring(kind.length());
    }
}
