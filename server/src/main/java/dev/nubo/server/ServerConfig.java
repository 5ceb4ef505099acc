package dev.nubo.server;

import dev.nubo.access.MasterKey;
import java.util.Optional;

import dev.nubo.gateway.GatewayConfig;
import dev.nubo.registry.ClientCaches;
import dev.nubo.store.StoreLocation;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything {@code nubo server} can be told, with its default. Start from {@link #defaults} (or
 * {@link #ephemeral}) and change what you need with the {@code with} methods; every value is checked
 * when the config is made. The command-line flags and
 * docs/CLI.md mirror this table. The gateway's own settings (bind address, port, domain, timeouts
 * and connection cap, with their defaults and checks) are {@link GatewayConfig}'s.
 *
 * <table>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>home</td><td>{@code $NUBO_HOME}, else {@code ~/.nubo}</td><td>state, code, logs, token</td></tr>
 *   <tr><td>gateway</td><td>{@link GatewayConfig#defaults()}: 127.0.0.1:8080</td><td>the gateway; port 0 picks a free one.
 *       Loopback by default, as the control API and the instances are: a fresh server on a laptop
 *       serves nobody else until it is told to (0.0.0.0 binds all interfaces)</td></tr>
 *   <tr><td>apiHost / apiPort</td><td>127.0.0.1 / 8081</td><td>the control API; port 0 picks a free one</td></tr>
 *   <tr><td>uploadLimit</td><td>512 MiB</td><td>largest deploy archive; above it, 413</td></tr>
 *   <tr><td>terminationGrace</td><td>10 s</td><td>SIGTERM to SIGKILL when an instance stops</td></tr>
 *   <tr><td>poolSize</td><td>2</td><td>idle prewarmed runtime processes kept per function runtime kind
 *       (Java, Node, Python at one memory size); 0 starts every function instance fresh</td></tr>
 *   <tr><td>runtimeCache</td><td>{@code home/cache}</td><td>the runtime shims and the Java host's
 *       class-data archive; shareable between servers of the same Nubo build</td></tr>
 *   <tr><td>codeLimit</td><td>1 GiB</td><td>the most a deploy's archive may unpack to; above it, 413
 *       (why this default: {@code Artifacts.DEFAULT_CODE_LIMIT})</td></tr>
 *   <tr><td>metrics</td><td>{@link Observability#defaults()}</td><td>what Nubo measures and keeps of itself:
 *       per-request meters (on), how often alert rules are evaluated (15 s), the OTLP/HTTP collector
 *       traces are exported to (none: kept in memory only), how long logs are kept (7 days)</td></tr>
 *   <tr><td>store</td><td>SQLite in {@code home/nubo.db}</td><td>where services, revisions, traffic and their
 *       changes are kept: {@link StoreLocation#parse a PostgreSQL URL} for state that several nodes share</td></tr>
 *   <tr><td>security</td><td>{@link Security#DEFAULTS}</td><td>the master key, the sandbox and the audit log's
 *       retention: see {@link Security}</td></tr>
 *   <tr><td>registryClients</td><td>{@link ClientCaches#DEFAULTS}: fetch every 5 s, balancer cache 5 s</td><td>set in
 *       every instance's environment; an instance Nubo stops serves on for {@link ClientCaches#bound()} (15 s)
 *       after the last registry fetch that listed it, so that no Spring Cloud caller loses a call</td></tr>
 * </table>
 */
public record ServerConfig(
        Path home,
        GatewayConfig gateway,
        String apiHost,
        int apiPort,
        long uploadLimit,
        Duration terminationGrace,
        int poolSize,
        Path runtimeCache,
        long codeLimit,
        StoreLocation store,
        Observability metrics,
        Security security,
        ClientCaches registryClients) {

    public static final int DEFAULT_HTTP_PORT = 8080;
    public static final int DEFAULT_API_PORT = 8081;
    public static final int DEFAULT_POOL_SIZE = 2;

    /**
     * What keeps tenants and their secrets apart.
     *
     * @param masterKey the AES key that seals secrets; empty: {@code home/master.key}, made (0600) on
     *     first start. {@code $NUBO_MASTER_KEY} (32 bytes in base64) gives every node of a cluster the same one
     * @param sandbox whether every instance runs sandboxed (docs/SECURITY.md, "Sandbox"): its own user, a
     *     read-only system, nothing of home; where the machine cannot, the server says so at start and
     *     runs instances unsandboxed
     * @param auditRetention how long audit entries are kept (90 days); older ones are deleted at start and
     *     every hour ({@link AuditRetention})
     */
    public record Security(Optional<MasterKey> masterKey, boolean sandbox, Duration auditRetention) {
        public static final Security DEFAULTS = new Security(Optional.empty(), true, AuditRetention.DEFAULT);
    }

    public ServerConfig {
        checkPort("apiPort", apiPort);
        String domain = gateway.domain();
        if (!domain.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?")) {
            throw new IllegalArgumentException("domain must be a DNS name such as localhost or apps.example.com (got '" + domain + "')");
        }
        if (uploadLimit <= 0) {
            throw new IllegalArgumentException("uploadLimit must be positive");
        }
        if (poolSize < 0 || poolSize > 64) {
            throw new IllegalArgumentException("poolSize must be between 0 and 64 (got " + poolSize + ")");
        }
        if (codeLimit <= 0) {
            throw new IllegalArgumentException("codeLimit must be positive");
        }
    }

    /** Defaults, with state under {@code home}. */
    public static ServerConfig defaults(Path home) {
        return new ServerConfig(home, GatewayConfig.defaults().withPort(DEFAULT_HTTP_PORT), "127.0.0.1", DEFAULT_API_PORT,
                512L << 20, Duration.ofSeconds(10), DEFAULT_POOL_SIZE, home.resolve("cache"), Artifacts.DEFAULT_CODE_LIMIT,
                StoreLocation.sqlite(home.resolve("nubo.db")), Observability.defaults(), Security.DEFAULTS, ClientCaches.DEFAULTS);
    }

    /** On ephemeral loopback ports, with a 5 s termination grace: for tests and embedding. */
    public static ServerConfig ephemeral(Path home) {
        return defaults(home).withGateway(GatewayConfig.defaults().withHost("127.0.0.1").withPort(0)).withApiPort(0)
                .withTerminationGrace(Duration.ofSeconds(5));
    }

    public Optional<MasterKey> masterKey() {
        return security.masterKey();
    }

    public boolean sandbox() {
        return security.sandbox();
    }

    public Duration auditRetention() {
        return security.auditRetention();
    }

    public ServerConfig withGateway(GatewayConfig config) {
        return with(c -> c.gateway = config);
    }

    public ServerConfig withApiHost(String host) {
        return with(c -> c.apiHost = host);
    }

    public ServerConfig withApiPort(int port) {
        return with(c -> c.apiPort = port);
    }

    public ServerConfig withUploadLimit(long bytes) {
        return with(c -> c.uploadLimit = bytes);
    }

    public ServerConfig withTerminationGrace(Duration grace) {
        return with(c -> c.terminationGrace = grace);
    }

    /** {@code size} idle processes per runtime kind. */
    public ServerConfig withPoolSize(int size) {
        return with(c -> c.poolSize = size);
    }

    public ServerConfig withRuntimeCache(Path dir) {
        return with(c -> c.runtimeCache = dir);
    }

    public ServerConfig withCodeLimit(long bytes) {
        return with(c -> c.codeLimit = bytes);
    }

    /** The same, with the state in {@code store}. */
    public ServerConfig withStore(StoreLocation location) {
        return with(c -> c.store = location);
    }

    /** {@code false} runs instances as the server's own user, seeing what it sees: for machines without user namespaces. */
    public ServerConfig withSandbox(boolean on) {
        return with(c -> c.security = new Security(security.masterKey(), on, security.auditRetention()));
    }

    /** The same, with secrets sealed under {@code key} (a cluster's {@code NUBO_MASTER_KEY}) rather than NUBO_HOME/master.key's. */
    public ServerConfig withMasterKey(MasterKey key) {
        return with(c -> c.security = new Security(Optional.of(key), security.sandbox(), security.auditRetention()));
    }

    /** With {@code ratio} of traces exported over OTLP (1.0 by default; 0.1 exports one trace in ten). */
    public ServerConfig withOtlpSample(double ratio) {
        return with(c -> c.metrics = new Observability(metrics.meters(), metrics.alertEvery(), metrics.otlp(), metrics.logRetention(), ratio));
    }

    /** With audit entries kept for {@code retention} (90 days by default), then deleted. */
    public ServerConfig withAuditRetention(Duration retention) {
        return with(c -> c.security = new Security(security.masterKey(), security.sandbox(), retention));
    }

    /** With the gateway's per-request meters on (the default) or off: {@code GET /metrics} then has no request figures. */
    public ServerConfig withMetrics(boolean on) {
        return with(c -> c.metrics = new Observability(on, metrics.alertEvery(), metrics.otlp(), metrics.logRetention(), metrics.otlpSample()));
    }

    /** With alert rules evaluated every {@code every} (15 s by default). */
    public ServerConfig withAlertEvery(Duration every) {
        return with(c -> c.metrics = new Observability(metrics.meters(), every, metrics.otlp(), metrics.logRetention(), metrics.otlpSample()));
    }

    /** With traces exported over OTLP/HTTP to the collector at {@code endpoint} (its base URL, such as http://127.0.0.1:4318). */
    public ServerConfig withOtlpEndpoint(java.net.URI endpoint) {
        return with(c -> c.metrics = new Observability(metrics.meters(), metrics.alertEvery(), Optional.of(endpoint), metrics.logRetention(), metrics.otlpSample()));
    }

    /** With logs deleted once their newest line is older than {@code age} (7 days by default; zero: never by age). */
    public ServerConfig withLogRetention(Duration age) {
        return with(c -> c.metrics = new Observability(metrics.meters(), metrics.alertEvery(), metrics.otlp(), age, metrics.otlpSample()));
    }

    /** With Spring Cloud clients fetching the registry, and caching what they found, every {@code refresh} (whole seconds). */
    public ServerConfig withRegistryRefresh(Duration refresh) {
        return with(c -> c.registryClients = ClientCaches.every(refresh));
    }

    /**
     * This config with what {@code change} sets on a copy of its components: each {@code with} method
     * names only what it changes, so a new component is added here and in the record, not in every method.
     */
    private ServerConfig with(java.util.function.Consumer<Components> change) {
        Components c = new Components(this);
        change.accept(c);
        return new ServerConfig(home, c.gateway, c.apiHost, c.apiPort, c.uploadLimit, c.terminationGrace, c.poolSize, c.runtimeCache,
                c.codeLimit, c.store, c.metrics, c.security, c.registryClients);
    }

    /** The components a {@code with} method may change, copied from a config. */
    private static final class Components {
        GatewayConfig gateway;
        String apiHost;
        int apiPort;
        long uploadLimit;
        Duration terminationGrace;
        int poolSize;
        Path runtimeCache;
        long codeLimit;
        StoreLocation store;
        Observability metrics;
        Security security;
        ClientCaches registryClients;

        Components(ServerConfig from) {
            gateway = from.gateway;
            apiHost = from.apiHost;
            apiPort = from.apiPort;
            uploadLimit = from.uploadLimit;
            terminationGrace = from.terminationGrace;
            poolSize = from.poolSize;
            runtimeCache = from.runtimeCache;
            codeLimit = from.codeLimit;
            store = from.store;
            metrics = from.metrics;
            security = from.security;
            registryClients = from.registryClients;
        }
    }

    /** The gateway's bind address. */
    public String httpHost() {
        return gateway.host();
    }

    /** Services answer at {@code NAME.<domain>}. */
    public String domain() {
        return gateway.domain();
    }

    private static void checkPort(String key, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(key + " must be between 0 and 65535 (got " + port + ")");
        }
    }
}
