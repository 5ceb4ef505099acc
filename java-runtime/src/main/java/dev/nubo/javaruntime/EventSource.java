package dev.nubo.javaruntime;

import dev.nubo.function.HttpRequest;

/**
 * Where an invocation's request comes from, which decides the event a Lambda handler gets. Nubo's
 * server says so in the {@code Nubo-Event} header, which the gateway takes off every request from
 * outside; without it the request is a plain HTTP request.
 */
enum EventSource {
    /** A request to the service's URL: the handler gets API Gateway's HTTP event (payload format 2.0). */
    HTTP,
    /** {@code Nubo-Event: direct} ({@code nubo invoke}, asynchronous invocations): the body is the event, as is. */
    DIRECT,
    /** {@code Nubo-Event: cloudevent} (a trigger's delivery, binary mode): the handler gets the whole CloudEvent as JSON. */
    CLOUDEVENT;

    static final String HEADER = "nubo-event";

    static EventSource of(HttpRequest request) {
        return switch (request.header(HEADER).orElse("")) {
            case "direct" -> DIRECT;
            case "cloudevent" -> CLOUDEVENT;
            default -> HTTP;
        };
    }
}
