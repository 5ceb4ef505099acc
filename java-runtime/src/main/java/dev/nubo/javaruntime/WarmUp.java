package dev.nubo.javaruntime;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one request of every kind through the host's real serving path, so that a pooled host has
 * loaded, linked and initialised all it will need before it knows its function, and a training run
 * archives those classes for every host. Each of {@link WarmUpSamples} is loaded from the host's own
 * code by {@link FunctionLoader}, in its own class loader as a user's function is, put behind an
 * {@link InvocationEndpoint} on a loopback server with an ephemeral port, and called once over a
 * socket; then the server closes. Nothing is printed: the samples do not log.
 */
final class WarmUp {

    /** Path on the warm-up server, handler as nubo.yaml would name it, request body. */
    private record Call(String path, String handler, String body) {}

    private static final String SAMPLES = WarmUpSamples.class.getName() + "$";

    private static final List<Call> CALLS = List.of(
            new Call("/handler", SAMPLES + "Greeter",
                    "{\"name\":\"warm-up\",\"numbers\":[1,2,3],\"unknown\":{\"a\":[true,null,1.5,\"x\"]}}"),
            new Call("/http", SAMPLES + "Echo", "warm-up"),
            new Call("/lambda", SAMPLES + "LambdaGreeter", "{\"name\":\"warm-up\",\"unknown\":1}"),
            new Call("/lambda-stream", SAMPLES + "LambdaEcho", "{\"name\":\"warm-up\"}"),
            new Call("/lambda-method", SAMPLES + "LambdaMethod::greet", "{\"name\":\"warm-up\"}"));

    private WarmUp() {}

    static void run() throws IOException {
        Path code = hostCode();
        // Parsed as a fresh start parses its own, for the classes; the endpoints never read the port.
        HostConfig config = HostConfig.from(Map.of("PORT", "1", "NUBO_HANDLER", SAMPLES + "Greeter", "NUBO_CODE", code.toString(),
                "NUBO_SERVICE", "warm-up", "NUBO_REVISION", "warm-up", "NUBO_INSTANCE", "warm-up"));
        HttpServer server = JavaHost.server();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        List<URLClassLoader> loaders = new ArrayList<>();
        try {
            for (Call call : CALLS) {
                UserFunction function = FunctionLoader.load(code, call.handler());
                loaders.add((URLClassLoader) function.handlerClass().getClassLoader());
                server.createContext(call.path(), new InvocationEndpoint(function, config, InstantSource.system()));
            }
            server.start();
            for (Call call : CALLS) {
                String response = send(server.getAddress(), call);
                if (!response.startsWith("HTTP/1.1 200 ")) {
                    throw new IllegalStateException("warm-up request to " + call.handler() + " failed:\n" + response);
                }
            }
        } finally {
            server.stop(0);
            for (URLClassLoader loader : loaders) {
                loader.close();
            }
        }
        // Serving registers a shutdown hook; the first registration loads and initialises the machinery.
        Thread hook = new Thread("nubo-warm-up");
        Runtime.getRuntime().addShutdownHook(hook);
        Runtime.getRuntime().removeShutdownHook(hook);
    }

    /** One request on a connection of its own, as the gateway sends them; the whole response. */
    private static String send(InetSocketAddress address, Call call) throws IOException {
        byte[] body = call.body().getBytes(StandardCharsets.UTF_8);
        String head = "POST " + call.path() + " HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: warm-up\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
        try (SocketChannel channel = SocketChannel.open(address)) {
            channel.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
            channel.write(ByteBuffer.wrap(body));
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            while (channel.read(buffer.clear()) >= 0) {
                response.write(buffer.array(), 0, buffer.position());
            }
            return response.toString(StandardCharsets.UTF_8);
        }
    }

    /** The jar (or classes directory) the host runs from, which holds the samples. */
    private static Path hostCode() {
        try {
            return Path.of(WarmUp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new UncheckedIOException(new IOException("cannot locate the Java host's own code", e));
        }
    }
}
