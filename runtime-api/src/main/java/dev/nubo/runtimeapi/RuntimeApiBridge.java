package dev.nubo.runtimeapi;

import io.vertx.core.Context;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lambda's Runtime API (2018-06-01) served to one instance of {@code runtime: provided}, bridged to
 * plain HTTP: an unmodified custom runtime (the AWS Java runtime interface client, a {@code bootstrap}
 * binary) polls {@code http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/invocation/next} and never listens
 * itself, while the gateway sends the instance's requests to {@link #invocationPort()}. Each request there
 * is one invocation: a plain request's event is API Gateway's HTTP event and the runtime's answer is
 * mapped back to status, headers, cookies and body; a request the server sent ({@code Nubo-Event})
 * passes its body as the event and the answer as the 200 body.
 *
 * <pre>{@code
 * RuntimeApiBridge bridge = RuntimeApiBridge.open(vertx,
 *         new FunctionInfo("hello", "hello-00001", "hello-00001-1", Duration.ofSeconds(30), 512, 6 << 20),
 *         instanceLog::append, () -> instances.recycle("hello-00001-1"));
 * // start the runtime with AWS_LAMBDA_RUNTIME_API=bridge.runtimeApiAddress(); probe readiness by a TCP
 * // connect to bridge.invocationPort(), which opens when the runtime first asks for work
 * // on the runtime's exit: bridge.runtimeGone(), then restart it (or report bridge.initError())
 * bridge.close();
 * }</pre>
 *
 * <p><b>Readiness.</b> The invocation port is reserved (a free port picked, not bound) by {@code open}
 * and bound only when the runtime first calls {@code /next}, which a Lambda runtime does once its init
 * succeeded; {@link #runtimeGone()} unbinds it again. So "port open" means "runtime ready".
 *
 * <p><b>Invocations</b> queue in arrival order; each {@code /next} takes one, or waits without timeout.
 * The runtime sees {@code Lambda-Runtime-Aws-Request-Id} (the caller's {@code X-Request-Id} when plain and
 * unused, else a UUID), {@code -Deadline-Ms} (arrival + timeout, epoch ms), {@code -Invoked-Function-Arn}
 * ({@code arn:aws:lambda:nubo:000000000000:function:SERVICE:REVISION}), {@code -Trace-Id} (X-Ray form of
 * the caller's {@code traceparent}) and, when the caller sent them, {@code -Client-Context} and
 * {@code -Cognito-Identity}. The caller gets the runtime's answer, as above (a streamed answer is piped as it
 * comes); 500 {@code {"error":{"type","message"}}} with the function's error type for a reported error
 * (the stack goes to the log); 502 {@code ResponseTooLarge} for an answer over {@code maxResponseBytes},
 * 502 {@code RuntimeExited} when the runtime is gone, 504 {@code Timeout} at the deadline. A caller that
 * hangs up abandons its invocation: dropped if still queued, its late answer accepted and discarded.
 *
 * <p><b>Stuck runtimes.</b> An invocation still unanswered {@code stuckGrace} (default 2 s) after its
 * deadline runs {@code onStuck}, once per invocation, so the platform can recycle the instance.
 *
 * <p><b>Threads.</b> The bridge is a Vert.x deployment of its own (docs/ARCHITECTURE.md, "Event
 * loops"): everything runs on that deployment's event loop, so nothing needs locks; {@code onStuck} and
 * {@code log} are called there and must not block. The public methods may be called from any thread; off
 * an event loop, {@code open}, {@link #runtimeGone()} and {@link #close()} block until their ports are
 * bound or free. Closing {@code vertx} closes the bridge as {@link #close()} does.
 */
public final class RuntimeApiBridge implements AutoCloseable {

    /** How long past its deadline an invocation may stay unanswered before the runtime counts as stuck. */
    public static final Duration DEFAULT_STUCK_GRACE = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(RuntimeApiBridge.class);
    private static final long BLOCKING_WAIT_SECONDS = 10;

    private final Vertx vertx;
    private final Context context;
    private final String deployment;
    private final InvocationPort invocationPort;
    private final Invocations invocations;
    private final InstanceLog log;
    private final AtomicReference<String> initError;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final String runtimeApiAddress;

    private RuntimeApiBridge(Vertx vertx, Served served, String deployment, Invocations invocations,
            InstanceLog log, AtomicReference<String> initError) {
        this.vertx = vertx;
        this.context = served.context;
        this.deployment = deployment;
        this.runtimeApiAddress = InvocationPort.HOST + ":" + served.runtimeServer.actualPort();
        this.invocationPort = served.invocationPort;
        this.invocations = invocations;
        this.log = log;
        this.initError = initError;
    }

    /**
     * The bridge's life as a Vert.x deployment: deploying it binds the Runtime API on the deployment's
     * own event loop; undeploying it, by {@link #close()} or by Vert.x closing, fails what is pending
     * and frees both ports.
     */
    private static final class Served implements Deployable {
        private final HttpServer runtimeServer;
        private final InvocationPort invocationPort;
        private final Invocations invocations;
        private volatile Context context;

        Served(HttpServer runtimeServer, InvocationPort invocationPort, Invocations invocations) {
            this.runtimeServer = runtimeServer;
            this.invocationPort = invocationPort;
            this.invocations = invocations;
        }

        @Override
        public Future<?> deploy(Context context) {
            this.context = context;
            return runtimeServer.listen(0, InvocationPort.HOST);
        }

        @Override
        public Future<?> undeploy(Context context) {
            invocations.failAll(CallerError.stopped());
            return Future.join(invocationPort.shut(), runtimeServer.close());
        }
    }

    /** {@link #open(Vertx, FunctionInfo, Consumer, Runnable, Duration)} with {@link #DEFAULT_STUCK_GRACE}. */
    public static RuntimeApiBridge open(Vertx vertx, FunctionInfo function, Consumer<String> log, Runnable onStuck) {
        return open(vertx, function, log, onStuck, DEFAULT_STUCK_GRACE);
    }

    /**
     * Binds the Runtime API on {@code 127.0.0.1:<ephemeral>} now, blocking until it is bound, and reserves
     * the invocation port.
     *
     * @param log        receives human-readable lines for the instance's log (init errors, function
     *                   errors with their stacks, protocol misuse), one call per line
     * @param onStuck    runs once per invocation still unanswered {@code stuckGrace} after its deadline
     * @param stuckGrace how long past the deadline a runtime may take before it counts as stuck
     * @throws IllegalStateException if called on an event loop, or if the Runtime API cannot be bound
     */
    public static RuntimeApiBridge open(Vertx vertx, FunctionInfo function, Consumer<String> log, Runnable onStuck,
            Duration stuckGrace) {
        Objects.requireNonNull(vertx, "vertx");
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(onStuck, "onStuck");
        if (stuckGrace == null || stuckGrace.isNegative()) {
            throw new IllegalArgumentException("stuckGrace must be zero or positive, got " + stuckGrace);
        }
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("RuntimeApiBridge.open blocks until the Runtime API is bound;"
                    + " call it from a worker or a plain thread, not an event loop");
        }
        InstantSource clock = InstantSource.system();
        InstanceLog instanceLog = new InstanceLog(log);
        Invocations invocations = new Invocations(vertx, function, stuckGrace, clock, instanceLog, onStuck);
        InvocationPort invocationPort = new InvocationPort(vertx, reserveFreePort(), function, invocations, clock,
                new SplittableRandom(), instanceLog);
        AtomicReference<String> initError = new AtomicReference<>();
        HttpServer runtimeServer = vertx.createHttpServer(InvocationPort.options())
                .requestHandler(new RuntimeApi(function, invocations, invocationPort::bind, initError::set, instanceLog));
        // A deployment of our own, so every handler, timer and public call runs on one event loop, whatever
        // context (a worker's, say) the caller happens to be on.
        Served served = new Served(runtimeServer, invocationPort, invocations);
        Future<String> deployed = vertx.deployVerticle(served);
        try {
            String deployment = deployed.toCompletionStage().toCompletableFuture().get(BLOCKING_WAIT_SECONDS, TimeUnit.SECONDS);
            return new RuntimeApiBridge(vertx, served, deployment, invocations, instanceLog, initError);
        } catch (ExecutionException | TimeoutException e) {
            deployed.onSuccess(vertx::undeploy);  // should the bind still succeed after the wait
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("cannot bind the Lambda Runtime API for instance " + function.instanceId()
                    + " on " + InvocationPort.HOST + ": " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            deployed.onSuccess(vertx::undeploy);
            throw new IllegalStateException("interrupted while binding the Lambda Runtime API", e);
        }
    }

    /** {@code "127.0.0.1:PORT"}: the value of {@code AWS_LAMBDA_RUNTIME_API} for the runtime process. */
    public String runtimeApiAddress() {
        return runtimeApiAddress;
    }

    /** The instance's HTTP port as the gateway sees it; bound only while the runtime is initialised. */
    public int invocationPort() {
        return invocationPort.port();
    }

    /**
     * The runtime process has exited (crash, stop): unbinds the invocation port, answers every queued and
     * in-flight invocation 502 {@code RuntimeExited}, and resets, so that a restarted runtime process can
     * initialise again. Off an event loop, returns once the port is free.
     */
    public void runtimeGone() {
        await(onContext(() -> {
            if (closed.get()) {
                return Future.succeededFuture();
            }
            int pending = invocations.liveCount();
            if (pending > 0) {
                log.line("the runtime exited with " + pending + " invocation(s) unanswered; their callers got 502");
            }
            invocations.failAll(CallerError.runtimeExited());
            return invocationPort.unbind();
        }), "unbind the invocation port");
    }

    /** The last {@code /init/error} the runtime reported, as {@code "ErrorType: message"}. */
    public Optional<String> initError() {
        return Optional.ofNullable(initError.get());
    }

    /** Unbinds both ports and fails pending invocations with 502; off an event loop, returns once both are free. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true) || !vertx.deploymentIDs().contains(deployment)) {
            return;  // closed already, by this or by Vert.x closing
        }
        await(vertx.undeploy(deployment).toCompletionStage().toCompletableFuture(), "close the Runtime API");
    }

    /** How many invocations the bridge still tracks (queued or in the runtime's hands); for tests. */
    int liveInvocations() {
        return onContextValue(invocations::liveCount);
    }

    /** How many {@code /next} polls wait for an invocation; for tests. */
    int waitingPolls() {
        return onContextValue(invocations::waitingPolls);
    }

    private <T> T onContextValue(Supplier<T> read) {
        CompletableFuture<T> value = new CompletableFuture<>();
        context.runOnContext(v -> value.complete(read.get()));
        return value.join();
    }

    private CompletableFuture<Void> onContext(Supplier<Future<?>> action) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        context.runOnContext(v -> {
            try {
                action.get().onComplete(result -> {
                    if (result.succeeded()) {
                        done.complete(null);
                    } else {
                        done.completeExceptionally(result.cause());
                    }
                });
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    /** Blocks for {@code done}, unless on an event loop, where blocking could wait on ourselves. */
    private static void await(CompletableFuture<?> done, String what) {
        if (Context.isOnEventLoopThread()) {
            return;
        }
        try {
            done.get(BLOCKING_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("could not {}", what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Picks a free port for the invocation port without keeping it; binding waits for the runtime. */
    private static int reserveFreePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(InvocationPort.HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + InvocationPort.HOST
                    + " for the instance's invocation port: " + e.getMessage(), e);
        }
    }
}
