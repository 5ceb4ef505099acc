package dev.nubo.server;

import dev.nubo.model.PlatformFault;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.BindException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The control API's listener: one verticle, so its requests run on an event loop of its own, as every
 * part of Nubo that owns an event loop does (docs/ARCHITECTURE.md, "Event loops"). It serves
 * {@code router} from the start; the API mounts its routes once it knows the listener's port.
 */
final class ApiListener implements AutoCloseable {

    private static final long CLOSE_WAIT_SECONDS = 10;

    private final Vertx vertx;
    private final String deployment;
    private final int port;

    private ApiListener(Vertx vertx, String deployment, int port) {
        this.vertx = vertx;
        this.deployment = deployment;
        this.port = port;
    }

    /** Binds {@code host:port} (0 picks a free one), blocking until it is bound; a port in use is a fault naming the flag. */
    static ApiListener listen(Vertx vertx, Router router, String host, int port) {
        AtomicInteger bound = new AtomicInteger();
        try {
            String deployment = vertx.deployVerticle(context -> vertx.createHttpServer().requestHandler(router)
                    .listen(port, host).map(HttpServer::actualPort).onSuccess(bound::set)).await();
            return new ApiListener(vertx, deployment, bound.get());
        } catch (RuntimeException e) {
            if (e.getCause() instanceof BindException || String.valueOf(e.getMessage()).contains("Address already in use")) {
                throw new PlatformFault("platform.port", "the control API cannot listen on " + host + ":" + port
                        + ": the port is in use; pass --api-port with a free port (0 picks one)", e);
            }
            throw e;
        }
    }

    int port() {
        return port;
    }

    /** Stops listening: undeploying the verticle closes its server and the connections on it. */
    @Override
    public void close() throws Exception {
        vertx.undeploy(deployment).await(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
    }
}
