package dev.nubo.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code nubo top} shows, computed from two scrapes of {@code GET /metrics} taken {@code between}
 * apart: per routed revision, requests per second, the share of 5xx, p50 and p99 latency (from the
 * histogram's buckets that filled in between, so the figures are of that interval), instances ready
 * and desired, requests held now. Pure: tests hand it two texts.
 */
final class TopView {

    record Row(String service, String revision, double rps, double errorPercent, String p50, String p99, int ready, int desired, int held) {}

    private static final Pattern SAMPLE = Pattern.compile("^(\\w+)\\{([^}]*)} (\\S+)$", Pattern.MULTILINE);
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    /** Samples of one scrape, by metric name, then by their labels. */
    record Scrape(Map<String, Map<Map<String, String>, Double>> samples) {

        static Scrape parse(String text) {
            Map<String, Map<Map<String, String>, Double>> out = new HashMap<>();
            Matcher m = SAMPLE.matcher(text);
            while (m.find()) {
                Map<String, String> labels = new TreeMap<>();
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
                out.computeIfAbsent(m.group(1), k -> new HashMap<>()).put(labels, Double.parseDouble(m.group(3)));
            }
            return new Scrape(out);
        }

        /** The sum of a metric's samples whose labels include {@code match}. */
        double sum(String name, Map<String, String> match) {
            return samples.getOrDefault(name, Map.of()).entrySet().stream()
                    .filter(e -> e.getKey().entrySet().containsAll(match.entrySet())).mapToDouble(Map.Entry::getValue).sum();
        }
    }

    static List<Row> rows(Scrape before, Scrape now, Duration between) {
        TreeSet<List<String>> revisions = new TreeSet<>((a, b) -> (a.get(0) + "\0" + a.get(1)).compareTo(b.get(0) + "\0" + b.get(1)));
        for (String name : List.of("nubo_autoscaler_desired_instances", "nubo_gateway_requests_total")) {
            now.samples().getOrDefault(name, Map.of()).keySet().forEach(l -> revisions.add(List.of(l.get("service"), l.get("revision"))));
        }
        double seconds = Math.max(between.toMillis(), 1) / 1000.0;
        List<Row> rows = new ArrayList<>();
        for (List<String> r : revisions) {
            Map<String, String> key = Map.of("service", r.get(0), "revision", r.get(1));
            double requests = now.sum("nubo_gateway_requests_total", key) - before.sum("nubo_gateway_requests_total", key);
            double errors = now.sum("nubo_gateway_requests_total", with(key, "code", "5xx"))
                    - before.sum("nubo_gateway_requests_total", with(key, "code", "5xx"));
            rows.add(new Row(r.get(0), r.get(1), requests / seconds, requests == 0 ? 0 : 100 * errors / requests,
                    quantile(before, now, key, 0.5), quantile(before, now, key, 0.99),
                    (int) now.sum("nubo_instances", with(key, "state", "ready")), (int) now.sum("nubo_autoscaler_desired_instances", key),
                    (int) now.sum("nubo_gateway_hold_queue", key)));
        }
        return rows;
    }

    /** The upper bound of the bucket the quantile falls in, among the requests of the interval; "-" without any. */
    private static String quantile(Scrape before, Scrape now, Map<String, String> key, double q) {
        String name = "nubo_gateway_request_duration_seconds_bucket";
        TreeMap<Double, Double> counts = new TreeMap<>();
        now.samples().getOrDefault(name, Map.of()).forEach((labels, value) -> {
            if (labels.entrySet().containsAll(key.entrySet())) {
                double le = labels.get("le").equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(labels.get("le"));
                counts.put(le, value - before.samples().getOrDefault(name, Map.of()).getOrDefault(labels, 0.0));
            }
        });
        double total = counts.isEmpty() ? 0 : counts.lastEntry().getValue();
        if (total <= 0) {
            return "-";
        }
        for (var e : counts.entrySet()) {
            if (e.getValue() >= q * total) {
                return e.getKey().isInfinite() ? ">30s" : "≤" + Human.millis(Math.round(e.getKey() * 1000));
            }
        }
        return "-";
    }

    private static Map<String, String> with(Map<String, String> key, String label, String value) {
        Map<String, String> m = new HashMap<>(key);
        m.put(label, value);
        return m;
    }
}
