package dev.nubo.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nubo.store.StoreLocation;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ServerCommandTest {

    private static ServerCommand parse(String... args) {
        ServerCommand command = new ServerCommand(Map.of("NUBO_HOME", "/tmp/nubo-test-home"));
        new CommandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void bindsTheGatewayToLoopbackUnlessToldOtherwise() {
        assertThat(parse().config().httpHost()).isEqualTo("127.0.0.1");
        assertThat(parse("--http-host", "0.0.0.0").config().httpHost()).isEqualTo("0.0.0.0");
    }

    @Test
    void everyFlagLandsInItsSettingAndTheRestKeepTheirDefaults() {
        ServerConfig config = parse("--home", "/srv/nubo", "--api-host", "0.0.0.0", "--api-port", "9001",
                "--upload-limit", "1Gi", "--code-limit", "2Gi", "--pool-size", "3", "--runtime-cache", "/srv/cache").config();

        assertThat(config.home()).isEqualTo(Path.of("/srv/nubo"));
        assertThat(config.apiHost()).isEqualTo("0.0.0.0");
        assertThat(config.apiPort()).isEqualTo(9001);
        assertThat(config.uploadLimit()).isEqualTo(1L << 30);
        assertThat(config.codeLimit()).isEqualTo(2L << 30);
        assertThat(config.poolSize()).isEqualTo(3);
        assertThat(config.runtimeCache()).isEqualTo(Path.of("/srv/cache"));
        assertThat(config.terminationGrace()).isEqualTo(ServerConfig.defaults(Path.of("/srv/nubo")).terminationGrace());
        assertThat(parse().config()).isEqualTo(ServerConfig.defaults(Path.of("/tmp/nubo-test-home")));
    }

    @Test
    void passesTheGatewaysTimeoutsAndConnectionCapThrough() {
        ServerConfig config = parse("--http-header-timeout", "2s", "--http-send-timeout", "500ms",
                "--http-max-connections", "100").config();

        assertThat(config.gateway().headerTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.gateway().sendTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.gateway().maxConnections()).isEqualTo(100);
        assertThat(parse().config().gateway().maxConnections()).as("derived from the descriptor limit").isGreaterThan(1);
    }

    @Test
    void sandboxesInstancesUnlessToldOff() {
        assertThat(parse().config().sandbox()).isTrue();
        assertThat(parse("--sandbox", "off").config().sandbox()).isFalse();
        assertThatThrownBy(() -> parse("--sandbox", "no")).hasMessageContaining("--sandbox must be on or off (got 'no')");
    }

    @Test
    void anHttpsRedirectNeedsTls() {
        assertThatThrownBy(() -> parse("--https-redirect").config())
                .hasMessage("--https-redirect needs --tls-cert and --tls-key: there is no HTTPS to redirect to without them");
    }

    @Test
    void namesTheFlagThatIsOutOfRange() {
        assertThatThrownBy(() -> parse("--http-max-connections", "0").config())
                .hasMessage("--http-max-connections must be 1 or more (got 0)");
        assertThatThrownBy(() -> parse("--http-header-timeout", "0s").config())
                .hasMessage("--http-header-timeout must be a duration such as 10s or 500ms (got '0s')");
        assertThatThrownBy(() -> parse("--http-send-timeout", "soon").config())
                .hasMessage("--http-send-timeout must be a duration such as 10s or 500ms (got 'soon')");
        assertThatThrownBy(() -> parse("--alert-every", "50ms").config())
                .hasMessage("--alert-every must be a duration of 100ms or more, such as 15s (got '50ms')");
        assertThatThrownBy(() -> parse("--otlp-endpoint", "localhost:4318").config())
                .hasMessage("--otlp-endpoint must be an http or https URL such as http://127.0.0.1:4318 (got 'localhost:4318')");
        assertThatThrownBy(() -> parse("--log-retention", "a week").config())
                .hasMessage("--log-retention must be off or an age of 1m or more, such as 7d or 24h (got 'a week')");
    }

    @Test
    void evaluatesAlertRulesEveryFifteenSecondsUnlessTold() {
        assertThat(parse().config().metrics().alertEvery()).isEqualTo(Duration.ofSeconds(15));
        assertThat(parse("--alert-every", "1s").config().metrics()).isEqualTo(new Observability(true, Duration.ofSeconds(1)));
        assertThat(parse("--alert-every", "1s", "--metrics", "off").config().metrics()).isEqualTo(new Observability(false, Duration.ofSeconds(1)));
        assertThat(parse("--log-retention", "30d").config().metrics().logRetention()).isEqualTo(Duration.ofDays(30));
        assertThat(parse("--log-retention", "off").config().metrics().logRetention()).isZero();
        assertThat(parse().config().metrics().logRetention()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void exportsTracesOnlyToAnOtlpEndpointItIsGiven() {
        assertThat(parse().config().metrics().otlp()).isEmpty();
        assertThat(parse("--otlp-endpoint", "http://127.0.0.1:4318").config().metrics().otlp())
                .contains(java.net.URI.create("http://127.0.0.1:4318"));
        assertThat(parse("--otlp-endpoint", "http://127.0.0.1:4318", "--alert-every", "1s", "--metrics", "off").config().metrics().otlp())
                .as("kept by the other observability flags").contains(java.net.URI.create("http://127.0.0.1:4318"));
        assertThat(parse().config().metrics().otlpSample()).isEqualTo(1.0);
        assertThat(parse("--otlp-sample", "0.1", "--alert-every", "1s", "--log-retention", "30d").config().metrics().otlpSample())
                .as("kept by the other observability flags").isEqualTo(0.1);
        assertThatThrownBy(() -> parse("--otlp-sample", "2").config())
                .hasMessage("--otlp-sample must be above 0 and at most 1, such as 0.1 for one trace in ten (got 2.0)");
    }

    @Test
    void keepsTheAuditLogNinetyDaysUnlessTold() {
        assertThat(parse().config().auditRetention()).isEqualTo(Duration.ofDays(90));
        assertThat(parse("--audit-retention", "30d").config().auditRetention()).isEqualTo(Duration.ofDays(30));
        assertThat(parse("--audit-retention", "12h").config().auditRetention()).isEqualTo(Duration.ofHours(12));
        assertThatThrownBy(() -> parse("--audit-retention", "0d").config())
                .hasMessage("--audit-retention must be a positive duration such as 90d, 2160h (got '0d')");
        assertThatThrownBy(() -> parse("--audit-retention", "forever").config())
                .hasMessage("--audit-retention must be a positive duration such as 90d, 2160h (got 'forever')");
    }

    @Test
    void takesAClustersMasterKeyFromTheEnvironmentAndNeverPrintsIt() {
        assertThat(parse().config().masterKey()).as("one node: NUBO_HOME/master.key").isEmpty();
        String key = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        ServerCommand command = new ServerCommand(Map.of("NUBO_HOME", "/tmp/nubo-test-home", "NUBO_MASTER_KEY", key));
        new CommandLine(command).parseArgs();
        ServerConfig config = command.config();

        assertThat(config.masterKey()).isPresent();
        assertThat(config.toString()).contains("MasterKey[hidden]").doesNotContain(key);
        ServerCommand wrong = new ServerCommand(Map.of("NUBO_HOME", "/tmp/nubo-test-home", "NUBO_MASTER_KEY", "c2hvcnQ="));
        new CommandLine(wrong).parseArgs();
        assertThatThrownBy(wrong::config).hasMessage("NUBO_MASTER_KEY must hold a 32-byte key in base64"
                + " (make one with `head -c 32 /dev/urandom | base64`)");
    }

    @Test
    void keepsTheStateInSqliteInTheHomeUnlessToldAPostgresqlUrl() {
        assertThat(parse().config().store()).isEqualTo(StoreLocation.sqlite(Path.of("/tmp/nubo-test-home/nubo.db")));

        ServerCommand command = new ServerCommand(Map.of("NUBO_HOME", "/tmp/nubo-test-home", "PGPASSWORD", "from-env"));
        new CommandLine(command).parseArgs("--store", "postgresql://nubo@db.internal:6432/state");
        StoreLocation.PostgresUrl url = (StoreLocation.PostgresUrl) command.config().store();

        assertThat(url).hasToString("postgresql://nubo@db.internal:6432/state");
        assertThat(url.password()).contains("from-env");
    }

    @Test
    void aStoreThatIsNotAPostgresqlUrlIsAUsageErrorThatHidesThePassword() {
        assertThatThrownBy(() -> parse("--store", "mysql://root:hunter2@db/nubo").config())
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageStartingWith("--store 'mysql://root:***@db/nubo' is not a PostgreSQL URL: Nubo stores in SQLite (the default:"
                        + " NUBO_HOME/nubo.db, without --store) or in PostgreSQL");
    }

    @Test
    void aStoreOutOfReachStopsTheStartWithWhatToCheckAndNoStackTrace(@TempDir Path home) throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new ServerCommand(Map.of()));
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute("--home", home.toString(), "--http-port", "0", "--api-port", "0",
                "--store", "postgresql://nubo:s3cret@127.0.0.1:" + port + "/nubo");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).startsWith("error: cannot reach the store at postgresql://nubo@127.0.0.1:" + port + "/nubo: ")
                .contains("\nhint: check that PostgreSQL runs there and accepts connections from this machine (pg_isready -h 127.0.0.1 -p "
                        + port + "), or leave out --store to keep the state in SQLite in NUBO_HOME\n")
                .doesNotContain("s3cret").doesNotContain("\tat ");
        assertThat(home.resolve("nubo.db")).as("no SQLite file made instead").doesNotExist();
    }

    @Test
    void theBannerSaysWhenTheGatewayListensOnAllInterfaces() {
        assertThat(ServerCommand.bound("http://127.0.0.1:8080", "127.0.0.1")).isEqualTo("http://127.0.0.1:8080");
        assertThat(ServerCommand.bound("http://192.168.1.5:8080", "192.168.1.5")).isEqualTo("http://192.168.1.5:8080");
        assertThat(ServerCommand.bound("http://127.0.0.1:8080", "0.0.0.0")).isEqualTo("http://127.0.0.1:8080 (all interfaces: 0.0.0.0)");
        assertThat(ServerCommand.bound("http://127.0.0.1:8080", "::")).isEqualTo("http://127.0.0.1:8080 (all interfaces: ::)");
    }
}
