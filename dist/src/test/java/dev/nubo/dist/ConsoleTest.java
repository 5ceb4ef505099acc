package dev.nubo.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Json;
import dev.nubo.testing.SampleApps;
import dev.nubo.testing.TestNubo;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web console in a real Chromium against the packaged server: one server and one browser for the
 * whole class, and the checks in the order a person would go (sign in, see a deploy, change a split,
 * follow logs, see the requests charted, replay a dead letter, open a workflow execution, read the usage,
 * sign in as a viewer). What the page claims is checked through
 * the API too. Screenshots of each page are kept in target/console-screenshots.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleTest {

    @TempDir
    static Path home;

    @TempDir
    static Path apps;

    static TestNubo nubo;
    static Browser browser;

    @BeforeAll
    static void start() {
        // The browser first: without Chromium the test fails at once, saying how to install it.
        browser = Browser.start(Path.of(System.getProperty("nubo.dist", "target")).resolve("console-screenshots"));
        nubo = TestNubo.start(home, 0);
        // An event for `shop` before it exists: its one attempt gets a 404, so it waits in the dead letters
        // until the replay step, when shop (deployed meanwhile) takes it.
        assertThat(nubo.nubo("trigger", "create", "orders", "--filter", "type=order.created", "--to", "shop/orders",
                "--attempts", "1").exitCode()).isZero();
        String event = "{\"specversion\":\"1.0\",\"id\":\"order-7\",\"source\":\"/console-test\",\"type\":\"order.created\","
                + "\"datacontenttype\":\"application/json\",\"data\":{\"order\":7}}";
        assertThat(nubo.api("POST", "/v1/brokers/default/events", nubo.server().adminToken(),
                HttpRequest.BodyPublishers.ofString(event), "application/cloudevents+json").statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> deadLetters().size() == 1);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (nubo != null) {
            nubo.close();
        }
    }

    @Test
    @Order(1)
    void signInRefusesAWrongTokenSayingWhereTheRightOneIs() {
        browser.run("await page.goto(" + js(nubo.server().apiUrl() + "/console") + ");");
        String refused = browser.run("""
                await page.getByLabel('Token').fill('not-the-token');
                await page.getByRole('button', {name: 'Sign in'}).click();
                return await page.getByRole('alert').innerText();
                """).asText();
        assertThat(refused).contains("That token was refused: the bearer token is not valid for this server",
                "$NUBO_HOME/admin.token", "`nubo token create NAME --role viewer`");
        browser.screenshot("sign-in-refused");

        // With the keyboard: the admin token, then Enter.
        String empty = browser.run("""
                await page.getByLabel('Token').fill(%s);
                await page.getByLabel('Token').press('Enter');
                return await page.getByText('No services yet').innerText();
                """.formatted(js(nubo.server().adminToken()))).asText();
        assertThat(empty).contains("nubo deploy DIR");
        JsonNode kept = browser.run("""
                return await page.evaluate(() => ({tab: sessionStorage.getItem('nubo.token'), kept: localStorage.length,
                    cookies: document.cookie}));
                """);
        assertThat(kept.path("tab").asText()).as("the token, for this tab only").isEqualTo(nubo.server().adminToken());
        assertThat(kept.path("kept").asInt()).isZero();
        assertThat(kept.path("cookies").asText()).isEmpty();
    }

    @Test
    @Order(2)
    void aServiceDeployedFromTheCliAppearsWithItsStateAndUrl() {
        deploy("v1");
        String row = browser.run("""
                const row = page.getByRole('row').filter({hasText: 'shop'});
                await row.getByText('ready', {exact: true}).waitFor();
                return await row.innerText();
                """).asText();
        assertThat(row).contains("shop-00001", nubo.server().serviceUrl("shop"));
        browser.screenshot("services");
    }

    @Test
    @Order(3)
    void aSplitChangesOnlyAfterConfirmationAndThenServesAsShown() throws Exception {
        deploy("v2");
        long before = traffic().path("version").asLong();
        browser.run("""
                await page.getByRole('link', {name: 'shop', exact: true}).click();
                await page.getByRole('heading', {name: 'shop', exact: true, level: 1}).waitFor();
                await page.getByLabel('shop-00002').waitFor();
                await page.getByLabel('latest').fill('50');
                await page.getByLabel('shop-00001').fill('50');
                await page.getByText('Total 100%').waitFor();
                await page.getByRole('button', {name: 'Apply split…'}).click();
                await page.getByRole('dialog').getByRole('button', {name: 'Cancel'}).click();
                await page.getByText('Nothing changed.').waitFor();
                """);
        assertThat(traffic().path("version").asLong()).as("cancelled: nothing sent").isEqualTo(before);

        String asked = browser.run("""
                await page.getByRole('button', {name: 'Apply split…'}).click();
                const dialog = page.getByRole('dialog');
                const text = await dialog.innerText();
                await dialog.getByRole('button', {name: 'Change traffic'}).click();
                await page.locator('#traffic-status').getByText('Traffic changed').waitFor();
                return text;
                """).asText();
        assertThat(asked).contains("Requests to shop will go 50% to latest, 50% to shop-00001");
        JsonNode splits = traffic().path("splits");
        assertThat(splits.toString()).isEqualTo(
                "[{\"revision\":\"latest\",\"percent\":50},{\"revision\":\"shop-00001\",\"percent\":50}]");
        String routes = browser.run("""
                const routes = page.getByRole('table', {name: 'Where requests go now'});
                await routes.getByRole('row').filter({hasText: 'shop-00001'}).filter({hasText: '50%'}).waitFor();
                return await routes.innerText();
                """).asText();
        assertThat(routes).contains("shop-00002\t50%", "shop-00001\t50%");
        browser.screenshot("service-traffic");
    }

    @Test
    @Order(4)
    void followingLogsShowsLinesTheServiceWritesAfterwards() {
        // The page marks the log as following once the server answered, and the server follows before it answers.
        browser.run("""
                await page.getByRole('button', {name: 'Follow'}).click();
                await page.locator('#logs[data-state="following"]').waitFor();
                """);
        assertThat(nubo.get("shop", "/seen-in-the-console").statusCode()).isEqualTo(200);
        String logs = browser.run("""
                await page.locator('#logs').getByText('served /seen-in-the-console').waitFor();
                return await page.locator('#logs').innerText();
                """).asText();
        assertThat(logs).contains("stdout", "served /seen-in-the-console");
        browser.screenshot("service-logs");
    }

    @Test
    @Order(5)
    void aServicesChartShowsTheRequestsItAnswers() {
        // The charts draw differences between reads: once one read is in, every later request shows.
        browser.run("await page.waitForFunction(() => Number(document.querySelector('#charts')?.dataset.reads) >= 1);");
        for (int i = 0; i < 5; i++) {
            assertThat(nubo.get("shop", "/charted").statusCode()).isEqualTo(200);
        }
        JsonNode charts = browser.run("""
                await page.waitForFunction(() => Number(document.querySelector('#charts').dataset.requests) >= 5);
                const requests = page.locator('figure[data-chart=requests]');
                return {
                  requests: await requests.locator('figcaption').innerText(),
                  lines: await requests.locator('polyline.c2xx').count(),
                  latency: await page.locator('figure[data-chart=latency] polyline.p50').count(),
                  instances: await page.locator('figure[data-chart=instances] figcaption').innerText(),
                };
                """);
        assertThat(charts.path("requests").asText()).startsWith("Requests/s 2xx").containsPattern("\\(([5-9]|\\d\\d+) in view\\)");
        assertThat(charts.path("lines").asInt()).as("a 2xx line").isEqualTo(1);
        assertThat(charts.path("latency").asInt()).as("a p50 line").isEqualTo(1);
        assertThat(charts.path("instances").asText()).containsPattern("Instances \\d+ ready of \\d+ desired");
        browser.screenshot("service-charts");
    }

    @Test
    @Order(6)
    void replayingADeadLetterDeliversItToTheTriggersTarget() throws Exception {
        long id = deadLetters().get(0).path("id").asLong();
        String status = browser.run("""
                await page.getByRole('link', {name: 'Events'}).click();
                await page.getByRole('row').filter({hasText: 'trigger:orders'}).waitFor();
                await page.getByRole('button', {name: 'Replay dead letter %d'}).click();
                await page.locator('#events-status').getByText('Replayed').waitFor();
                return await page.locator('#events-status').innerText();
                """.formatted(id)).asText();
        assertThat(status).isEqualTo("Replayed dead letter " + id + ": it is being delivered again.");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                Json.mapper().readTree(nubo.api("/v1/triggers/orders").body()).path("stats").path("delivered").asLong()).isEqualTo(1));
        assertThat(deadLetters()).isEmpty();
        browser.run("await page.getByText('No dead letters').waitFor();");
        browser.screenshot("events");
    }

    @Test
    @Order(7)
    void aWorkflowExecutionIsDrawnWithThePathItTook() throws Exception {
        String definition = """
                {"StartAt": "Check", "States": {
                  "Check": {"Type": "Pass", "Next": "Decide"},
                  "Decide": {"Type": "Choice", "Choices": [{"Variable": "$.express", "BooleanEquals": true, "Next": "Express"}],
                             "Default": "Standard"},
                  "Express": {"Type": "Pass", "End": true},
                  "Standard": {"Type": "Pass", "End": true}}}""";
        assertThat(nubo.api("PUT", "/v1/workflows/shipping", nubo.server().adminToken(), HttpRequest.BodyPublishers.ofString(
                "{\"definition\": " + definition + "}"), "application/json").statusCode()).isEqualTo(201);
        assertThat(Json.mapper().readTree(nubo.api("POST", "/v1/workflows/shipping/executions?wait=60", nubo.server().adminToken(),
                HttpRequest.BodyPublishers.ofString("{\"name\": \"order-7\", \"input\": {\"express\": true}}"), "application/json")
                .body()).path("status").asText()).isEqualTo("SUCCEEDED");

        JsonNode drawn = browser.run("""
                await page.getByRole('link', {name: 'Workflows'}).click();
                await page.getByRole('link', {name: 'shipping', exact: true}).click();
                await page.getByRole('link', {name: 'order-7', exact: true}).click();
                await page.locator('#execution-status').getByText('SUCCEEDED').waitFor();
                const svg = page.getByRole('img', {name: /State machine/});
                return {
                  visited: await svg.locator('g.state.visited').evaluateAll(gs => gs.map(g => g.dataset.state)),
                  states: await svg.locator('g.state').evaluateAll(gs => gs.map(g => g.dataset.state)),
                  taken: await svg.locator('path.edge.taken').evaluateAll(ps => ps.map(p => p.dataset.from + '>' + p.dataset.to)),
                  described: await svg.locator('desc').textContent(),
                  history: await page.getByRole('table', {name: 'History, oldest first'}).innerText(),
                };
                """);
        assertThat(drawn.path("states")).extracting(JsonNode::asText).containsExactlyInAnyOrder("Check", "Decide", "Express", "Standard");
        assertThat(drawn.path("visited")).extracting(JsonNode::asText).containsExactlyInAnyOrder("Check", "Decide", "Express");
        assertThat(drawn.path("taken")).extracting(JsonNode::asText).containsExactlyInAnyOrder("Check>Decide", "Decide>Express");
        assertThat(drawn.path("described").asText()).isEqualTo("Path taken: Check → Decide → Express");
        assertThat(drawn.path("history").asText()).contains("ExecutionStarted", "StateEntered", "ExecutionSucceeded");
        browser.screenshot("workflow-execution");
    }

    @Test
    @Order(8)
    void theUsagePageListsWhatEachServiceUsedWithTotals() {
        // GET /v1/usage samples before it answers, so the requests above are in; the page reads again every 15 s.
        JsonNode usage = browser.run("""
                await page.getByRole('link', {name: 'Usage'}).click();
                const row = page.locator('#usage tbody tr').filter({has: page.getByRole('rowheader', {name: 'shop', exact: true})});
                await page.waitForFunction(() => [...document.querySelectorAll('#usage tbody tr')]
                    .some(r => r.cells[0].textContent === 'shop' && Number(r.cells[1].textContent) > 0));
                return {row: await row.innerText(), headers: await page.locator('#usage thead').textContent(),
                        total: await page.locator('#usage tfoot').innerText()};
                """);
        assertThat(usage.path("headers").asText()).contains("Invocations", "GB-seconds", "Active GB-seconds", "CPU-seconds",
                "Bytes in", "Bytes out");
        assertThat(usage.path("row").asText()).startsWith("shop\t");
        assertThat(usage.path("total").asText()).startsWith("Total\t");
        browser.screenshot("usage");
    }

    @Test
    @Order(9)
    void aViewerSignsInSeesServicesAndIsToldWhatItMayNotChange() throws Exception {
        var created = nubo.api("POST", "/v1/tokens", nubo.server().adminToken(),
                HttpRequest.BodyPublishers.ofString("{\"name\": \"looker\", \"role\": \"viewer\"}"), "application/json");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String viewer = Json.mapper().readTree(created.body()).path("token").asText();
        long before = traffic().path("version").asLong();
        String refused = browser.run("""
                await page.getByRole('button', {name: 'Sign out'}).click();
                await page.getByLabel('Token').fill(%s);
                await page.getByRole('button', {name: 'Sign in'}).click();
                await page.getByRole('link', {name: 'Services'}).click();
                await page.getByRole('row').filter({hasText: 'shop'}).getByText('ready', {exact: true}).waitFor();
                await page.getByRole('link', {name: 'shop', exact: true}).click();
                await page.getByRole('button', {name: 'Apply split…'}).click();
                await page.getByRole('dialog').getByRole('button', {name: 'Change traffic'}).click();
                return await page.locator('#traffic-status').getByRole('alert').innerText();
                """.formatted(js(viewer))).asText();
        assertThat(refused).contains("token looker (role viewer) may not PUT /v1/services/:name/traffic: that needs the write permission");
        assertThat(browser.run("await page.locator('#who').filter({hasText: '('}).waitFor(); return await page.locator('#who').innerText();").asText())
                .as("the bar says who is signed in, and as what").isEqualTo("looker (viewer)");
        assertThat(traffic().path("version").asLong()).as("refused: nothing changed").isEqualTo(before);
        browser.screenshot("viewer-refused");
        // Uncaught errors and console errors of the pages, except the browser's own note on each 401 of the
        // sign-in step and on the viewer's 403 just now.
        assertThat(browser.run("return problems.filter(p => !p.includes('status of 401') && !p.includes('status of 403'));"))
                .as("errors in the console's pages").isEmpty();
    }

    private static void deploy(String version) {
        Path dir = TestNubo.app(apps, "shop-" + version, SampleApps.echoYaml("shop", ""), Map.of("app.py", SampleApps.echo(version)));
        TestNubo.CliResult deployed = nubo.nubo("deploy", dir.toString());
        assertThat(deployed.exitCode()).as(deployed.toString()).isZero();
    }

    private static JsonNode traffic() throws Exception {
        return Json.mapper().readTree(nubo.api("/v1/services/shop/traffic").body());
    }

    private static List<JsonNode> deadLetters() throws Exception {
        List<JsonNode> letters = new java.util.ArrayList<>();
        Json.mapper().readTree(nubo.api("/v1/dead-letters?trigger=orders").body()).path("deadLetters").forEach(letters::add);
        return letters;
    }

    /** A Java string as a JavaScript string literal. */
    private static String js(String s) {
        return Json.mapper().valueToTree(s).toString();
    }
}
