package dev.nubo.gateway;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * An instance with the header parser of Python's http.server: it stops reading headers at the
 * first line that is not {@code name: value} with a token name, and ignores what follows, a
 * {@code Content-Length} included. It answers every request with {@code answer to PATH} on a
 * keep-alive connection. Asked for {@link #HELD}, it answers only once the next request has
 * arrived on the connection: so a request smuggled in a body is answered to whoever sends next.
 */
final class LenientInstance implements AutoCloseable {

    static final String HELD = "/held";
    private static final Pattern HEADER = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+:.*");

    /** The paths of every request this instance has read, in order. */
    final List<String> paths = new CopyOnWriteArrayList<>();
    private final ServerSocket server;

    LenientInstance() {
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofVirtual().start(this::accept);
    }

    Endpoint endpoint(String id) {
        return new Endpoint(id, "127.0.0.1", server.getLocalPort());
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException e) {
                return;  // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            for (String requestLine = line(in); requestLine != null && !requestLine.isEmpty(); requestLine = line(in)) {
                long length = 0;
                boolean inHeaders = true;
                for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
                    inHeaders = inHeaders && HEADER.matcher(header).matches();
                    if (inHeaders && header.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                        length = Long.parseLong(header.substring(15).trim());
                    }
                }
                in.readNBytes((int) length);
                String path = requestLine.split(" ")[1];
                paths.add(path);
                if (path.equals(HELD)) {
                    for (int waited = 0; in.available() == 0 && waited < 5_000; waited += 10) {
                        Thread.sleep(10);
                    }
                }
                byte[] body = ("answer to " + path).getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(body);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the gateway closed the connection
        }
    }

    /** One line without its CRLF; null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c == -1) {
                return null;
            }
            line.write(c);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
