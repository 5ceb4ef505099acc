package dev.nubo.eventsink;

import java.util.Optional;

/**
 * A little durable memory for sources, a value per key, e.g. when a cron schedule last fired.
 * Calls block on storage; keep them off event loops.
 */
public interface SourceState {

    Optional<String> get(String key);

    void put(String key, String value);
}
