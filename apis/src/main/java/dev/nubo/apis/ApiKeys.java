package dev.nubo.apis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The API keys of all APIs and what each has used: checked on every request that an API key scheme
 * guards, from any event loop, so lookups are by the key's hash in a concurrent map and each key's
 * counters lock only themselves. Time comes in as a parameter ({@code nowNanos}, {@code day}).
 */
public final class ApiKeys {

    /** A key made by {@link #create}: the secret to hand to its user, shown only this once. */
    public record Created(ApiKey key, String secret) {}

    /** What a key has used: requests let through today and in all, and requests refused for its plan. */
    public record Usage(String id, String api, long today, long total, long throttled, boolean revoked) {}

    /** What {@link #check} found: the key's id when it passed, else why not. */
    record Checked(String id, Refusal refusal) {}

    /** Why a request with a key is refused. */
    record Refusal(int status, String code, String message, String hint, long retryAfterSeconds) {}

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    });

    private final ConcurrentHashMap<String, Meter> byHash = new ConcurrentHashMap<>();

    /** Makes a key for {@code api} with {@code plan}; the secret is returned once and kept only as a hash. */
    public Created create(String api, UsagePlan plan, Instant now) {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        String secret = "nk_" + HexFormat.of().formatHex(bytes);
        String id = "key-" + HexFormat.of().formatHex(bytes, 0, 4);
        ApiKey key = new ApiKey(id, api, hash(secret), plan, now, false);
        byHash.put(key.hash(), new Meter(key));
        return new Created(key, secret);
    }

    /** Keys as stored (hashes only), to persist with {@link #load}. */
    public List<ApiKey> keys() {
        return byHash.values().stream().map(m -> m.key).sorted(java.util.Comparator.comparing(ApiKey::created)).toList();
    }

    /** Puts back keys read from storage; their usage starts from zero. */
    public void load(Collection<ApiKey> keys) {
        keys.forEach(k -> byHash.put(k.hash(), new Meter(k)));
    }

    /** Revokes the key with this id; empty when there is none. */
    public Optional<ApiKey> revoke(String id) {
        for (Meter m : byHash.values()) {
            if (m.key.id().equals(id)) {
                m.key = m.key.revoke();
                return Optional.of(m.key);
            }
        }
        return Optional.empty();
    }

    public List<Usage> usage(String api) {
        return byHash.values().stream().filter(m -> m.key.api().equals(api)).map(Meter::usage)
                .sorted(java.util.Comparator.comparing(Usage::id)).toList();
    }

    /** Checks a presented key for {@code api} and counts the request against its plan. */
    Checked check(String api, String secret, long nowNanos, long epochSecond) {
        Meter meter = secret == null || secret.isEmpty() ? null : byHash.get(hash(secret));
        Refusal refusal = refusal(api, secret, meter, nowNanos, epochSecond);
        return new Checked(refusal == null ? meter.key.id() : "", refusal);
    }

    private Refusal refusal(String api, String secret, Meter meter, long nowNanos, long epochSecond) {
        if (secret == null || secret.isEmpty()) {
            return new Refusal(403, "api.key_missing", "this operation needs an API key", "send it in the API's key header (x-api-key)", 0);
        }
        if (meter == null || !meter.key.api().equals(api)) {
            return new Refusal(403, "api.key_invalid", "the API key is not one of API " + api + "'s keys", "`nubo apikey create --api " + api + "` makes one", 0);
        }
        if (meter.key.revoked()) {
            return new Refusal(403, "api.key_revoked", "API key " + meter.key.id() + " was revoked", "ask for a new key", 0);
        }
        return meter.take(nowNanos, epochSecond);
    }

    static String hash(String secret) {
        return HexFormat.of().formatHex(SHA256.get().digest(secret.getBytes(StandardCharsets.UTF_8)));
    }

    /** One key's token bucket and counters. */
    private static final class Meter {
        volatile ApiKey key;
        private double tokens;
        private long refilledAt;
        private boolean started;
        private long day;
        private long today;
        private long total;
        private long throttled;

        Meter(ApiKey key) {
            this.key = key;
            this.tokens = key.plan().burst();
        }

        synchronized Refusal take(long now, long epochSecond) {
            UsagePlan plan = key.plan();
            long currentDay = Math.floorDiv(epochSecond, 86_400);
            if (currentDay != day) {
                day = currentDay;
                today = 0;
            }
            if (plan.dailyQuota() > 0 && today >= plan.dailyQuota()) {
                throttled++;
                return new Refusal(429, "api.quota_exceeded", "API key " + key.id() + " has used its " + plan.dailyQuota()
                        + " requests for today (UTC)", "wait for tomorrow, or ask for a plan with a larger quota", 86_400 - Math.floorMod(epochSecond, 86_400));
            }
            if (started) {
                tokens = Math.min(plan.burst(), tokens + (now - refilledAt) / 1e9 * plan.rate());
            }
            started = true;
            refilledAt = now;
            if (tokens < 1) {
                throttled++;
                long wait = (long) Math.ceil((1 - tokens) / plan.rate());
                return new Refusal(429, "api.rate_exceeded", "API key " + key.id() + " is over its rate of " + plan.rate()
                        + " requests/s (bursts of " + plan.burst() + ")", "slow down and retry after the Retry-After seconds", Math.max(1, wait));
            }
            tokens -= 1;
            today++;
            total++;
            return null;
        }

        synchronized Usage usage() {
            return new Usage(key.id(), key.api(), today, total, throttled, key.revoked());
        }
    }
}
