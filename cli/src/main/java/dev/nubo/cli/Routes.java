package dev.nubo.cli;

import dev.nubo.cli.Service.Route;
import dev.nubo.model.Traffic;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * How {@code nubo traffic} and {@code nubo describe} write a service's traffic: one line per
 * revision that takes requests, and how the traffic was configured, in the words one would type:
 *
 * <pre>
 * Traffic:
 *   hello-00002   90%   http://hello.localhost:8080/
 *   hello-00003   10%   tags: canary   http://canary-hello.localhost:8080/
 *   configured: hello-00002=90 latest=10 --tag canary=hello-00003, where latest is the newest ready revision
 * </pre>
 */
final class Routes {

    private Routes() {}

    /** The {@code Traffic:} section of {@code nubo describe}, which {@code nubo traffic NAME} prints alone. */
    static void section(Service s, PrintWriter out) {
        out.println("Traffic:");
        if (s.traffic().routes().isEmpty()) {
            out.println("  none: no revision is ready to take requests");
        }
        print(s.traffic().routes(), out);
        out.println("  configured: " + configured(s));
    }

    /** One line per route, revision and percent in columns, then tags and the URLs that reach it. */
    static void print(List<Route> routes, PrintWriter out) {
        int revisionWidth = routes.stream().mapToInt(r -> r.revision().length()).max().orElse(0);
        int percentWidth = routes.stream().mapToInt(r -> (r.percent() + "%").length()).max().orElse(0);
        for (Route r : routes) {
            List<String> cells = new ArrayList<>();
            cells.add(pad(r.revision(), revisionWidth));
            cells.add(pad(r.percent() + "%", percentWidth));
            if (!r.tags().isEmpty()) {
                cells.add("tags: " + String.join(", ", r.tags()));
            }
            cells.add(r.urls().isEmpty() ? "-" : String.join(" ", r.urls()));
            out.println("  " + String.join("   ", cells));
        }
    }

    /** {@code hello-00002=90 latest=10 --tag canary=hello-00003} and what overrides or explains it. */
    private static String configured(Service s) {
        Traffic t = s.traffic().configured();
        String note;
        if (s.pinned().isPresent()) {
            note = "; overridden by the rollback to " + s.pinned().get() + " until the next deploy or traffic change";
        } else if (t.followsLatest()) {
            note = ", following the newest ready revision";
        } else if (t.splits().stream().anyMatch(split -> split.revision().equals(Traffic.LATEST))) {
            note = ", where latest is the newest ready revision";
        } else {
            note = "";
        }
        return arguments(t) + note;
    }

    /** The traffic as {@code nubo traffic}'s arguments: {@code hello-00002=90 latest=10 --tag canary=hello-00003}. */
    static String arguments(Traffic t) {
        String splits = t.splits().stream().map(split -> split.revision() + "=" + split.percent())
                .collect(Collectors.joining(" "));
        String tags = t.tags().entrySet().stream().map(e -> " --tag " + e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining());
        return splits + tags;
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }
}
