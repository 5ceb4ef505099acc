package dev.nubo.apis;

/**
 * What one API key may use: a steady {@code rate} of requests per second with bursts of up to
 * {@code burst} (a token bucket), and at most {@code dailyQuota} requests per UTC day (0: no quota).
 */
public record UsagePlan(double rate, int burst, long dailyQuota) {

    public UsagePlan {
        if (rate <= 0 || burst < 1 || dailyQuota < 0) {
            throw new IllegalArgumentException("usage plan needs rate > 0 requests/s, burst >= 1 and a daily quota >= 0 (0: none); got rate "
                    + rate + ", burst " + burst + ", quota " + dailyQuota);
        }
    }

    /** 10 requests a second, bursts of 20, no daily quota. */
    public static UsagePlan defaults() {
        return new UsagePlan(10, 20, 0);
    }
}
