package dev.nubo.server;

import dev.nubo.gateway.GatewayConfig;
import dev.nubo.gateway.GatewayTls;
import dev.nubo.model.NuboException;
import dev.nubo.model.Quantities;
import dev.nubo.store.StoreLocation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code nubo server}: runs Nubo in the foreground until Ctrl-C or SIGTERM. */
@Command(name = "server", description = "Start Nubo: the gateway, the control API and every deployed service.",
        mixinStandardHelpOptions = true)
public final class ServerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--home", description = "State directory (default: $NUBO_HOME, else ~/.nubo).")
    Path home;

    @Option(names = "--http-port", description = "Gateway port; 0 picks a free one (default: ${DEFAULT-VALUE}).",
            defaultValue = "" + ServerConfig.DEFAULT_HTTP_PORT)
    int httpPort;

    @Option(names = "--api-port", description = "Control API port; 0 picks a free one (default: ${DEFAULT-VALUE}).",
            defaultValue = "" + ServerConfig.DEFAULT_API_PORT)
    int apiPort;

    @Option(names = "--http-host", description = "Gateway bind address; 0.0.0.0 or :: for all interfaces"
            + " (default: ${DEFAULT-VALUE}, this machine only, like the API).", defaultValue = "127.0.0.1")
    String httpHost;

    @Option(names = "--http-max-connections", description = "Most callers' connections the gateway holds open at once;"
            + " more are closed as they come, keeping file descriptors for the API, instances and logs"
            + " (default: from the process's file descriptor limit; 7952 for ulimit -n 20000).")
    Integer httpMaxConnections;

    @Option(names = "--http-header-timeout", description = "A request head must arrive whole within this of the connection"
            + " or of the previous response, else the connection closes; also how long an idle keep-alive connection stays"
            + " (default: ${DEFAULT-VALUE}).", defaultValue = "10s")
    String httpHeaderTimeout;

    @Option(names = "--http-send-timeout", description = "A caller that takes no byte of its answer for this long is cut"
            + " (default: ${DEFAULT-VALUE}).", defaultValue = "30s")
    String httpSendTimeout;

    @Option(names = "--http-max-connections-per-client", description = "Most connections the gateway holds open from one IP address;"
            + " more from it are closed as they come (default: half of --http-max-connections' default).")
    Integer httpMaxConnectionsPerClient;

    @Option(names = "--websocket-idle-timeout", description = "A WebSocket (any switched connection) that carries nothing"
            + " either way for this long is closed (default: ${DEFAULT-VALUE}).", defaultValue = "10m")
    String websocketIdleTimeout;

    @Option(names = "--tls-cert", description = "PEM certificate chain: the gateway also serves HTTPS (HTTP/2 by ALPN) on --https-port.")
    Path tlsCert;

    @Option(names = "--tls-key", description = "PEM private key (PKCS#8) of --tls-cert.")
    Path tlsKey;

    @Option(names = "--https-port", description = "Gateway HTTPS port with --tls-cert; 0 picks a free one (default: ${DEFAULT-VALUE}).",
            defaultValue = "8443")
    int httpsPort;

    @Option(names = "--https-redirect", description = "With --tls-cert: answer plain-HTTP requests 308 to the same URL over HTTPS.")
    boolean httpsRedirect;

    @Option(names = "--api-host", description = "Control API bind address (default: ${DEFAULT-VALUE}).", defaultValue = "127.0.0.1")
    String apiHost;

    @Option(names = "--domain", description = "Services answer at NAME.<domain> (default: ${DEFAULT-VALUE}).", defaultValue = "localhost")
    String domain;

    @Option(names = "--upload-limit", description = "Largest deploy archive, e.g. 512Mi (default: ${DEFAULT-VALUE}).", defaultValue = "512Mi")
    String uploadLimit;

    @Option(names = "--code-limit", description = "Most a deploy's archive may unpack to, e.g. 2Gi (default: ${DEFAULT-VALUE}).",
            defaultValue = "1Gi")
    String codeLimit;

    @Option(names = "--pool-size", description = "Idle prewarmed processes kept per function runtime (Java, Node, Python)"
            + " and memory size, so that a cold start only loads the function; 0 turns the pools off (default: ${DEFAULT-VALUE}).",
            defaultValue = "" + ServerConfig.DEFAULT_POOL_SIZE)
    int poolSize;

    @Option(names = "--metrics", paramLabel = "on|off", defaultValue = "on", description = "Whether the gateway measures every"
            + " request for GET /metrics and `nubo usage` (default: ${DEFAULT-VALUE}); off leaves the control plane's gauges and the JVM's.")
    Switch metrics;

    @Option(names = "--alert-every", paramLabel = "DURATION", defaultValue = "15s", description = "How often alert rules are evaluated;"
            + " their figures cover the stretch since the previous evaluation (default: ${DEFAULT-VALUE}).")
    String alertEvery;

    @Option(names = "--otlp-endpoint", paramLabel = "URL", description = "Export traces over OTLP/HTTP (protobuf) to the collector"
            + " at this base URL, such as http://127.0.0.1:4318 (spans go to its /v1/traces); without it traces are only kept in memory"
            + " for `nubo trace`.")
    java.net.URI otlpEndpoint;

    @Option(names = "--otlp-sample", paramLabel = "RATIO", defaultValue = "1", description = "The share of traces exported over"
            + " OTLP, chosen by trace id as OpenTelemetry's TraceIdRatioBased sampler does (0.1: one in ten); `nubo trace` keeps"
            + " them all (default: ${DEFAULT-VALUE}).")
    double otlpSample;
    @Option(names = "--audit-retention", paramLabel = "DURATION", defaultValue = "90d", description = "How long entries of the"
            + " audit log are kept, e.g. 30d or 2160h; older ones are deleted at start and every hour (default: ${DEFAULT-VALUE}).")
    String auditRetention;
    @Option(names = "--registry-refresh", paramLabel = "DURATION", defaultValue = "5s", description = "How often the Spring Cloud"
            + " apps Nubo runs fetch the registry, and how long their load balancer caches it (set in their environment); an"
            + " instance Nubo stops serves on for three times this after the last fetch that listed it (default: ${DEFAULT-VALUE}).")
    String registryRefresh;
    @Option(names = "--log-retention", paramLabel = "AGE", defaultValue = "7d", description = "Delete instance and access logs"
            + " whose newest line is older than this (7d, 24h, 90m; off keeps them until the size limits drop them; default: ${DEFAULT-VALUE}).")
    String logRetention;

    enum Switch { on, off }

    @Option(names = "--runtime-cache", description = "Where the runtime shims and the Java host's class-data archive are kept;"
            + " servers of the same Nubo build may share one (default: HOME/cache).")
    Path runtimeCache;

    @Option(names = "--sandbox", paramLabel = "on|off", description = "Run every instance in a sandbox: its own user, a"
            + " read-only system, nothing of HOME (needs bubblewrap and user namespaces); off runs instances as the"
            + " server's user, for machines without them (default: ${DEFAULT-VALUE}).", defaultValue = "on")
    void sandbox(String value) {
        if (!value.equals("on") && !value.equals("off")) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--sandbox must be on or off (got '" + value + "')");
        }
        this.sandbox = value;
    }

    private String sandbox = "on";

    @Option(names = "--store", paramLabel = "URL", description = "Keep services, revisions and traffic in PostgreSQL, which"
            + " several nodes can share: postgresql://USER@HOST:PORT/DB (a password in the URL or in PGPASSWORD)"
            + " (default: SQLite in HOME/nubo.db).")
    String store;

    private final java.util.Map<String, String> env;

    /** @param env the process environment, read once at the entry point */
    public ServerCommand(java.util.Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        ServerConfig config = config();
        NuboServer server;
        try {
            server = NuboServer.start(config);
        } catch (NuboException e) {
            // What stops a start (a home in use, a store out of reach) says what to do; a stack trace would bury that.
            PrintWriter err = spec.commandLine().getErr();
            err.println("error: " + e.getMessage());
            if (!e.hint().isEmpty()) {
                err.println("hint: " + e.hint());
            }
            err.flush();
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        PrintWriter out = spec.commandLine().getOut();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("Stopping Nubo: instances get SIGTERM, then SIGKILL after " + config.terminationGrace().toSeconds() + " s");
            out.flush();
            server.close();
            out.println("Nubo stopped");
            out.flush();
            stopped.countDown();
        }, "nubo-shutdown"));
        out.printf("""
                Nubo %s is running
                  gateway  %s   services answer at %s
                  API      %s   token in %s
                  home     %s
                  store    %s
                Deploy an example:  bin/nubo deploy examples/hello-java
                Stop with Ctrl-C.
                """, Version.current(), bound(server.gatewayUrl(), httpHost), server.serviceUrl("NAME"), bound(server.apiUrl(), apiHost),
                server.home().resolve("admin.token"), server.home(), config.store());
        server.secureGatewayUrl().ifPresent(https -> out.printf("  https    %s   (TLS with %s)%n", bound(https, httpHost), tlsCert));
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** The server's settings from the flags and the environment; a flag out of range is a usage error naming it. */
    ServerConfig config() {
        Path dir = home != null ? home
                : env.containsKey("NUBO_HOME") ? Path.of(env.get("NUBO_HOME"))
                : Path.of(System.getProperty("user.home"), ".nubo");
        long limit = Quantities.bytes(uploadLimit).orElseThrow(() -> new picocli.CommandLine.ParameterException(
                spec.commandLine(), "--upload-limit must be a size such as 512Mi (got '" + uploadLimit + "')"));
        long code = Quantities.bytes(codeLimit).filter(b -> b > 0).orElseThrow(() -> new picocli.CommandLine.ParameterException(
                spec.commandLine(), "--code-limit must be a size such as 1Gi (got '" + codeLimit + "')"));
        ServerConfig base = ServerConfig.defaults(dir);
        if (poolSize < 0 || poolSize > 64) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--pool-size must be from 0 (no pools) to 64 (got " + poolSize + ")");
        }
        GatewayConfig gateway = base.gateway().withHost(httpHost).withPort(httpPort).withDomain(domain)
                .withHeaderTimeout(positive("--http-header-timeout", httpHeaderTimeout))
                .withSendTimeout(positive("--http-send-timeout", httpSendTimeout))
                .withTunnelIdleTimeout(positive("--websocket-idle-timeout", websocketIdleTimeout));
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--tls-cert and --tls-key go together: pass the certificate chain and its private key (got only "
                            + (tlsCert == null ? "--tls-key" : "--tls-cert") + ")");
        }
        if (httpsRedirect && tlsCert == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--https-redirect needs --tls-cert and --tls-key: there is no HTTPS to redirect to without them");
        }
        if (tlsCert != null) {
            try {
                gateway = gateway.withTls(new GatewayTls(tlsCert, tlsKey, httpsPort, httpsRedirect));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        if (httpMaxConnectionsPerClient != null) {
            if (httpMaxConnectionsPerClient < 1) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--http-max-connections-per-client must be 1 or more (got " + httpMaxConnectionsPerClient + ")");
            }
            gateway = gateway.withMaxConnectionsPerAddress(httpMaxConnectionsPerClient);
        }
        if (httpMaxConnections != null) {
            if (httpMaxConnections < 1) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--http-max-connections must be 1 or more (got " + httpMaxConnections + ")");
            }
            gateway = gateway.withMaxConnections(httpMaxConnections);
        }
        StoreLocation location = base.store();
        if (store != null) {
            try {
                location = StoreLocation.parse(store, env);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--store " + e.getMessage());
            }
        }
        ServerConfig config = base.withGateway(gateway).withApiHost(apiHost).withApiPort(apiPort).withUploadLimit(limit).withPoolSize(poolSize)
                .withRuntimeCache(runtimeCache != null ? runtimeCache.toAbsolutePath() : base.runtimeCache()).withCodeLimit(code)
                .withStore(location).withMetrics(metrics == Switch.on).withSandbox(sandbox.equals("on"))
                .withAlertEvery(dev.nubo.model.Quantities.duration(alertEvery)
                        .filter(d -> d.toMillis() >= 100).orElseThrow(() -> new picocli.CommandLine.ParameterException(spec.commandLine(),
                                "--alert-every must be a duration of 100ms or more, such as 15s (got '" + alertEvery + "')")))
                .withRegistryRefresh(Quantities.duration(registryRefresh).filter(d -> d.toSeconds() >= 1 && d.toMillis() % 1000 == 0)
                        .orElseThrow(() -> new picocli.CommandLine.ParameterException(spec.commandLine(), "--registry-refresh must be"
                                + " whole seconds, 1s or more, as the Eureka client takes it (got '" + registryRefresh + "')")));
        if (otlpEndpoint != null) {
            if (!"http".equals(otlpEndpoint.getScheme()) && !"https".equals(otlpEndpoint.getScheme()) || otlpEndpoint.getHost() == null) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--otlp-endpoint must be an http or https URL such as http://127.0.0.1:4318 (got '" + otlpEndpoint + "')");
            }
            config = config.withOtlpEndpoint(otlpEndpoint);
        }
        if (!(otlpSample > 0 && otlpSample <= 1)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--otlp-sample must be above 0 and at most 1, such as 0.1 for one trace in ten (got " + otlpSample + ")");
        }
        config = config.withOtlpSample(otlpSample);
        config = config.withAuditRetention(retention(auditRetention));
        config = config.withLogRetention(LogRetention.parse(logRetention).orElseThrow(() -> new picocli.CommandLine.ParameterException(
                spec.commandLine(), "--log-retention must be off or an age of 1m or more, such as 7d or 24h (got '" + logRetention + "')")));
        // A cluster's nodes share one key by environment; one node keeps its own in NUBO_HOME/master.key.
        if (!env.containsKey("NUBO_MASTER_KEY")) {
            return config;
        }
        try {
            return config.withMasterKey(dev.nubo.access.MasterKey.fromEnvironment(env.get("NUBO_MASTER_KEY")));
        } catch (NuboException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The URL to use here, and what is bound when that is more than the URL says. */
    static String bound(String url, String bindHost) {
        return NuboServer.allInterfaces(bindHost) ? url + " (all interfaces: " + bindHost + ")" : url;
    }

    private Duration retention(String text) {
        try {
            Duration d = dev.nubo.access.Tokens.ttl(text);  // the same units as a token's --expires
            if (!d.isZero()) {
                return d;
            }
        } catch (NuboException e) {
            // said below, with the flag's name
        }
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "--audit-retention must be a positive duration such as 90d, 2160h (got '" + text + "')");
    }

    private Duration positive(String flag, String text) {
        return Quantities.duration(text).filter(d -> !d.isZero()).orElseThrow(() -> new picocli.CommandLine.ParameterException(
                spec.commandLine(), flag + " must be a duration such as 10s or 500ms (got '" + text + "')"));
    }
}
