package dev.nubo.server;

import dev.nubo.gateway.Endpoint;
import dev.nubo.gateway.RevisionRoute;
import dev.nubo.instances.Instance;
import dev.nubo.instances.InstanceState;
import dev.nubo.instances.Instances;
import dev.nubo.model.Descriptor;
import dev.nubo.model.UserError;
import dev.nubo.runtimes.Debugger;
import dev.nubo.runtimes.Runtimes;
import dev.nubo.store.RevisionRecord;
import dev.nubo.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code nubo debug NAME}: one extra instance of the revision serving a service, started fresh with
 * a debugger listening on a loopback port ({@link Debugger}), and reachable at
 * {@code debug-NAME.<domain>} only, so ordinary traffic never waits at a breakpoint. The instance is
 * launched here, not by the reconciler, so the autoscaler neither counts nor stops it, and its route
 * has a one-hour timeout (as has the function runtime inside it): a request held at a breakpoint is
 * not cut at the service's {@code timeout}. The session ends when the CLI ends it, when the instance
 * exits, or with the server. One session per service.
 */
final class DebugSessions {

    /** The tag, and so the host name {@code debug-NAME}, that reaches the instance. */
    static final String TAG = "debug";

    /** A running session, as the API shows it. */
    record Session(String service, String revision, String instance, String protocol, String debugHost, int debugPort,
                   String attach, String url, Instant started) {}

    private final Store store;
    private final Reconciler reconciler;
    private final Runtimes runtimes;
    private final Instances instances;
    private final Artifacts artifacts;
    private final Home home;
    private final LogHub logs;
    private final Urls urls;
    private final InstantSource clock;
    private final Duration grace;
    private final Map<String, Running> sessions = new ConcurrentHashMap<>();

    private record Running(Session session, Instance instance) {}

    DebugSessions(Store store, Reconciler reconciler, Runtimes runtimes, Instances instances, Artifacts artifacts, Home home,
                  LogHub logs, Urls urls, InstantSource clock, Duration grace) {
        this.store = store;
        this.reconciler = reconciler;
        this.runtimes = runtimes;
        this.instances = instances;
        this.artifacts = artifacts;
        this.home = home;
        this.logs = logs;
        this.urls = urls;
        this.clock = clock;
        this.grace = grace;
    }

    /** Starts the service's session, or returns the one running; blocks until its instance is ready. */
    synchronized Session start(String service) {
        Running running = sessions.get(service);
        if (running != null && running.instance().state() == InstanceState.READY) {
            return running.session();
        }
        if (store.service(service).isEmpty()) {
            throw NotFound.service(service);
        }
        String revisionId = reconciler.routed(service).orElseThrow(() -> UserError.conflict("debug.not_serving",
                "service " + service + " has no revision serving", "deploy it first, then run `nubo debug " + service + "`"));
        if (reconciler.plan(service).tags().containsKey(TAG)) {
            throw UserError.conflict("debug.tag_taken", "service " + service + " has a tag named " + TAG
                    + ", whose host debug-" + service + " a debug session needs", "remove it: `nubo traffic " + service
                    + " --untag " + TAG + "`");
        }
        RevisionRecord r = store.revision(revisionId).orElseThrow(() -> NotFound.revision(service, revisionId));
        Descriptor d = r.descriptor();
        if (d.runtime() instanceof Descriptor.Provided) {
            throw UserError.badRequest("debug.unsupported", "nubo debug does not start custom runtimes (runtime: provided)",
                    "debug the runtime's program with the tools of its language");
        }
        if (d.runtime() instanceof Descriptor.Static) {
            throw UserError.badRequest("debug.unsupported", "nubo debug has nothing to attach to: " + service
                    + " is a static site (runtime: static), served by the gateway with no process", "debug the site in the browser");
        }
        String id = r.id() + "-debug";
        int port = freePort();
        Debugger.Debugging debugging = runtimes.debug(new Runtimes.Target(d, artifacts.codeDir(r.digest()), r.id(), id,
                home.logs(service).resolve(id + ".log"), true), port);
        CompletableFuture<Instance> ready = new CompletableFuture<>();
        logs.register(id, service);
        Instance instance = instances.launch(debugging.spec(), (i, from, to, reason) -> {
            if (to == InstanceState.READY) {
                ready.complete(i);
            } else if (to == InstanceState.FAILED || to == InstanceState.STOPPED || to == InstanceState.BACKOFF) {
                ready.completeExceptionally(new IllegalStateException(reason));
                if (to != InstanceState.BACKOFF) {
                    end(service, i.id());
                }
            }
        });
        try {
            ready.get(d.readiness().startTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            instance.stop(grace);
            String why = e instanceof TimeoutException ? "it was not ready within " + d.readiness().startTimeout().toSeconds() + "s"
                    : e.getCause().getMessage();
            throw UserError.conflict("debug.failed", "the debug instance of " + service + " did not start: " + why,
                    "its output is in `nubo logs " + service + "`; " + String.join(" | ", instance.logTail(5)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            instance.stop(grace);
            throw new IllegalStateException("interrupted while the debug instance started", e);
        }
        reconciler.debugRoute(service, Optional.of(TAG), Optional.of(new RevisionRoute(id, Debugger.SUSPENDED_TIMEOUT,
                d.maxBodySize(), 0, 100, Debugger.SUSPENDED_TIMEOUT, List.of(new Endpoint(id, instance.host(), instance.port())))));
        Session session = new Session(service, r.id(), id, debugging.debugger().protocol(), "127.0.0.1", port,
                debugging.debugger().attach(), urls.service(TAG + "-" + service), clock.instant());
        sessions.put(service, new Running(session, instance));
        instance.note("debug session: " + session.protocol() + " on 127.0.0.1:" + port + ", requests at " + session.url());
        return session;
    }

    Optional<Session> session(String service) {
        return Optional.ofNullable(sessions.get(service)).map(Running::session);
    }

    /** Ends the service's session: off the gateway first, then the instance stops. */
    synchronized boolean stop(String service) {
        Running running = sessions.remove(service);
        if (running == null) {
            return false;
        }
        reconciler.debugRoute(service, Optional.empty(), Optional.empty());
        running.instance().stop(grace);
        return true;
    }

    private void end(String service, String instanceId) {
        Running running = sessions.get(service);
        if (running != null && running.instance().id().equals(instanceId)) {
            sessions.remove(service);
            reconciler.debugRoute(service, Optional.empty(), Optional.empty());
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port for the debugger", e);
        }
    }
}
