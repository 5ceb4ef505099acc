package dev.nubo.cli;

import java.io.PrintWriter;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nubo top [--interval 2s] [--once]}: the live view of every routed revision, from {@code GET /metrics}. */
@Command(name = "top", description = "Show every routed revision's requests/s, 5xx share, latency, instances and held requests, "
        + "refreshed every interval until Ctrl-C (from GET /metrics).")
final class Dashboard extends ClientCommand {

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "2s", description = "Between refreshes (default: ${DEFAULT-VALUE}).")
    String interval;

    @Option(names = "--once", description = "Print one view (over one interval) and exit: for scripts and pipes.")
    boolean once;

    Dashboard(Env env) {
        super(env);
    }

    @Override
    public Integer call() {
        Duration every = dev.nubo.model.Quantities.duration(interval).filter(d -> !d.isZero())
                .orElseThrow(() -> new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--interval must be a duration such as 2s or 500ms (got '" + interval + "')"));
        try (Api api = api()) {
            TopView.Scrape before = scrape(api);
            Instant at = Instant.now();
            while (true) {
                sleep(every);
                TopView.Scrape now = scrape(api);
                Instant nowAt = Instant.now();
                print(TopView.rows(before, now, Duration.between(at, nowAt)), !once && env.terminal());
                if (once) {
                    return 0;
                }
                before = now;
                at = nowAt;
            }
        }
    }

    private TopView.Scrape scrape(Api api) {
        HttpResponse<String> response = api.send(api.request("/metrics").GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw api.error(response.statusCode(), response.body());
        }
        return TopView.Scrape.parse(response.body());
    }

    private void print(List<TopView.Row> rows, boolean redraw) {
        PrintWriter out = out();
        if (redraw) {
            out.print("\u001b[H\u001b[2J");
        }
        if (rows.isEmpty()) {
            out.println("no routed revisions yet; deploy one with `nubo deploy DIR`");
        } else {
            Table table = new Table("SERVICE", "REVISION", "REQ/S", "5XX", "P50", "P99", "READY", "DESIRED", "HELD");
            for (TopView.Row r : rows) {
                table.row(r.service(), r.revision(), String.format(Locale.ROOT, "%.1f", r.rps()), String.format(Locale.ROOT, "%.1f%%", r.errorPercent()),
                        r.p50(), r.p99(), String.valueOf(r.ready()), String.valueOf(r.desired()), String.valueOf(r.held()));
            }
            table.print(out, "");
        }
        out.flush();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandError("interrupted");
        }
    }
}
