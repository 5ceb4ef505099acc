package dev.nubo.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.nubo.model.UserError;
import dev.nubo.store.ConfigVersion;
import dev.nubo.store.Store;
import dev.nubo.store.StoreLocation;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigCenterTest {

    private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-12-03T12:00:00Z"));

    @TempDir
    Path dir;

    private Store store;
    private ConfigCenter config;
    private List<RunningInstances.Running> running = List.of();

    @BeforeEach
    void open() {
        store = Store.open(StoreLocation.sqlite(dir.resolve("nubo.db")));
        config = new ConfigCenter(store.config(), service -> running, "secret".getBytes(), CLOCK);
    }

    @AfterEach
    void close() {
        config.close();
        store.close();
    }

    @Test
    void keepsEveryVersionAndRollsBackToAnyAsANewOne() {
        config.set("orders", "default", Map.of("greeting", "hello"), List.of());
        config.set("orders", "prod", Map.of("greeting", "hello from prod"), List.of());
        config.set("orders", "default", Map.of(), List.of("greeting"));

        ConfigVersion back = config.rollback("orders", 2);

        assertThat(back.version()).isEqualTo(4);
        assertThat(back.profiles()).isEqualTo(Map.of("default", Map.of("greeting", "hello"), "prod", Map.of("greeting", "hello from prod")));
        assertThat(config.history("orders")).extracting(ConfigVersion::change).containsExactly("rollback to version 2",
                "unset greeting", "set greeting (profile prod)", "set greeting");
        assertThat(config.resolved("orders", "prod", Optional.empty())).isEqualTo(Map.of("greeting", "hello from prod"));
    }

    @Test
    void importsAFileAsOneVersion() {
        ConfigVersion v = config.importFile("orders", "default", "application.yml", "greeting:\n  text: hi\npool: 4\n");

        assertThat(v.version()).isEqualTo(1);
        assertThat(v.change()).isEqualTo("import application.yml (2 keys)");
        assertThat(v.profile("default")).isEqualTo(Map.of("greeting.text", "hi", "pool", "4"));
    }

    @Test
    void mistakesAreRefusedNamingWhatIsWrong() {
        config.set("orders", "default", Map.of("a", "1"), List.of());

        assertThatThrownBy(() -> config.latest("nobody")).isInstanceOfSatisfying(UserError.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(404);
            assertThat(e.hint()).isEqualTo("set some with: nubo config set nobody KEY=VALUE");
        }).hasMessage("no configuration for application nobody");
        assertThatThrownBy(() -> config.rollback("orders", 7)).hasMessage("orders has no configuration version 7")
                .isInstanceOfSatisfying(UserError.class, e -> assertThat(e.hint()).isEqualTo("its versions are 1 to 1: see nubo config history orders"));
        assertThatThrownBy(() -> config.set("orders", "default", Map.of("two words", "x"), List.of()))
                .hasMessage("\"two words\" is not a valid key");
        assertThatThrownBy(() -> config.set("orders/x", "default", Map.of("a", "x"), List.of()))
                .hasMessage("\"orders/x\" is not a valid application name");
    }

    @Test
    void aChangeIsPushedToEveryRunningInstanceWhichThenFetchesIt() throws Exception {
        // A stand-in for a Spring app's actuator: on POST /actuator/refresh it reads its configuration again, as Spring does.
        HttpServer app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        app.createContext("/actuator/refresh", exchange -> {
            config.environment("orders", "default", Optional.empty(), Optional.of("orders-00001-abcde"));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        app.start();
        try {
            running = List.of(new RunningInstances.Running("orders-00001-abcde", "127.0.0.1", app.getAddress().getPort()),
                    new RunningInstances.Running("orders-00001-fghij", "127.0.0.1", 1));

            config.set("orders", "default", Map.of("greeting", "hi"), List.of());

            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> config.status("orders").stream()
                    .allMatch(s -> s.push().filter(p -> !p.outcome().equals(Refresh.PUSHING)).isPresent()));
            List<ConfigCenter.InstanceStatus> status = config.status("orders");
            assertThat(status.get(0).fetched()).map(ConfigCenter.Fetched::version).contains(1);
            assertThat(status.get(0).push()).map(ConfigCenter.Pushed::outcome).contains("refreshed");
            assertThat(status.get(1).fetched()).isEmpty();
            assertThat(status.get(1).push().orElseThrow().outcome()).startsWith("not refreshed: ConnectException");
        } finally {
            app.stop(0);
        }
    }

    @Test
    void aQuietChangeIsNotPushed() {
        running = List.of(new RunningInstances.Running("orders-00001-abcde", "127.0.0.1", 1));

        ConfigVersion quiet = config.setQuietly("orders", "default", Map.of("greeting", "hi"), List.of());

        assertThat(quiet.version()).isEqualTo(1);
        assertThat(config.status("orders")).singleElement().satisfies(s -> assertThat(s.push()).isEmpty());

        config.set("orders", "default", Map.of("greeting", "hello"), List.of());

        assertThat(config.status("orders")).singleElement().satisfies(s -> assertThat(s.push()).map(ConfigCenter.Pushed::version).contains(2));
    }

    @Test
    void anInstanceThatFetchedAnOlderVersionIsSentTheNewestWhenCatchingUp() {
        config.set("orders", "default", Map.of("greeting", "hi"), List.of());
        config.environment("orders", "default", Optional.empty(), Optional.of("orders-00001-abcde")); // while it starts
        config.set("orders", "default", Map.of("greeting", "hello"), List.of());                    // pushed to none: not ready yet
        running = List.of(new RunningInstances.Running("orders-00001-abcde", "127.0.0.1", 1),
                new RunningInstances.Running("orders-00001-fghij", "127.0.0.1", 1));               // ready now; fghij never fetched

        config.catchUp();

        assertThat(config.status("orders")).extracting(s -> s.push().map(ConfigCenter.Pushed::version))
                .containsExactly(Optional.of(2), Optional.empty());
    }

    @Test
    void aSecretReferenceIsResolvedOnlyForTheInstancesThatMayReadIt() {
        ConfigCenter withSecrets = new ConfigCenter(store.config(), s -> List.of(), "secret".getBytes(), CLOCK,
                (name, key) -> name.equals("db") && key.equals("password") ? Optional.of("s3cret") : Optional.empty());
        withSecrets.set("orders", "default", Map.of("db.password", "{secret: db/password}", "api.key", "{secret: db/missing}"), List.of());
        withSecrets.set("application", "default", Map.of("shared.password", "{secret:db/password}"), List.of());

        assertThat(withSecrets.resolved("orders", "default", Optional.of("orders-00001-abcde")))
                .isEqualTo(Map.of("db.password", "s3cret", "api.key", "{secret: db/missing}", "shared.password", "s3cret"));
        assertThat(withSecrets.resolved("orders", "default", Optional.of("billing-00002-fghij"))).as("another service's instance")
                .isEqualTo(Map.of("db.password", "{secret: db/password}", "api.key", "{secret: db/missing}", "shared.password", "s3cret"));
        assertThat(withSecrets.resolved("orders", "default", Optional.empty())).as("not an instance: the references only")
                .containsEntry("db.password", "{secret: db/password}").containsEntry("shared.password", "{secret:db/password}");
        assertThat(withSecrets.latest("orders").profile("default")).containsEntry("db.password", "{secret: db/password}");
        withSecrets.close();
    }

    @Test
    void aChangeOfTheSharedApplicationIsPushedToEveryInstanceThatReadsConfiguration() {
        config.set("orders", "default", Map.of("greeting", "hi"), List.of());
        List<RunningInstances.Running> orders = List.of(new RunningInstances.Running("orders-00001-abcde", "127.0.0.1", 1));
        List<RunningInstances.Running> billing = List.of(new RunningInstances.Running("billing-00001-fghij", "127.0.0.1", 1));
        ConfigCenter both = new ConfigCenter(store.config(), s -> s.equals("orders") ? orders : s.equals("billing") ? billing : List.of(),
                "secret".getBytes(), CLOCK);
        both.environment("orders", "default", Optional.empty(), Optional.of("orders-00001-abcde"));
        both.environment("billing", "default", Optional.empty(), Optional.of("billing-00001-fghij"));

        both.set("application", "default", Map.of("timeout", "5s"), List.of());

        assertThat(both.status("orders")).singleElement().satisfies(s -> assertThat(s.push()).map(ConfigCenter.Pushed::version).contains(1));
        assertThat(both.status("billing")).singleElement().satisfies(s -> assertThat(s.push()).map(ConfigCenter.Pushed::version).contains(0));
        both.close();
    }

    @Test
    void aWatcherHearsEachNewVersionOfItsAppAndOfTheSharedApplication() {
        List<String> heard = new java.util.ArrayList<>();
        Runnable stop = config.watch("orders", v -> heard.add(v.app() + "@" + v.version()));

        config.set("orders", "default", Map.of("greeting", "hi"), List.of());
        config.set("billing", "default", Map.of("greeting", "hi"), List.of());
        config.set("application", "default", Map.of("timeout", "5s"), List.of());
        config.setQuietly("orders", "default", Map.of("greeting", "hello"), List.of());   // rolled out instead: not pushed
        stop.run();
        config.set("orders", "default", Map.of("greeting", "bye"), List.of());

        assertThat(heard).containsExactly("orders@1", "application@1");
    }

    @Test
    void anInstancesCredentialIsItsOwn() {
        String credential = config.credential("orders-00001-abcde");

        assertThat(config.verify("orders-00001-abcde", credential)).isTrue();
        assertThat(config.verify("orders-00001-fghij", credential)).isFalse();
        assertThat(new ConfigCenter(store.config(), s -> List.of(), "other".getBytes(), CLOCK).verify("orders-00001-abcde", credential)).isFalse();
    }
}
