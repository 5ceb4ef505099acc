package dev.nubo.cli;

import java.time.Instant;

/**
 * A broker as the API describes it ({@code GET /v1/brokers}): a named place that takes events at
 * {@code ingestUrl} and hands them to its {@code triggers}.
 */
record Broker(String name, Instant createdAt, String ingestUrl, int triggers) {

    Broker {
        ingestUrl = ingestUrl == null ? "" : ingestUrl;
    }
}
