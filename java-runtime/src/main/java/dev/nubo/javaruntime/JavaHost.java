package dev.nubo.javaruntime;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.Executors;

/**
 * The process that runs one Java function. The platform starts it as
 * {@code java -cp <java-runtime.jar>:<function-api.jar>:<aws-lambda-java-core.jar>:<jackson jars>
 * dev.nubo.javaruntime.JavaHost} with the environment described in {@link HostConfig}; it loads the
 * handler, then listens on {@code 127.0.0.1:PORT}, so that an accepted connection means the function is
 * ready.
 *
 * <p>If it cannot start, it prints one line {@code nubo: <cause> (<fix>)} on stderr (followed by a
 * stack trace when the function's own code threw) and exits with status 1.
 *
 * <p>Start-up is kept lean because it is the cold start users wait for: the JDK's HTTP server, no
 * logging framework, and Jackson only for JSON functions. Two more ways to start take it further:
 * <ul>
 *   <li>{@code NUBO_POOL=1}: the platform starts hosts ahead of need, without any function. Such a
 *       host warms up ({@link WarmUp}), then waits for its function's variables on stdin
 *       ({@link SpecialisationMessage}), sets them as its environment ({@link WritableEnvironment})
 *       and carries on as a fresh start. Java cannot change its working directory, so in a pooled
 *       host relative file paths resolve against the pool's directory, not the function's code
 *       directory ({@code NUBO_WORKDIR} is set, but only as a variable); resources are best read
 *       from the class path.</li>
 *   <li>{@code NUBO_TRAIN=1}: warm up the same way and exit, under
 *       {@code -XX:ArchiveClassesAtExit=<file>} (or JDK 25's {@code -XX:AOTCacheOutput=<file>}), to
 *       make the class-data archive that all hosts then start from. It must be made with the same
 *       class path and module flags ({@code --add-opens}) as the hosts that use it.</li>
 * </ul>
 */
public final class JavaHost {

    /** Bursts arrive at once when the gateway releases requests it held during a cold start. */
    private static final int BACKLOG = 1024;
    /** The gateway reaches instances on loopback; the literal address, as "localhost" may resolve to ::1. */
    static final String LOOPBACK = "127.0.0.1";

    private JavaHost() {}

    public static void main(String[] args) {
        long started = System.nanoTime();
        try {
            switch (HostConfig.Start.of(System.getenv())) {
                case FRESH -> {
                    HostConfig config = HostConfig.from(System.getenv());
                    UserFunction function = serve(config, server());
                    System.out.println("nubo: " + function.handlerClass().getName() + " ready on port " + config.port()
                            + " in " + millisSince(started) + " ms");
                }
                case POOLED -> {
                    if (!PooledStart.run(started)) {
                        System.exit(0);
                    }
                }
                case TRAINING -> {
                    WarmUp.run();
                    System.out.println("nubo: trained the Java runtime in " + millisSince(started) + " ms");
                    System.exit(0);
                }
            }
        } catch (InitFailure e) {
            System.err.println("nubo: " + e.getMessage());
            if (e.showCause()) {
                e.getCause().printStackTrace();
            }
            System.exit(1);
        } catch (Throwable e) {
            System.err.println("nubo: the Java runtime failed to start: " + e
                    + " (this is a bug in Nubo: please report it with the stack trace below)");
            e.printStackTrace();
            System.exit(1);
        }
    }

    /**
     * Loads the function, then binds {@code server} to {@code PORT} and starts it: a fresh start,
     * and a pooled one once specialised (which made its server while warming up).
     */
    static UserFunction serve(HostConfig config, HttpServer server) {
        UserFunction function = FunctionLoader.load(config.code(), config.layers(), config.handler());
        listen(config, new InvocationEndpoint(function, config, InstantSource.system()), server);
        return function;
    }

    /** A server as the host runs it, not yet bound to a port, so not listening. */
    static HttpServer server() {
        // The server writes headers and body separately; with Nagle's algorithm on, a keep-alive
        // client's delayed ACK would add ~40 ms to small responses. Read once, by the first server.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        try {
            HttpServer server = HttpServer.create();
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a server socket", e);
        }
    }

    static long millisSince(long nanoTime) {
        return (System.nanoTime() - nanoTime) / 1_000_000;
    }

    private static void listen(HostConfig config, InvocationEndpoint endpoint, HttpServer server) {
        try {
            // Loopback only: the gateway is the one way in, with its limits, timeouts and routing;
            // on all interfaces anyone who reaches the machine would call the function past them.
            server.bind(new InetSocketAddress(LOOPBACK, config.port()), BACKLOG);
        } catch (BindException e) {
            throw new InitFailure("cannot listen on port " + config.port() + ": " + e.getMessage()
                    + " (another process holds it; give the host a free PORT)");
        } catch (IOException e) {
            throw new InitFailure("cannot listen on port " + config.port() + ": " + e);
        }
        server.createContext("/", endpoint);
        server.start();
        Runtime.getRuntime().addShutdownHook(new Drain(endpoint, server, config.timeout()));
    }

    /**
     * On SIGTERM (the platform draining the instance), lets running invocations finish; none can
     * usefully run past the request timeout, as the gateway has answered 504 by then. A class rather
     * than a lambda: one lambda less to spin up before listening.
     */
    private static final class Drain extends Thread {
        private final InvocationEndpoint endpoint;
        private final HttpServer server;
        private final Duration timeout;

        Drain(InvocationEndpoint endpoint, HttpServer server, Duration timeout) {
            super("nubo-drain");
            this.endpoint = endpoint;
            this.server = server;
            this.timeout = timeout;
        }

        @Override
        public void run() {
            try {
                endpoint.awaitIdle(timeout);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            server.stop(0);
        }
    }
}
