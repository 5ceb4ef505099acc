package dev.nubo.server;

import dev.nubo.access.MasterKey;
import dev.nubo.access.Secrets;
import dev.nubo.access.Tokens;
import dev.nubo.apis.ApiGate;
import dev.nubo.apis.ApiKeys;
import dev.nubo.config.ConfigCenter;
import dev.nubo.config.RunningInstances;
import dev.nubo.console.Console;
import dev.nubo.events.EventLog;
import dev.nubo.events.Eventing;
import dev.nubo.events.EventingConfig;
import dev.nubo.events.GatewayAddress;
import dev.nubo.events.Shortcut;
import dev.nubo.events.SourceStore;
import dev.nubo.gateway.Gateway;
import dev.nubo.instances.InstanceState;
import dev.nubo.metrics.Metrics;
import dev.nubo.tracing.Tracing;
import dev.nubo.tracing.TracingConfig;
import dev.nubo.instances.Instances;
import dev.nubo.instances.InstancesConfig;
import dev.nubo.model.Descriptor;
import dev.nubo.model.RevisionState;
import dev.nubo.registry.Registry;
import dev.nubo.registry.RegistryApi;
import dev.nubo.runtimes.Runtimes;
import dev.nubo.runtimes.SecretValues;
import dev.nubo.server.Shutdown.Stage;
import dev.nubo.store.RevisionRecord;
import dev.nubo.store.Store;
import dev.nubo.store.StoreLocation;
import dev.nubo.workflows.Tasks;
import dev.nubo.workflows.Workflows;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;

/**
 * A running Nubo: the gateway, the control API, the store, and every service's instances, in this
 * JVM. This is where the modules are wired; nothing else knows all of them.
 *
 * <pre>{@code
 * try (NuboServer nubo = NuboServer.start(ServerConfig.ephemeral(tempDir))) {
 *     URI api = URI.create(nubo.apiUrl());   // bearer token: nubo.adminToken()
 * }
 * }</pre>
 */
public final class NuboServer implements AutoCloseable {

    /**
     * Spring binds {@code EUREKA_CLIENT_SERVICEURL_DEFAULTZONE} to the map key {@code defaultzone},
     * which the Eureka client never reads unless the app names {@code defaultZone} itself
     * (spring-cloud-netflix issues 2541, 3502): this names it, from that variable, so that a service
     * whose {@code env:} sets the variable still wins.
     */
    static final String EUREKA_DEFAULT_ZONE = "{\"eureka\":{\"client\":{\"serviceUrl\":{\"defaultZone\":\"${EUREKA_CLIENT_SERVICEURL_DEFAULTZONE}\"}}}}";

    /** Event deliveries (and async invocations) out at once, across all triggers. */
    static final int EVENT_DELIVERIES_IN_FLIGHT = 256;

    private final Home home;
    private final Urls urls;
    private final String token;
    private final Shutdown shutdown;
    private final Instances instances;
    private final Router router;

    private NuboServer(Home home, Urls urls, String token, Shutdown shutdown, Instances instances, Router router) {
        this.home = home;
        this.router = router;
        this.instances = instances;
        this.urls = urls;
        this.token = token;
        this.shutdown = shutdown;
    }

    /**
     * Starts everything, brings back stored services, and writes {@code server.json} for the CLI. Each
     * part is handed to its {@link Shutdown.Stage} as it starts: that enum, not this order, is the stop order.
     */
    public static NuboServer start(ServerConfig config) {
        Home home = Home.prepare(config.home());
        Shutdown shutdown = new Shutdown();
        shutdown.add(Stage.HOME_LOCK, home::unlock);
        InstantSource clock = InstantSource.system();
        try {
            String token = home.adminToken();
            Store store = shutdown.add(Stage.STORE, Store.open(config.store()));
            Vertx vertx = vertx();
            shutdown.add(Stage.VERTX, () -> vertx.close().await());
            Gateway gateway = shutdown.add(Stage.GATEWAY, Gateway.start(config.gateway()));
            Metrics metrics = shutdown.add(Stage.GATEWAY, Metrics.create());  // its GC listeners go with the server
            if (config.metrics().meters()) {
                gateway.meters(metrics.gateway());  // before any route table: a revision's meters are resolved when first routed
            }
            Tracing tracing = shutdown.add(Stage.GATEWAY, Tracing.start(config.metrics().otlp()
                    .map(TracingConfig.defaults()::withOtlp).orElse(TracingConfig.defaults()).withExportRatio(config.metrics().otlpSample()), clock));
            gateway.tracer(tracing.gateway());
            LogHub logs = new LogHub(home);
            gateway.accessLog(shutdown.add(Stage.GATEWAY, new AccessLogs(home, InstancesConfig.defaults().maxLogBytes(), logs)));
            Instances instances = shutdown.add(Stage.INSTANCES, Instances.create(Sandboxes.configure(InstancesConfig.defaults()
                    .withTerminationGrace(config.terminationGrace()).withScope(InstancesConfig.scopeOf(home.root())), config),
                    clock, logs::publish));
            instances.attributeLines(gateway::alone);  // an app's lines while it serves one request name that request
            shutdown.add(Stage.INSTANCES, new LogRetention(home.root().resolve("logs"), config.metrics().logRetention(),
                    id -> instances.all().stream().anyMatch(i -> i.id().equals(id))).start(clock));

            Router router = Router.router(vertx);
            ApiListener api = shutdown.add(Stage.CONTROL_API, ApiListener.listen(vertx, router, config.apiHost(), config.apiPort()));
            Urls urls = new Urls("http://" + display(config.apiHost()) + ":" + api.port(),
                    "http://" + display(config.httpHost()) + ":" + gateway.port(), config.domain(), gateway.port(),
                    gateway.securePort().map(port -> "https://" + display(config.httpHost()) + ":" + port));

            byte[] configSecret = token.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            // Access: tokens (re-read every 5 s for those other nodes made or revoked), secrets, private services.
            Tokens tokens = new Tokens(store.credentials(), token, clock);
            vertx.setPeriodic(5_000, id -> vertx.executeBlocking(() -> { tokens.refresh(); return null; }, false));
            AuditRetention.start(vertx, new AuditRetention(store.audit(), config.auditRetention(), clock));
            Secrets secrets = new Secrets(store.credentials(), config.masterKey()
                    .orElseGet(() -> MasterKey.inFile(home.root().resolve("master.key"))), clock);
            ApiAccess access = new ApiAccess(tokens, home);
            // Every instance finds the registry and its Spring Cloud Config server by environment alone, as an
            // unmodified Spring Cloud app expects; its secrets' values join its environment at launch.
            // Their registry and load-balancer caches are bounded too, so that a drain knows how long to serve on.
            Map<String, String> registryEnv = new java.util.LinkedHashMap<>(Map.of("EUREKA_CLIENT_SERVICEURL_DEFAULTZONE",
                    urls.api() + "/eureka/", "SPRING_APPLICATION_JSON", EUREKA_DEFAULT_ZONE));
            registryEnv.putAll(config.registryClients().environment());
            Runtimes runtimes = Runtimes.detect(config.runtimeCache(), config.poolSize()).withPlatformEnv((service, instance) -> {
                Map<String, String> env = new java.util.LinkedHashMap<>(registryEnv);
                env.putAll(ConfigCenter.clientEnvironment(urls.api(), configSecret, service, instance));
                return env;
            }).withSecrets(SecretValues.of(secrets::values, secrets::files));
            Registry registry = new Registry(clock, config.registryClients());
            vertx.setPeriodic(5_000, timer -> registry.expire());
            new RegistryApi(registry).mount(router);    // before the control API's routes: registry clients carry no token
            Artifacts artifacts = new Artifacts(home, config.codeLimit());
            RuntimeApis runtimeApis = shutdown.add(Stage.RUNTIME_APIS, new RuntimeApis(vertx));
            // The reconciler hears of stored changes through the store's change feed: made here or on any node.
            FeedChanges changes = shutdown.add(Stage.RECONCILER, new FeedChanges(store));
            // Subscribed first: a pass that a change queues reads the records again.
            ServiceRecords records = new ServiceRecords(store);
            changes.subscribe(records::changed);
            PrivateServices privates = new PrivateServices(store, access, clock);
            changes.subscribe(privates::changed);
            gateway.guard(privates.loadAll());
            vertx.setPeriodic(300_000, id -> vertx.executeBlocking(() -> { privates.refreshKeys(); return null; }, false));
            Reconciler reconciler = shutdown.add(Stage.RECONCILER, new Reconciler(store, records, instances, runtimes, runtimeApis,
                    artifacts, gateway, home, logs, clock, config.terminationGrace(), changes, registry));
            NamespaceQuotas namespaces = new NamespaceQuotas(store, records, reconciler);
            reconciler.capScaling(namespaces::cap);
            vertx.setPeriodic(5_000, id -> vertx.executeBlocking(() -> { namespaces.refresh(); return null; }, false));
            Deployments deployments = new Deployments(artifacts, runtimes, store, records, reconciler, urls, namespaces, clock);
            Views views = new Views(store, records, reconciler, urls, gateway);
            Shortcut shortcut = (service, bodyLength) -> gateway.claim(service, bodyLength)
                    .map(c -> new Shortcut.Lease(c.host(), c.port(), c::release));
            BrokerBus brokerBus = new BrokerBus(); // events:putEvents tasks; eventing, which starts executions, comes after
            Workflows workflows = shutdown.add(Stage.WORKFLOWS, Workflows.open(store.workflows(),
                    Tasks.throughGateway(reachable(config.httpHost()), gateway.port(), config.domain()), clock, brokerBus));
            // Workflows with http: true answer at NAME.<domain> through the gateway (docs/WORKFLOWS.md, "On the gateway").
            WorkflowRoutes workflowRoutes = new WorkflowRoutes(workflows::workflows,
                    shutdown.add(Stage.CONTROL_API, WorkflowDoor.open(workflows, config.domain(), vertx)).port(), reconciler::otherRoutes);
            vertx.setPeriodic(5_000, id -> vertx.executeBlocking(() -> { workflowRoutes.refresh(); return null; }, false));
            EventLog eventLog = shutdown.add(Stage.EVENT_LOG, eventLog(config.store(), home));
            Eventing eventing = shutdown.add(Stage.EVENTING, Eventing.open(eventLog, vertx, EventingConfig.to(new GatewayAddress(
                    reachable(config.httpHost()), gateway.port(), config.domain())).withShortcut(shortcut).withNode(home.nodeId())
                    .withWorkflows(new EventStarts(workflows))
                    .withClock(clock).withMaxInFlight(EVENT_DELIVERIES_IN_FLIGHT)));
            brokerBus.use(eventing);
            eventing.tracer(tracing.events());        // a span per delivery attempt and async invocation
            workflows.tracer(tracing.workflows().and(new WorkflowMeters(metrics)));  // a span per state, one trace per execution; state durations
            metrics.workflows(workflows::executionCounts);
            Sources sources = shutdown.add(Stage.SOURCES, new Sources(eventing, SourceStore.in(eventLog), vertx, clock, urls, secrets));
            ApiKeys apiKeys = new ApiKeys();
            ApiGate apiGate = new ApiGate(config.domain(), apiKeys, clock, System::nanoTime,
                    ApiFunctionCalls.through(vertx, config.domain(), gateway.port()));
            ApiCatalog apiCatalog = new ApiCatalog(home.root().resolve("apis"), apiGate, apiKeys, clock);
            gateway.frontDoor(apiGate);
            ControlApi controlApi = new ControlApi(vertx, access, new AuditTrail(vertx, store.audit(), clock), privates, views, deployments, logs, home, urls, config.uploadLimit(),
                    new EventsApi(vertx, eventing, sources, urls, clock), eventing,
                    new DeveloperApi(new GitDeploys(deployments, store, home, urls, clock, secrets), new DebugSessions(store, reconciler,
                            runtimes, instances, artifacts, home, logs, urls, clock, config.terminationGrace())), new ApisApi(apiCatalog, urls));
            Console.mount(router); // served without a token: the pages sign in with one (docs/CONSOLE.md)
            ConfigCenter configCenter = new ConfigCenter(store.config(), service -> reconciler.instances(service).stream()
                    .filter(i -> i.state() == InstanceState.READY).map(i -> new RunningInstances.Running(i.id(), i.host(), i.port())).toList(),
                    configSecret, clock, secrets::value).catchUpEvery(java.time.Duration.ofSeconds(5));
            shutdown.add(Stage.CONTROL_API, configCenter);
            ConfigApi configApi = new ConfigApi(configCenter, store, clock);
            reconciler.onReady(i -> i.readyAt().ifPresent(at -> {
                metrics.instanceStarted(i.spec().service(), i.spec().revision(), java.time.Duration.between(i.createdAt(), at), i.pooled());
                tracing.instanceStarted(i.id(), i.createdAt(), at, i.pooled());  // a cold start's trace shows the launch
            }));
            controlApi.with(new WorkflowsApi(workflows, urls, workflowRoutes::refresh)::mount).with(new WhoAmIApi(access)::mount).with(configApi::mount).withPublic(configApi::mountPublic)
                    .with(new AccessApi(tokens, secrets, new SecretRollout(store, clock), store.audit(), clock)
                            .withNamespaces(namespaces::existing)::mount)
                    .with(new NamespacesApi(namespaces, store, tokens, clock)::mount)
                    .with(new MetricsApi(metrics, records, reconciler, gateway, eventing, store.workflows())::mount)
                    .with(new TracesApi(tracing)::mount)
                    .with(new UsageApi(shutdown.add(Stage.RECONCILER, new UsageSampler(metrics, records, reconciler, store, clock)),
                            store, clock)::mount)
                    .with(new AlertsApi(store, shutdown.add(Stage.RECONCILER, new AlertLoop(config.metrics().alertEvery(), store, metrics, records,
                            reconciler, eventing, new AlertSender(vertx, eventing, reachable(config.httpHost()), gateway.port(), config.domain()),
                            clock)).alerting(), clock)::mount).mount(router);
            shutdown.add(Stage.CONTROL_API, () -> controlApi.close().await());

            reconciler.reconcileAll();
            sources.startAll();
            workflows.resumeAll();
            workflowRoutes.refresh();
            warmUp(runtimes, instances, store);
            home.writeServerFile(urls.api(), urls.gateway(), urls.domain());
            return new NuboServer(home, urls, token, shutdown, instances, router);
        } catch (RuntimeException e) {
            shutdown.close();
            throw e;
        }
    }

    /** Native epoll where Netty has it (Linux x86_64 here); Vert.x falls back to NIO elsewhere. */
    private static Vertx vertx() {
        Vertx vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setPreferNativeTransport(true));
        if (!vertx.isNativeTransportEnabled()) {
            org.slf4j.LoggerFactory.getLogger(NuboServer.class).info("using Java NIO for sockets; native epoll is unavailable: {}",
                    String.valueOf(vertx.unavailableNativeTransportCause()));
        }
        return vertx;
    }

    /**
     * In the background: the Java host's class-data archive first (so that pooled JVMs start with
     * it), then the pools of Java at the default memory and of every deployed function's kind.
     */
    private static void warmUp(Runtimes runtimes, Instances instances, Store store) {
        List<Descriptor> deployed = store.services().stream()
                .flatMap(s -> store.revisions(s.name()).stream())
                .filter(r -> r.state() == RevisionState.READY)
                .map(RevisionRecord::descriptor)
                .toList();
        Thread.ofVirtual().name("nubo-warm-up").start(() -> {
            runtimes.prepareJavaArchive();
            runtimes.warmStarts(deployed).forEach(instances::prewarm); // a no-op once the server is closed
        });
    }

    /** The host in a URL for this machine to reach a listener on {@code bindHost}. */
    /**
     * The event log beside the store: in NUBO_HOME's own SQLite file for one node, or in the shared
     * PostgreSQL database (its schema {@code eventing}), where nodes lease each other's deliveries.
     */
    private static EventLog eventLog(StoreLocation store, Home home) {
        return switch (store) {
            case StoreLocation.SqliteFile f -> EventLog.sqlite(home.eventsDatabase());
            case StoreLocation.PostgresUrl pg -> EventLog.postgresql(pg.jdbcUrl(), pg.user(), pg.password().orElse(null));
        };
    }

    private static String display(String bindHost) {
        String host = reachable(bindHost);
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /** Where this machine reaches a listener on {@code bindHost}: loopback for a wildcard address. */
    private static String reachable(String bindHost) {
        return allInterfaces(bindHost) ? "127.0.0.1" : bindHost;
    }

    /** Whether binding {@code host} listens on every interface of the machine. */
    static boolean allInterfaces(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
    }

    /** {@code http://127.0.0.1:8081}. */
    public String apiUrl() {
        return urls.api();
    }

    /** {@code http://127.0.0.1:8080}. */
    public String gatewayUrl() {
        return urls.gateway();
    }

    /** {@code https://127.0.0.1:8443}, when the gateway serves TLS ({@code --tls-cert}). */
    public java.util.Optional<String> secureGatewayUrl() {
        return urls.secureGateway();
    }

    public int gatewayPort() {
        return urls.gatewayPort();
    }

    public String domain() {
        return urls.domain();
    }

    /** The pools of prewarmed runtime processes, as {@code GET /v1/runtimes} shows them. */
    public List<Instances.PoolStatus> runtimePools() {
        return instances.pools();
    }

    /** The URL a service answers at, e.g. {@code http://hello.localhost:8080/}. */
    public String serviceUrl(String name) {
        return urls.service(name);
    }

    /** Every control API route mounted with a path and methods, as {@code GET /v1/services/:name}: what access control must cover. */
    List<String> apiRoutes() {
        return router.getRoutes().stream().filter(r -> r.getPath() != null && r.methods() != null && !r.methods().isEmpty())
                .flatMap(r -> r.methods().stream().map(m -> m.name() + " " + r.getPath())).distinct().toList();
    }

    public String adminToken() {
        return token;
    }

    public java.nio.file.Path home() {
        return home.root();
    }

    /** Stops accepting, stops every instance (SIGTERM, then SIGKILL after the grace), closes storage. */
    @Override
    public void close() {
        home.removeServerFile();
        shutdown.close();
    }
}
