package dev.nubo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Json;
import dev.nubo.model.Traffic;
import dev.nubo.model.UserError;
import java.net.http.HttpRequest.BodyPublishers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code nubo traffic NAME [REVISION=PERCENT...] [--latest] [--tag TAG=REVISION] [--untag TAG]}:
 * show or set how a service's requests are split across its revisions, and which tags name
 * revisions. The API replaces the whole traffic at once, so this reads the current one first and
 * changes only what was asked: new shares replace the shares, and tags are edited one by one. The
 * write names the version it was based on ({@code If-Match}); when another change landed in between
 * (412), it reads again and applies its change to that, up to {@link #ATTEMPTS} times, so concurrent
 * {@code nubo traffic} commands never undo one another.
 */
@Command(name = "traffic",
        description = {"Show or set which revisions take a service's requests, in what shares, and which tags "
                + "name revisions. Without shares or flags, show the current traffic.",
                "Shares replace the current ones, must total 100, and stay as set across deploys: a new revision "
                        + "takes traffic only through a `latest` share. Tags not named are kept; so are the shares "
                        + "when only tags change. A change takes effect at once."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  nubo traffic hello hello-00002=90 latest=10",
                "      canary: 10%% of requests to each new revision once it is ready",
                "  nubo traffic hello hello-00003=100",
                "      blue/green: switch every request to hello-00003 at once",
                "  nubo traffic hello --latest",
                "      follow the newest ready revision again, as a new service does",
                "  nubo traffic hello --tag canary=hello-00003",
                "      also reach hello-00003 at its own host, canary-hello.DOMAIN",
                "  nubo traffic hello",
                "      show the current traffic"})
final class SplitTraffic extends ClientCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "The service.")
    String name;

    @Parameters(index = "1..*", paramLabel = "REVISION=PERCENT",
            description = "A share of the requests, e.g. hello-00002=90; latest=10 sends 10%% to the newest ready revision.")
    List<String> shares = new ArrayList<>();

    @Option(names = "--latest", description = "Send every request to the newest ready revision (latest=100), "
            + "so that each deploy takes over once it is ready. This is what a new service does.")
    boolean latest;

    @Option(names = "--tag", paramLabel = "TAG=REVISION",
            description = "Let the revision (or latest) also answer at its own host, TAG-NAME.DOMAIN, whatever its share. "
                    + "Repeatable.")
    List<String> tags = new ArrayList<>();

    @Option(names = "--untag", paramLabel = "TAG", description = "Remove a tag. Repeatable.")
    List<String> untags = new ArrayList<>();

    @Mixin
    Output output;

    SplitTraffic(Env env) {
        super(env);
    }

    /**
     * How many times a change is read and sent again when the traffic keeps changing under it. Each
     * round lets at least one of the concurrent writers through, and the random pause between rounds
     * (up to 20 ms, doubling to at most 1 s; 10 s in all) spreads the others out: twenty commands
     * started at once needed at most 8 rounds in five runs here.
     */
    static final int ATTEMPTS = 16;

    /** {@code GET /v1/services/NAME/traffic}: the traffic as set, the rollback pin, and its version. */
    record Settings(List<Traffic.Split> splits, Map<String, String> tags, String pinnedRevision, long version) {

        Traffic configured() {
            return new Traffic(splits, tags);
        }

        Optional<String> pinned() {
            return Optional.ofNullable(pinnedRevision);
        }
    }

    @Override
    public Integer call() {
        Traffic typed = typed();
        try (Api api = api()) {
            String path = "/v1/services/" + Api.segment(service(name));
            if (shares.isEmpty() && !latest && tags.isEmpty() && untags.isEmpty()) {
                JsonNode json = api.get(path);
                if (output.json()) {
                    printJson(json);
                } else {
                    Routes.section(api.read(json, Service.class), out());
                    out().flush();
                }
                return 0;
            }
            for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
                Settings current = api.read(api.get(path + "/traffic"), Settings.class);
                Optional<Api.Answer> answer = api.callIfUnchanged(api.request(path + "/traffic")
                        .header("Content-Type", "application/json")
                        .header("If-Match", "\"" + current.version() + "\"")
                        .PUT(BodyPublishers.ofString(Json.mapper().valueToTree(next(current, typed)).toString())));
                if (answer.isPresent()) {
                    printChanged(answer.get().json(), current, api);
                    return 0;
                }
                if (attempt < ATTEMPTS) {
                    pause(attempt);
                }
            }
            throw new CommandError("the traffic of " + name + " kept changing while this command ran (" + ATTEMPTS + " attempts)",
                    "try again; someone else is changing it at the same time (`nubo traffic " + name + "` shows it)");
        }
    }

    /** Full jitter: a random pause up to a bound that doubles, so writers that collided do not collide again. */
    private static void pause(int attempt) {
        long bound = Math.min(1000, 20L << Math.min(attempt - 1, 10));
        try {
            Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(bound + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandError("interrupted while changing the traffic of a service");
        }
    }

    private void printChanged(JsonNode answer, Settings before, Api api) {
        if (output.json()) {
            printJson(answer);
        } else {
            new Screen(out(), env).done("traffic of " + name + " set");
            Routes.print(api.read(answer, Service.class).traffic().routes(), out());
            out().flush();
        }
        keptPin(before).ifPresent(pin -> {
            err().println("note: " + name + " was rolled back to " + pin + "; it keeps 100% as the share " + pin
                    + "=100, which deploys do not move (`nubo traffic " + name + " --latest` follows new "
                    + "revisions again)");
            err().flush();
        });
    }

    /**
     * The shares and tags as typed, checked by the rules the server applies, so that a mistake is
     * reported before any request. Usage mistakes exit 2 as picocli's own do; a wrong share or tag
     * is reported like the server would report it.
     */
    private Traffic typed() {
        if (latest && !shares.isEmpty()) {
            throw new ParameterException(spec.commandLine(),
                    "--latest means latest=100; give either --latest or REVISION=PERCENT shares, not both");
        }
        for (String tag : untags) {
            if (tags.stream().anyMatch(t -> t.startsWith(tag + "="))) {
                throw new ParameterException(spec.commandLine(), "tag " + tag + " is given to both --tag and --untag");
            }
        }
        // Without shares only the tags are checked, against a stand-in for the shares kept.
        List<String> typedShares = shares.isEmpty() ? List.of(Traffic.LATEST + "=100") : shares;
        return checked(() -> Traffic.parse(typedShares, tags));
    }

    /** The traffic to send: the current one with the requested changes on top. */
    private Traffic next(Settings current, Traffic typed) {
        Traffic configured = current.configured();
        Map<String, String> nextTags = new TreeMap<>(configured.tags());
        for (String tag : untags) {
            if (nextTags.remove(tag) == null) {
                throw new CommandError("service " + name + " has no tag " + tag,
                        configured.tags().isEmpty() ? "it has no tags" : "its tags are "
                                + String.join(", ", configured.tags().keySet()));
            }
        }
        nextTags.putAll(typed.tags());
        if (latest || !shares.isEmpty()) {
            return checked(() -> new Traffic(typed.splits(), nextTags));
        }
        return checked(() -> keptPin(current).map(pin -> new Traffic(List.of(new Traffic.Split(pin, 100)), nextTags))
                .orElseGet(() -> configured.withTags(nextTags)));
    }

    /**
     * The revision a rollback pinned, when only tags change: it keeps all traffic as an ordinary
     * share, because sending the configured shares back would quietly undo the rollback.
     */
    private Optional<String> keptPin(Settings current) {
        return latest || !shares.isEmpty() ? Optional.empty() : current.pinned();
    }

    private static Traffic checked(Supplier<Traffic> traffic) {
        try {
            return traffic.get();
        } catch (UserError e) {
            throw new CommandError(e.getMessage(), e.hint());
        }
    }
}
