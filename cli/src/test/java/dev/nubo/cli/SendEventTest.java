package dev.nubo.cli;

import static dev.nubo.cli.CannedApi.Reply.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.cli.CannedApi.Received;
import dev.nubo.cli.CannedApi.Run;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SendEventTest {

    static final String DEFAULT = "/v1/brokers/default/events";
    static final String ACCEPTED = "{\"accepted\": 1}";

    @TempDir
    Path home;

    final CannedApi api = new CannedApi();

    SendEventTest() throws IOException {}

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void postsOneEventInBinaryModeAndSaysItWasAccepted() {
        api.on("POST", DEFAULT, json(202, ACCEPTED));

        Run run = CannedApi.run(api.env(home), "events", "send", "--type", "order.created", "--source", "/shop",
                "--id", "a1", "--subject", "7", "--time", "2026-11-21T10:00:00Z", "--extension", "tenant=acme",
                "-d", "{\"order\": 7}");

        assertThat(run.exit()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).isEqualTo("accepted event a1 into broker default\n");
        Received sent = api.last("POST", DEFAULT).orElseThrow();
        assertThat(sent.header("ce-specversion")).isEqualTo("1.0");
        assertThat(sent.header("ce-id")).isEqualTo("a1");
        assertThat(sent.header("ce-source")).isEqualTo("/shop");
        assertThat(sent.header("ce-type")).isEqualTo("order.created");
        assertThat(sent.header("ce-subject")).isEqualTo("7");
        assertThat(sent.header("ce-time")).isEqualTo("2026-11-21T10:00:00Z");
        assertThat(sent.header("ce-tenant")).isEqualTo("acme");
        assertThat(sent.header("Content-Type")).isEqualTo("application/json");
        assertThat(sent.header("Authorization")).isEqualTo("Bearer s3cret");
        assertThat(sent.body()).asString().isEqualTo("{\"order\": 7}");
    }

    @Test
    void withoutAnIdSendsARandomUuidAndPrintsIt() {
        api.on("POST", "/v1/brokers/shop/events", json(202, ACCEPTED));

        Run run = CannedApi.run(api.env(home), "events", "send", "--broker", "shop", "--type", "ping", "--source", "/cli");

        String id = api.last("POST", "/v1/brokers/shop/events").orElseThrow().header("ce-id");
        assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(run.out()).isEqualTo("accepted event " + id + " into broker shop\n");
    }

    @Test
    void withoutDataSendsNoBodyAndNoContentType() {
        api.on("POST", DEFAULT, json(202, ACCEPTED));

        CannedApi.run(api.env(home), "events", "send", "--type", "ping", "--source", "/cli");

        Received sent = api.last("POST", DEFAULT).orElseThrow();
        assertThat(sent.body()).isEmpty();
        assertThat(sent.header("Content-Type")).isEmpty();
        assertThat(sent.header("ce-subject")).isEmpty();
    }

    @Test
    void readsTheDataFromAFileOrStandardInputWithItsContentType() throws IOException {
        api.on("POST", DEFAULT, json(202, ACCEPTED));
        Path file = Files.writeString(home.resolve("order.json"), "{\"from\": \"file\"}");
        Env withStdin = new Env(api.env(home).vars(), home, false, InstantSource.fixed(CannedApi.NOW),
                new ByteArrayInputStream("plain words".getBytes(StandardCharsets.UTF_8)));

        CannedApi.run(api.env(home), "events", "send", "--type", "t", "--source", "/s", "-d", "@" + file);
        assertThat(api.last("POST", DEFAULT).orElseThrow().body()).asString().isEqualTo("{\"from\": \"file\"}");
        CannedApi.run(withStdin, "events", "send", "--type", "t", "--source", "/s", "-d", "-", "--content-type", "text/plain");
        Received sent = api.last("POST", DEFAULT).orElseThrow();
        assertThat(sent.body()).asString().isEqualTo("plain words");
        assertThat(sent.header("Content-Type")).isEqualTo("text/plain");
    }

    @Test
    void percentEncodesAttributeValuesAsTheHttpBindingSays() {
        api.on("POST", DEFAULT, json(202, ACCEPTED));

        CannedApi.run(api.env(home), "events", "send", "--type", "t", "--source", "/s", "--subject", "Café 50%",
                "--extension", "note=say \"hi\"");

        Received sent = api.last("POST", DEFAULT).orElseThrow();
        assertThat(sent.header("ce-subject")).isEqualTo("Caf%C3%A9%2050%25");
        assertThat(sent.header("ce-note")).isEqualTo("say%20%22hi%22");
    }

    @Test
    void dataThatIsNotJsonUnderTheJsonDefaultIsRefusedBeforeSending() {
        Run run = CannedApi.run(api.env(home), "events", "send", "--type", "t", "--source", "/s", "-d", "hello");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).startsWith("error: the event data is not JSON (")
                .endsWith("), but its content type is application/json\n"
                        + "hint: send JSON, e.g. -d '{\"order\": 7}', or name its type, e.g. --content-type text/plain\n");
        assertThat(api.received).isEmpty();
    }

    @Test
    void aBadEventIsTheServersErrorNamingTheAttribute() {
        api.on("POST", DEFAULT, json(400, """
                {"error": {"code": "event.invalid", "message": "the attribute 'source' is not a URI reference: 'a b'",
                  "hint": "use e.g. /shop/orders or https://example.com/orders"}}"""));

        Run run = CannedApi.run(api.env(home), "events", "send", "--type", "t", "--source", "a b");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("""
                error: the attribute 'source' is not a URI reference: 'a b'
                hint: use e.g. /shop/orders or https://example.com/orders
                """);
    }

    @Test
    void anUnknownBrokerIsTheServersError() {
        api.on("POST", "/v1/brokers/nope/events", json(404, """
                {"error": {"code": "broker.not_found", "message": "no broker named 'nope'",
                  "hint": "`nubo broker list` shows the brokers"}}"""));

        Run run = CannedApi.run(api.env(home), "events", "send", "--broker", "nope", "--type", "t", "--source", "/s");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("error: no broker named 'nope'\nhint: `nubo broker list` shows the brokers\n");
    }

    @Test
    void missingTypeOrSourceIsAUsageMistake() {
        Run run = CannedApi.run(api.env(home), "events", "send", "--source", "/s");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).startsWith("Missing required option: '--type=TYPE'\n");
        assertThat(api.received).isEmpty();
    }

    @Test
    void aTimeThatIsNotRfc3339IsAUsageMistake() {
        Run run = CannedApi.run(api.env(home), "events", "send", "--type", "t", "--source", "/s", "--time", "yesterday");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).startsWith("Invalid value for option '--time': 'yesterday' is not an RFC 3339 time; "
                + "write it like 2026-11-21T10:00:00Z or 2026-11-21T11:00:00+01:00\n");
    }

    @Test
    void anExtensionMustBeNameEqualsValueAndNotAnAttributeWithItsOwnOption() {
        Run malformed = CannedApi.run(api.env(home), "events", "send", "--type", "t", "--source", "/s",
                "--extension", "tenant");
        Run own = CannedApi.run(api.env(home), "events", "send", "--type", "t", "--source", "/s",
                "--extension", "subject=7");

        assertThat(malformed.exit()).isEqualTo(2);
        assertThat(malformed.err()).startsWith("Invalid value for option '--extension' (NAME=VALUE): 'tenant' is not an "
                + "extension; write it as NAME=VALUE, e.g. tenant=acme\n");
        assertThat(own.exit()).isEqualTo(2);
        assertThat(own.err()).startsWith("Invalid value for option '--extension' (NAME=VALUE): 'subject' is not an "
                + "extension; set it with --subject\n");
        assertThat(api.received).isEmpty();
    }
}
