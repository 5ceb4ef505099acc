package dev.nubo.apis;

import java.time.Instant;

/**
 * An API key as Nubo keeps it: never the secret itself, only its SHA-256 ({@code hash}), so a
 * leaked NUBO_HOME leaks no keys. The secret is shown once, when {@link ApiKeys#create} makes it.
 */
public record ApiKey(String id, String api, String hash, UsagePlan plan, Instant created, boolean revoked) {

    ApiKey revoke() {
        return new ApiKey(id, api, hash, plan, created, true);
    }
}
