package dev.nubo.cli;

import dev.nubo.cli.Service.Event;
import dev.nubo.cli.Service.Instance;
import dev.nubo.cli.Service.Revision;
import dev.nubo.cli.Service.Scaling;
import dev.nubo.model.RevisionState;
import java.io.PrintWriter;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code nubo describe NAME}: the service, its traffic, its revisions and instances, how the
 * autoscaler sizes the ones that take traffic, and what happened lately.
 */
@Command(name = "describe",
        description = "Show a service in detail: traffic, revisions (newest first) with their scaling, instances "
                + "and recent events.")
final class Describe extends ClientCommand {

    static final int EVENTS_SHOWN = 10;

    @Parameters(index = "0", paramLabel = "NAME", description = "The service.")
    String name;

    @Mixin
    Output output;

    Describe(Env env) {
        super(env);
    }

    @Override
    public Integer call() {
        return show(output, "/v1/services/" + Api.segment(service(name)), Service.class, Describe::print);
    }

    static void print(Service s, Instant now, PrintWriter out) {
        out.println("Name:      " + s.name());
        out.println("URL:       " + s.url());
        out.println("State:     " + s.state() + ("static".equals(s.runtime()) ? " (served by the gateway: no instances)"
                : s.instances().ready() == 0 && s.instances().desired() == 0
                ? " (scaled to zero: the next request starts an instance)"
                : " (" + s.instances().ready() + "/" + s.instances().desired() + " instances ready)"));
        out.println("Runtime:   " + s.runtime());
        out.println("Serving:   " + s.serving().orElse("none")
                + s.pinned().map(p -> " (pinned to " + p + " until the next deploy)").orElse(""));
        out.println("Paths:     " + (s.paths().isEmpty() ? "-" : String.join(", ", s.paths())));
        out.println("Limits:    " + s.limits().text());
        s.resilience().lines().forEach(out::println);
        out.println("Created:   " + Human.when(s.createdAt(), now));
        out.println();
        Routes.section(s, out);
        out.println();
        out.println("Revisions:");
        if (s.revisions().isEmpty()) {
            out.println("  none");
        }
        for (Revision r : s.revisions()) {
            out.println("  " + r.id() + "   " + r.state() + (r.serving() ? "   serving" : "")
                    + (r.percent() > 0 && r.percent() < 100 ? "   " + r.percent() + "%" : "")
                    + (r.tags().isEmpty() ? "" : "   tags: " + String.join(", ", r.tags()))
                    + "   created " + Human.when(r.createdAt(), now));
            r.routedScaling().ifPresent(scaling -> out.println("    scaling: " + scaling(scaling)));
            if (!r.isolation().isEmpty()) {
                out.println("    isolation: " + r.isolation());
            }
            if (!r.startCache().isEmpty()) {
                out.println("    start cache: " + r.startCache());
            }
            if (r.state() == RevisionState.FAILED) {
                out.println("    reason: " + (r.reason().isEmpty() ? "unknown" : r.reason()));
                r.logTail().forEach(line -> out.println("      " + line));
            }
            if (!r.instances().isEmpty()) {
                Table instances = new Table("INSTANCE", "STATE", "PID", "PORT", "RESTARTS", "START", "READY SINCE");
                for (Instance i : r.instances()) {
                    instances.row(i.id(), i.state() + (i.failure().isEmpty() ? "" : " (" + i.failure() + ")")
                                    + i.servingCallers().map(t -> " (serving callers that found it in the registry, until " + Human.when(t, now) + ")").orElse(""),
                            i.pid() > 0 ? Long.toString(i.pid()) : "-", i.port() > 0 ? Integer.toString(i.port()) : "-",
                            Integer.toString(i.restarts()), i.start().map(d -> Human.millis(d.toMillis())).orElse("-"),
                            i.ready().map(t -> Human.when(t, now)).orElse("-"));
                }
                instances.print(out, "    ");
            }
        }
        out.println();
        out.println("Events:");
        if (s.events().isEmpty()) {
            out.println("  none");
        }
        for (Event e : s.events().stream().limit(EVENTS_SHOWN).toList()) {
            out.println("  " + Human.when(e.time(), now) + "   " + e.message());
        }
        out.flush();
    }

    /**
     * {@code steady at 2 instances: 14.2 requests in flight on average, target 10 per instance;
     * now 3 in flight, 0 waiting; held 12 of 340 requests, p50 40ms p99 180ms max 900ms}: the
     * autoscaler's decision in words (it names the instance count), then the load in the gateway at
     * this moment, then how many requests so far had to wait for an instance and what the last of
     * them cost.
     */
    private static String scaling(Scaling s) {
        // The reason already says the mode in words ("burst mode", "idle"); the enum would repeat it.
        String decision = s.decided().map(d -> s.reason().isEmpty() ? Human.count(d, "instance") + " wanted" : s.reason())
                .orElse("no decision yet");
        String held = s.held() == 0 ? Human.count(s.requests(), "request") + " so far, none held"
                : "held " + s.held() + " of " + Human.count(s.requests(), "request") + ", p50 " + s.holdP50Ms()
                        + "ms p99 " + s.holdP99Ms() + "ms max " + s.holdMaxMs() + "ms";
        return decision + "; now " + s.inFlight() + " in flight, " + s.waiting() + " waiting; " + held;
    }
}
