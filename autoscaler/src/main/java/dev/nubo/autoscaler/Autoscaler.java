package dev.nubo.autoscaler;

import dev.nubo.autoscaler.ScaleDecision.Mode;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * How many instances one revision needs, decided from the concurrency the gateway observes. Pure: it never reads a
 * clock and never starts anything; the caller passes the time in, acts on the {@link ScaleDecision} and keeps one
 * autoscaler per revision.
 *
 * <p>The gateway {@linkplain #observe records a sample} about every 100ms: requests in flight plus requests held
 * waiting for an instance, and how many arrived since the previous sample. {@link #decide} then applies these rules,
 * in the manner of Knative's KPA:
 * <ol>
 *   <li>The stable average is the mean concurrency of the samples taken in (now − stableWindow, now]; the panic
 *       average the same over the panic window. A window without samples averages 0.</li>
 *   <li>The last activity is the latest sample with a request in flight, held or arrived; before any, the creation
 *       time.</li>
 *   <li>Each average wants ceil(average / target) instances.</li>
 *   <li>Panic starts when the panic average is above 0 and at least panicThreshold × ready × target, so with no ready
 *       instance any demand panics. It lasts until a stableWindow after the condition last held.</li>
 *   <li>PANIC: max(current, what the panic average wants). Bursts are met at once, and nothing scales down while
 *       one may still be going on.</li>
 *   <li>STABLE: what the stable average wants. A scale-down waits until scaleDownDelay has passed since the last
 *       one, and keeps at least ceil(current / maxScaleDownRate), so a lull in a busy revision does not drop
 *       instances it needs again a second later.</li>
 *   <li>IDLE: with no activity for the idle period, 0, without rate limit and ending any panic. Otherwise, once
 *       there has been activity, at least 1: requests shorter than the sampling period show up only as arrivals
 *       and must not let a busy revision drop to zero.</li>
 *   <li>A cold start (no instance ready, the latest sample showing demand) is sized on the requests held for it,
 *       during its first {@link #COLD_BURST} only: at least max(1, ceil(latest concurrency / target)), the largest
 *       such count seen in that second, since every request is held and the panic average would dilute a burst
 *       that follows silence. After that second the count holds at what is starting (or that count, if fewer
 *       were started yet): requests that keep arriving while processes start are their backlog, which the
 *       first instance may clear in moments once it serves. A JVM takes seconds to start; sizing on its backlog
 *       would start more JVMs, which on few cores slow each other's start and grow the backlog further. The
 *       cold start ends with the first ready instance, when load is measured again.</li>
 *   <li>Last, clamp to [min, max]; min applies in every mode, so min &gt; 0 keeps instances warm.</li>
 * </ol>
 *
 * <pre>{@code
 * Autoscaler autoscaler = new Autoscaler(ScalePolicy.of(0, 10, 10, Duration.ofSeconds(60), Duration.ofMinutes(5)), clock.instant());
 * autoscaler.observe(clock.instant(), inFlight + held, arrivedSinceLastSample);   // every ~100ms
 * ScaleDecision decision = autoscaler.decide(clock.instant(), alive, ready);       // every ~second
 * if (decision.changes(alive)) { scaleTo(decision.desired(), decision.reason()); }
 * }</pre>
 *
 * <p>Safe to share between the thread that samples and the one that decides.
 */
public final class Autoscaler {

    /** Absorbs float error so 20.0 / 10 wants 2 instances, and 1.1 / 0.1 wants 11 rather than 12. */
    private static final double EPSILON = 1e-9;

    /**
     * How long a cold start takes in demand: requests that come within a second of each other are a burst the
     * instances will carry together; a second is also the shortest panic window.
     */
    public static final Duration COLD_BURST = Duration.ofSeconds(1);

    private final ScalePolicy policy;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    /** Bounds memory if samples come faster than expected: at most one per 10ms of the stable window is kept. */
    private final int maxSamples;
    private Instant lastActivity;
    private boolean active;
    private Instant panicUntil;
    private Instant lastScaleDown;

    /** The last decision of the current panic; 0 outside one. */
    private int lastPanicDesired;

    /** When the current cold start began, null outside one; and the most instances it asked for. */
    private Instant coldSince;
    private int coldWants;

    public Autoscaler(ScalePolicy policy, Instant createdAt) {
        if (policy == null || createdAt == null) {
            throw new IllegalArgumentException("an autoscaler needs a policy and a creation time, got " + policy + " and " + createdAt);
        }
        this.policy = policy;
        this.maxSamples = (int) Math.min(1_000_000, Math.max(16, policy.stableWindow().toMillis() / 10 + 1));
        this.lastActivity = createdAt;
        this.panicUntil = createdAt;
        // Counting the delay from creation: a revision just created has nothing it should shed within seconds.
        this.lastScaleDown = createdAt;
    }

    /**
     * Records a sample.
     *
     * @param at          when it was taken; a time before the previous sample's (a clock stepping back) counts as that time
     * @param concurrency requests in flight plus requests held waiting in the gateway at that instant
     * @param arrivals    requests that arrived since the previous sample
     */
    public synchronized void observe(Instant at, double concurrency, long arrivals) {
        if (at == null || !(concurrency >= 0) || !Double.isFinite(concurrency) || arrivals < 0) {
            throw new IllegalArgumentException("a sample needs a time, a concurrency of 0 or more and arrivals of 0 or more, got "
                    + at + ", " + concurrency + " and " + arrivals);
        }
        Sample last = samples.peekLast();
        Instant time = last != null && at.isBefore(last.at()) ? last.at() : at;
        samples.addLast(new Sample(time, concurrency, arrivals));
        Instant horizon = time.minus(policy.stableWindow());
        while (samples.size() > maxSamples || !samples.peekFirst().at().isAfter(horizon)) {
            samples.removeFirst();
        }
        if (concurrency > 0 || arrivals > 0) {
            active = true;
            if (time.isAfter(lastActivity)) {
                lastActivity = time;
            }
        }
    }

    /**
     * Decides how many instances the revision needs now, by the rules above, and remembers when it panicked and
     * scaled down.
     *
     * @param current instances alive, starting or ready
     * @param ready   instances ready to serve
     */
    public synchronized ScaleDecision decide(Instant now, int current, int ready) {
        if (now == null || current < 0 || ready < 0) {
            throw new IllegalArgumentException("a decision needs a time and instance counts of 0 or more, got "
                    + now + ", current " + current + " and ready " + ready);
        }
        double stable = average(now, policy.stableWindow());
        double panic = average(now, policy.panicWindow());
        String perInstance = ", target " + Format.target(policy.target()) + " per instance";
        Duration quiet = Duration.between(lastActivity, now);
        Mode mode;
        int desired;
        String why;
        boolean rateLimited = false;
        if (quiet.compareTo(policy.idle()) >= 0) {
            mode = Mode.IDLE;
            desired = 0;
            // Whole seconds: decisions tick at any millisecond, and "idle for 30s" reads better than "30s437ms".
            why = "idle for " + Format.duration(quiet.getSeconds() > 0 ? quiet.truncatedTo(ChronoUnit.SECONDS) : quiet);
            panicUntil = now;
            coldSince = null;
        } else {
            if (panic > 0 && panic >= policy.panicThreshold() * ready * policy.target()) {
                panicUntil = now.plus(policy.stableWindow());
            }
            if (now.isBefore(panicUntil)) {
                mode = Mode.PANIC;
                // The panic window still holds the quiet before a step, so size on the latest sample too, and
                // never below what this panic already asked for: instances it launched must not be retired.
                Sample now0 = latest(now);
                double seen = Math.max(panic, now0 == null ? 0 : now0.concurrency());
                desired = Math.max(Math.max(current, lastPanicDesired), instancesFor(seen));
                why = "burst mode (no scale-down within " + Format.duration(policy.stableWindow()) + " of a burst), "
                        + Format.requests(panic) + " in flight on average" + perInstance;
            } else {
                mode = Mode.STABLE;
                desired = instancesFor(stable);
                why = Format.requests(stable) + " in flight on average" + perInstance;
                if (desired < current) {
                    // Right after a scale-down the load has not yet spread over fewer instances: wait to see it.
                    boolean tooSoon = Duration.between(lastScaleDown, now).compareTo(policy.scaleDownDelay()) < 0;
                    int floor = ceil(current / policy.maxScaleDownRate());
                    rateLimited = !tooSoon && floor > desired;
                    desired = tooSoon ? current : Math.max(desired, floor);
                }
            }
            if (active) {
                desired = Math.max(desired, 1);
            }
            Sample latest = ready == 0 ? latest(now) : null;
            if (latest != null && (latest.concurrency() > 0 || latest.arrivals() > 0)) {
                if (coldSince == null) {
                    coldSince = now;
                    coldWants = 0;
                }
                if (Duration.between(coldSince, now).compareTo(COLD_BURST) < 0) {
                    coldWants = Math.max(coldWants, Math.max(1, instancesFor(latest.concurrency())));
                    if (coldWants >= desired) {
                        why = "cold start, " + Format.requests(latest.concurrency()) + " waiting" + perInstance;
                    }
                    desired = Math.max(desired, coldWants);
                } else {
                    desired = Math.max(current, coldWants);
                    why = "cold start, " + Format.requests(latest.concurrency()) + " waiting"
                            + (current > 0 ? " for the " + Format.instances(current) + " starting" : perInstance);
                }
            } else if (ready > 0) {
                coldSince = null;
            }
        }
        int clamped = Math.min(Math.max(desired, policy.min()), policy.max());
        lastPanicDesired = mode == Mode.PANIC ? clamped : 0;
        if (clamped < current) {
            lastScaleDown = now;
        }
        return new ScaleDecision(clamped, mode, stable, panic, reason(current, desired, clamped, why, rateLimited));
    }

    /** The latest sample showing activity, or the creation time before any. */
    public synchronized Instant lastActivity() {
        return lastActivity;
    }

    private double average(Instant now, Duration window) {
        Instant from = now.minus(window);
        double sum = 0;
        int count = 0;
        for (Iterator<Sample> it = samples.descendingIterator(); it.hasNext(); ) {
            Sample sample = it.next();
            if (!sample.at().isAfter(from)) {
                break;
            }
            if (!sample.at().isAfter(now)) {
                sum += sample.concurrency();
                count++;
            }
        }
        return count == 0 ? 0 : sum / count;
    }

    /** The latest sample taken at or before now, or null before any. */
    private Sample latest(Instant now) {
        for (Iterator<Sample> it = samples.descendingIterator(); it.hasNext(); ) {
            Sample sample = it.next();
            if (!sample.at().isAfter(now)) {
                return sample;
            }
        }
        return null;
    }

    private int instancesFor(double concurrency) {
        return ceil(concurrency / policy.target());
    }

    private static int ceil(double value) {
        return (int) Math.min(Integer.MAX_VALUE, Math.ceil(value - EPSILON));
    }

    private String reason(int current, int desired, int clamped, String why, boolean rateLimited) {
        String head = (clamped == current ? "steady at " : current + " → ") + Format.instances(clamped) + ": ";
        if (desired > policy.max()) {
            return head + why + " (capped at the maximum of " + policy.max() + ")";
        }
        if (desired < policy.min()) {
            // With no demand at all, the load would only distract from the one thing keeping instances up.
            String min = "keeping the minimum of " + policy.min();
            return head + (desired == 0 ? min : why + " (" + min + ")");
        }
        if (rateLimited && clamped < current) {
            return head + why + " (scaling down at most " + Format.target(policy.maxScaleDownRate()) + "× at a time)";
        }
        return head + why;
    }

    private record Sample(Instant at, double concurrency, long arrivals) {
    }
}
