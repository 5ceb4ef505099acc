package dev.nubo.javaruntime;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.InstantSource;
import java.util.concurrent.Executors;

/**
 * The process that runs one Java function. The platform starts it as
 * {@code java -cp <java-runtime.jar>:<function-api.jar>:<jackson jars> dev.nubo.javaruntime.JavaHost}
 * with the environment described in {@link HostConfig}; it loads the handler, then listens on
 * {@code PORT}, so that an accepted connection means the function is ready.
 *
 * <p>If it cannot start, it prints one line {@code nubo: <cause> (<fix>)} on stderr (followed by a
 * stack trace when the function's own code threw) and exits with status 1.
 *
 * <p>Start-up is kept lean because it is the cold start users wait for: the JDK's HTTP server, no
 * logging framework, and Jackson only for {@code Handler} functions.
 */
public final class JavaHost {

    /** Bursts arrive at once when the gateway releases requests it held during a cold start. */
    private static final int BACKLOG = 1024;

    private JavaHost() {}

    public static void main(String[] args) {
        long started = System.nanoTime();
        try {
            HostConfig config = HostConfig.from(System.getenv());
            UserFunction function = FunctionLoader.load(config.code(), config.handler());
            listen(config, new InvocationEndpoint(function, config, InstantSource.system()));
            System.out.println("nubo: " + function.handlerClass().getName() + " ready on port " + config.port()
                    + " in " + (System.nanoTime() - started) / 1_000_000 + " ms");
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

    private static void listen(HostConfig config, InvocationEndpoint endpoint) {
        // The server writes headers and body separately; with Nagle's algorithm on, a keep-alive
        // client's delayed ACK would add ~40 ms to small responses.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(config.port()), BACKLOG);
        } catch (BindException e) {
            throw new InitFailure("cannot listen on port " + config.port() + ": " + e.getMessage()
                    + " (another process holds it; give the host a free PORT)");
        } catch (IOException e) {
            throw new InitFailure("cannot listen on port " + config.port() + ": " + e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", endpoint);
        server.start();
        // On SIGTERM (the platform draining the instance), let running invocations finish; none can
        // usefully run past the request timeout, as the gateway has answered 504 by then.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                endpoint.awaitIdle(config.timeout());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            server.stop(0);
        }, "nubo-drain"));
    }
}
