package dev.nubo.server;

import dev.nubo.model.UserError;
import dev.nubo.store.Store;
import dev.nubo.store.UsageLog.Usage;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code GET /v1/usage?since=24h&by=service|revision|hour[&service=NAME]}: metering's hourly rollups,
 * summed by what {@code by} names, after a fresh sample so the answer includes the last seconds.
 */
final class UsageApi {

    private final UsageSampler sampler;
    private final Store store;
    private final InstantSource clock;

    UsageApi(UsageSampler sampler, Store store, InstantSource clock) {
        this.sampler = sampler;
        this.store = store;
        this.clock = clock;
    }

    void mount(Router router) {
        router.get("/v1/usage").blockingHandler(this::usage, false);
    }

    private void usage(RoutingContext ctx) {
        Instant since = since(ctx.queryParams().get("since"));
        String by = ctx.queryParams().get("by") == null ? "service" : ctx.queryParams().get("by");
        String service = ctx.queryParams().get("service");
        Function<Usage, List<String>> key = switch (by) {
            case "service" -> u -> List.of(u.service());
            case "revision" -> u -> List.of(u.service(), u.revision());
            case "hour" -> u -> List.of(u.hour().toString());
            default -> throw UserError.badRequest("usage.bad_by", "by=" + by + " is not a grouping",
                    "pass by=service, by=revision or by=hour");
        };
        sampler.sample();
        Map<List<String>, long[]> sums = new LinkedHashMap<>();
        for (Usage u : store.usage().since(since)) {
            if (service == null || service.equals(u.service())) {
                long[] s = sums.computeIfAbsent(key.apply(u), k -> new long[6]);
                s[0] += u.invocations();
                s[1] += u.mibMs();
                s[2] += u.activeMibMs();
                s[3] += u.cpuMs();
                s[4] += u.bytesIn();
                s[5] += u.bytesOut();
            }
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        sums.forEach((k, s) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            if (by.equals("hour")) {
                row.put("hour", k.get(0));
            } else {
                row.put("service", k.get(0));
                if (by.equals("revision")) {
                    row.put("revision", k.get(1));
                }
            }
            row.put("invocations", s[0]);
            row.put("gbSeconds", gbSeconds(s[1]));
            row.put("activeGbSeconds", gbSeconds(s[2]));
            row.put("cpuSeconds", s[3] / 1000.0);
            row.put("bytesIn", s[4]);
            row.put("bytesOut", s[5]);
            rows.add(row);
        });
        ControlApi.json(ctx, 200, Map.of("since", since.truncatedTo(java.time.temporal.ChronoUnit.HOURS).toString(), "by", by, "usage", rows));
    }

    /** MiB-milliseconds as GB-seconds (a GB of 1024 MiB, as Lambda counts), to the millionth. */
    static double gbSeconds(long mibMs) {
        return Math.round(mibMs / 1024.0 / 1000.0 * 1e6) / 1e6;
    }

    /** A duration before now or an ISO-8601 time; a day when absent. */
    private Instant since(String text) {
        return text == null || text.isBlank() ? clock.instant().minus(java.time.Duration.ofHours(24)) : LogFilter.since(text, clock.instant());
    }
}
