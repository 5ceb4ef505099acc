package dev.nubo.cli;

import static dev.nubo.cli.CannedApi.Reply.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.cli.CannedApi.Run;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SplitTrafficTest {

    static final String SERVICE = "/v1/services/hello-java";
    static final String TRAFFIC = SERVICE + "/traffic";
    static final String URL = "\"http://hello-java.localhost:8080/\"";
    static final String CANARY_URL = "\"http://canary-hello-java.localhost:8080/\"";

    /** 90 % to hello-java-00002, 10 % to hello-java-00003, which is also tagged canary. */
    static final String SPLIT = """
            {"splits": [{"revision": "hello-java-00002", "percent": 90}, {"revision": "hello-java-00003", "percent": 10}],
             "tags": {"canary": "hello-java-00003"}}""";

    @TempDir
    Path home;

    final CannedApi api = new CannedApi();

    SplitTrafficTest() throws IOException {}

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void setsTheSharesKeepsTheTagsAndPrintsWhereRequestsGo() {
        api.on("GET", TRAFFIC, json(settings(latestTagged("canary", "hello-java-00003"), null, 3)));
        api.on("PUT", TRAFFIC, json(split()));

        Run run = CannedApi.run(api.env(home), "traffic", "hello-java", "hello-java-00002=90", "hello-java-00003=10");

        assertThat(run.exit()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).isEqualTo("""
                ✓ traffic of hello-java set
                  hello-java-00002   90%   http://hello-java.localhost:8080/
                  hello-java-00003   10%   tags: canary   http://hello-java.localhost:8080/ http://canary-hello-java.localhost:8080/
                """);
        assertThat(sent()).isEqualTo("{\"splits\":[{\"revision\":\"hello-java-00002\",\"percent\":90},"
                + "{\"revision\":\"hello-java-00003\",\"percent\":10}],\"tags\":{\"canary\":\"hello-java-00003\"}}");
        assertThat(api.last("PUT", TRAFFIC).orElseThrow().header("If-Match")).as("the version it read").isEqualTo("\"3\"");
    }

    @Test
    void readsAgainAndReappliesItsChangeWhenTheTrafficChangedInBetween() {
        // Someone else tagged `edge` between this command's read and its write.
        String edgeAdded = """
                {"splits": [{"revision": "hello-java-00002", "percent": 90}, {"revision": "hello-java-00003", "percent": 10}],
                 "tags": {"canary": "hello-java-00003", "edge": "hello-java-00002"}}""";
        api.on("GET", TRAFFIC, json(settings(SPLIT, null, 3)), json(settings(edgeAdded, null, 4)));
        api.on("PUT", TRAFFIC, json(412, CHANGED), json(split()));

        Run run = CannedApi.run(api.env(home), "traffic", "hello-java", "--tag", "next=latest");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(api.received.stream().filter(r -> r.method().equals("PUT"))).hasSize(2);
        assertThat(api.last("PUT", TRAFFIC).orElseThrow().header("If-Match")).isEqualTo("\"4\"");
        assertThat(sent()).endsWith("\"tags\":{\"canary\":\"hello-java-00003\",\"edge\":\"hello-java-00002\",\"next\":\"latest\"}}");
    }

    @Test
    void givesUpWhenTheTrafficKeepsChanging() {
        api.on("GET", TRAFFIC, json(settings(SPLIT, null, 3)));
        api.on("PUT", TRAFFIC, json(412, CHANGED));

        Run run = CannedApi.run(api.env(home), "traffic", "hello-java", "--tag", "next=latest");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("""
                error: the traffic of hello-java kept changing while this command ran (16 attempts)
                hint: try again; someone else is changing it at the same time (`nubo traffic hello-java` shows it)
                """);
        assertThat(api.received.stream().filter(r -> r.method().equals("PUT"))).hasSize(SplitTraffic.ATTEMPTS);
    }

    @Test
    void latestSendsEverythingToTheNewestReadyRevisionAndKeepsTheTags() {
        api.on("GET", TRAFFIC, json(settings(SPLIT, null, 3)));
        api.on("PUT", TRAFFIC, json(service("hello-java-00003", Samples.traffic(latestTagged("canary", "hello-java-00003"),
                Samples.route("hello-java-00003", 100, "\"canary\"", URL + ", " + CANARY_URL)))));

        Run run = CannedApi.run(api.env(home), "traffic", "hello-java", "--latest");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("""
                ✓ traffic of hello-java set
                  hello-java-00003   100%   tags: canary   http://hello-java.localhost:8080/ http://canary-hello-java.localhost:8080/
                """);
        assertThat(sent()).isEqualTo(
                "{\"splits\":[{\"revision\":\"latest\",\"percent\":100}],\"tags\":{\"canary\":\"hello-java-00003\"}}");
    }

    @Test
    void tagsAloneKeepTheSharesAndAreAddedAndRemovedOneByOne() {
        api.on("GET", TRAFFIC, json(settings(SPLIT, null, 3)));
        api.on("PUT", TRAFFIC, json(split()));

        Run run = CannedApi.run(api.env(home), "traffic", "hello-java", "--untag", "canary",
                "--tag", "stable=hello-java-00002", "--tag", "next=latest");

        assertThat(run.exit()).isZero();
        assertThat(sent()).isEqualTo("{\"splits\":[{\"revision\":\"hello-java-00002\",\"percent\":90},"
                + "{\"revision\":\"hello-java-00003\",\"percent\":10}],"
                + "\"tags\":{\"next\":\"latest\",\"stable\":\"hello-java-00002\"}}");
    }

    @Test
    void tagsAloneWhileRolledBackKeepTheRolledBackRevisionServing() {
        api.on("GET", TRAFFIC, json(settings(Samples.LATEST, "hello-java-00001", 3)));
        api.on("PUT", TRAFFIC, json(split()));

        Run run = CannedApi.run(api.env(home), "traffic", "hello-java", "--tag", "canary=hello-java-00003");

        assertThat(run.exit()).isZero();
        assertThat(sent()).isEqualTo("{\"splits\":[{\"revision\":\"hello-java-00001\",\"percent\":100}],"
                + "\"tags\":{\"canary\":\"hello-java-00003\"}}");
        assertThat(run.err()).isEqualTo("note: hello-java was rolled back to hello-java-00001; it keeps 100% as the "
                + "share hello-java-00001=100, which deploys do not move (`nubo traffic hello-java --latest` follows "
                + "new revisions again)\n");
    }

    @Test
    void withoutChangesPrintsTheCurrentTraffic() {
        api.on("GET", SERVICE, json(split()));

        Run run = CannedApi.run(api.env(home), "traffic", "hello-java");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("""
                Traffic:
                  hello-java-00002   90%   http://hello-java.localhost:8080/
                  hello-java-00003   10%   tags: canary   http://hello-java.localhost:8080/ http://canary-hello-java.localhost:8080/
                  configured: hello-java-00002=90 hello-java-00003=10 --tag canary=hello-java-00003
                """);
        assertThat(api.last("PUT", TRAFFIC)).isEmpty();
    }

    @Test
    void jsonOutputIsTheServiceAsTheServerAnswered() {
        api.on("GET", TRAFFIC, json(settings(Samples.LATEST, null, 3)));
        api.on("PUT", TRAFFIC, json(split()));

        Run run = CannedApi.run(api.env(home), "traffic", "hello-java", "hello-java-00003=100", "-o", "json");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).startsWith("{\n  \"name\" : \"hello-java\",").contains("\"configured\" : {");
    }

    @Test
    void sharesThatDoNotAddUpTo100AreRefusedBeforeAnyRequest() {
        Run run = CannedApi.run(api.env(home), "traffic", "hello-java", "hello-java-00002=90", "hello-java-00003=5");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("""
                error: traffic percentages add up to 95, not 100
                hint: adjust them so they total 100, e.g. hello-00002=90 latest=10
                """);
        assertThat(api.received).isEmpty();
    }

    @Test
    void aMalformedTagIsRefusedBeforeAnyRequest() {
        Run run = CannedApi.run(api.env(home), "traffic", "hello-java", "--tag", "canary");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("""
                error: `canary` is not a tag; write it as TAG=REVISION
                hint: e.g. canary=hello-00003
                """);
        assertThat(api.received).isEmpty();
    }

    @Test
    void latestWithSharesIsAUsageMistake() {
        Run run = CannedApi.run(api.env(home), "traffic", "hello-java", "--latest", "hello-java-00002=100");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).startsWith(
                "--latest means latest=100; give either --latest or REVISION=PERCENT shares, not both\n");
        assertThat(api.received).isEmpty();
    }

    @Test
    void removingATagThatIsNotThereNamesTheTagsThatAre() {
        api.on("GET", TRAFFIC, json(settings(SPLIT, null, 3)));

        Run run = CannedApi.run(api.env(home), "traffic", "hello-java", "--untag", "canray");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("""
                error: service hello-java has no tag canray
                hint: its tags are canary
                """);
        assertThat(api.last("PUT", TRAFFIC)).isEmpty();
    }

    @Test
    void aRevisionThatCannotServeIsRefusedByTheServer() {
        api.on("GET", TRAFFIC, json(settings(Samples.LATEST, null, 3)));
        api.on("PUT", TRAFFIC, json(409, """
                {"error": {"code": "revision.not_ready",
                  "message": "hello-java-00003 is FAILED (exited with code 1 before becoming ready) and cannot take traffic",
                  "hint": "name revisions that became ready; `nubo describe hello-java` shows their states"}}"""));

        Run run = CannedApi.run(api.env(home), "traffic", "hello-java", "hello-java-00002=50", "hello-java-00003=50");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("""
                error: hello-java-00003 is FAILED (exited with code 1 before becoming ready) and cannot take traffic
                hint: name revisions that became ready; `nubo describe hello-java` shows their states
                """);
    }

    private String sent() {
        return new String(api.last("PUT", TRAFFIC).orElseThrow().body(), java.nio.charset.StandardCharsets.UTF_8);
    }

    static final String CHANGED = """
            {"error": {"code": "traffic.changed", "message": "the traffic of service hello-java changed since it was read",
                       "hint": "read it again"}}""";

    /** {@code GET …/traffic}: the configured traffic ({"splits", "tags"}) with its pin and version. */
    private static String settings(String configured, String pinned, long version) {
        String inside = configured.strip();
        return inside.substring(0, inside.length() - 1) + ", \"pinnedRevision\": "
                + (pinned == null ? "null" : "\"" + pinned + "\"") + ", \"version\": " + version + "}";
    }

    private static String latestTagged(String tag, String revision) {
        return """
                {"splits": [{"revision": "latest", "percent": 100}], "tags": {"%s": "%s"}}""".formatted(tag, revision);
    }

    /** The service after {@code nubo traffic hello-java hello-java-00002=90 hello-java-00003=10}. */
    private static String split() {
        return service("hello-java-00002", Samples.traffic(SPLIT,
                Samples.route("hello-java-00002", 90, "", URL),
                Samples.route("hello-java-00003", 10, "\"canary\"", URL + ", " + CANARY_URL)));
    }

    private static String service(String serving, String traffic) {
        return Samples.service(serving, null, traffic,
                Samples.revision("hello-java-00003", "READY", serving.equals("hello-java-00003"), "") + ","
                        + Samples.revision("hello-java-00002", "READY", serving.equals("hello-java-00002"), ""), "");
    }
}
