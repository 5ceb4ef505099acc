package dev.nubo.server;

import dev.nubo.events.Eventing;
import dev.nubo.events.GatewayAddress;
import dev.nubo.events.Shortcut;
import dev.nubo.gateway.Gateway;
import dev.nubo.instances.Instances;
import dev.nubo.instances.InstancesConfig;
import dev.nubo.model.Descriptor;
import dev.nubo.model.PlatformFault;
import dev.nubo.model.RevisionState;
import dev.nubo.runtimes.Runtimes;
import dev.nubo.store.RevisionRecord;
import dev.nubo.store.Store;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.BindException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

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

    /** Event deliveries (and async invocations) out at once, across all triggers. */
    static final int EVENT_DELIVERIES_IN_FLIGHT = 256;

    private final Home home;
    private final Urls urls;
    private final String token;
    private final List<AutoCloseable> closeInOrder;
    private final Instances instances;

    private NuboServer(Home home, Urls urls, String token, List<AutoCloseable> closeInOrder, Instances instances) {
        this.home = home;
        this.instances = instances;
        this.urls = urls;
        this.token = token;
        this.closeInOrder = closeInOrder;
    }

    /** Starts everything, brings back stored services, and writes {@code server.json} for the CLI. */
    public static NuboServer start(ServerConfig config) {
        Home home = Home.prepare(config.home());
        List<AutoCloseable> opened = new ArrayList<>();
        opened.add(home::unlock); // last to close
        InstantSource clock = InstantSource.system();
        try {
            String token = home.adminToken();
            Store store = Store.open(config.store());
            opened.addFirst(store);
            // Native epoll where Netty has it (Linux x86_64 here); Vert.x falls back to NIO elsewhere.
            Vertx vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setPreferNativeTransport(true));
            if (!vertx.isNativeTransportEnabled()) {
                org.slf4j.LoggerFactory.getLogger(NuboServer.class).info("using Java NIO for sockets; native epoll is unavailable: {}",
                        String.valueOf(vertx.unavailableNativeTransportCause()));
            }
            opened.addFirst(() -> vertx.close().await());
            Gateway gateway = Gateway.start(vertx, config.gateway());
            opened.addFirst(gateway);
            LogHub logs = new LogHub(home);
            Instances instances = Instances.create(InstancesConfig.defaults().withTerminationGrace(config.terminationGrace())
                    .withScope(InstancesConfig.scopeOf(home.root())), clock, logs::publish);
            opened.addFirst(instances);

            Router router = Router.router(vertx);
            HttpServer api = listen(vertx, router, config);
            opened.addFirst(() -> api.close().await());
            Urls urls = new Urls("http://" + display(config.apiHost()) + ":" + api.actualPort(),
                    "http://" + display(config.httpHost()) + ":" + gateway.port(), config.domain(), gateway.port());

            Runtimes runtimes = Runtimes.detect(config.runtimeCache(), config.poolSize());
            Artifacts artifacts = new Artifacts(home, config.codeLimit());
            RuntimeApis runtimeApis = new RuntimeApis(vertx);
            opened.add(opened.indexOf(instances) + 1, runtimeApis); // closed after the instances it serves
            Reconciler reconciler = new Reconciler(store, instances, runtimes, runtimeApis, artifacts, gateway, home, logs,
                    clock, config.terminationGrace());
            opened.add(opened.indexOf(instances), reconciler);
            Deployments deployments = new Deployments(artifacts, runtimes, store, reconciler, urls, clock);
            Views views = new Views(store, reconciler, urls, gateway);
            // Eventing delivers through the gateway (or on a slot the gateway hands out), so it stops before
            // the instances and the gateway do; what it has not delivered stays in its log for the next start.
            Shortcut shortcut = (service, bodyLength) -> gateway.claim(service, bodyLength)
                    .map(c -> new Shortcut.Lease(c.host(), c.port(), c::release));
            Eventing eventing = Eventing.open(home.eventsDatabase(), vertx, new GatewayAddress(reachable(config.httpHost()), gateway.port(), config.domain()),
                    shortcut, clock, RandomGenerator.getDefault(), EVENT_DELIVERIES_IN_FLIGHT);
            opened.add(opened.indexOf(instances), eventing);
            Sources sources = new Sources(eventing, vertx, clock, urls);
            opened.add(opened.indexOf(eventing), sources);
            ControlApi controlApi = new ControlApi(vertx, token, views, deployments, logs, home, urls, config.uploadLimit(),
                    new EventsApi(vertx, eventing, sources, urls), eventing);
            controlApi.mount(router);
            opened.add(opened.indexOf(sources), () -> controlApi.close().await());

            reconciler.reconcileAll();
            sources.startAll();
            warmUp(runtimes, instances, store);
            home.writeServerFile(urls.api(), urls.gateway(), urls.domain());
            return new NuboServer(home, urls, token, opened, instances);
        } catch (RuntimeException e) {
            closeAll(opened);
            throw e;
        }
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

    private static HttpServer listen(Vertx vertx, Router router, ServerConfig config) {
        try {
            return vertx.createHttpServer().requestHandler(router).listen(config.apiPort(), config.apiHost()).await();
        } catch (RuntimeException e) {
            if (e.getCause() instanceof BindException || String.valueOf(e.getMessage()).contains("Address already in use")) {
                throw new PlatformFault("platform.port", "the control API cannot listen on " + config.apiHost() + ":"
                        + config.apiPort() + ": the port is in use; pass --api-port with a free port (0 picks one)", e);
            }
            throw e;
        }
    }

    /** The host in a URL for this machine to reach a listener on {@code bindHost}. */
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
        closeAll(closeInOrder);
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                org.slf4j.LoggerFactory.getLogger(NuboServer.class).warn("closing {} failed", r, e);
            }
        }
    }
}
