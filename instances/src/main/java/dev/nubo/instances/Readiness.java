package dev.nubo.instances;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * One readiness check of a process on 127.0.0.1: a TCP connect, or an HTTP GET of a path answered
 * with 2xx or 3xx. A raw socket rather than java.net.http: one request per probe, no connection
 * pool to hold on to a half-started server, and no client thread pool to shut down.
 */
record Readiness(int port, Optional<String> path) {

    /** A probe that takes longer than this counts as "not ready yet"; loopback answers in microseconds. */
    private static final int TIMEOUT_MILLIS = 1000;

    boolean probe() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MILLIS);
            if (path.isEmpty()) {
                return true;
            }
            socket.setSoTimeout(TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path.get() + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nUser-Agent: nubo-readiness\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1))
                    .readLine();
            return status != null && isSuccess(status);
        } catch (IOException e) {
            return false;
        }
    }

    /** For messages: "GET /healthz" or "TCP port 40000". */
    String describe() {
        return path.map(p -> "GET " + p).orElse("TCP port " + port);
    }

    /** "HTTP/1.1 204 No Content" is ready; "HTTP/1.0 503 ..." is not. */
    static boolean isSuccess(String statusLine) {
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            return false;
        }
        try {
            int code = Integer.parseInt(parts[1]);
            return code >= 200 && code < 400;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
