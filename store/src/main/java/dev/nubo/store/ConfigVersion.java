package dev.nubo.store;

import java.time.Instant;
import java.util.Map;
import java.util.SortedMap;

/**
 * One immutable version of an application's configuration: every profile's keys and values
 * ({@code "default"} is the part without a profile), and what changed to make it.
 */
public record ConfigVersion(String app, int version, SortedMap<String, SortedMap<String, String>> profiles, String change,
        Instant createdAt) {

    /** The profile-less part of an application's configuration. */
    public static final String DEFAULT_PROFILE = "default";

    /** {@code profile}'s keys and values; empty when it has none. */
    public Map<String, String> profile(String profile) {
        return profiles.getOrDefault(profile, java.util.Collections.emptySortedMap());
    }
}
