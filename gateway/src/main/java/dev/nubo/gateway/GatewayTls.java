package dev.nubo.gateway;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * TLS termination for the gateway: a second listening socket on {@code port} (0 picks a free one)
 * that serves the same routes as the plain one, with the user's certificate chain and private key
 * (PEM files; the key in PKCS#8, as {@code openssl req -newkey} writes it). Callers choose HTTP/2 or
 * HTTP/1.1 by ALPN. The plain port stays: the server's own clients (events, {@code nubo invoke})
 * reach services through it on loopback.
 *
 * <pre>{@code
 * GatewayConfig.defaults().withTls(new GatewayTls(Path.of("cert.pem"), Path.of("key.pem"), 8443))
 * }</pre>
 */
public record GatewayTls(Path certificate, Path key, int port, boolean redirectHttp) {

    /** @param redirectHttp whether requests over plain HTTP are answered 308 to HTTPS ({@link HttpsRedirect}) */
    public GatewayTls(Path certificate, Path key, int port) {
        this(certificate, key, port, false);
    }

    public GatewayTls {
        if (certificate == null || !Files.isReadable(certificate)) {
            throw new IllegalArgumentException("TLS certificate '" + certificate + "' cannot be read; pass --tls-cert with a PEM certificate chain");
        }
        if (key == null || !Files.isReadable(key)) {
            throw new IllegalArgumentException("TLS key '" + key + "' cannot be read; pass --tls-key with a PEM private key (PKCS#8)");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("HTTPS port " + port + " is out of range; pass 1-65535, or 0 for any free port");
        }
    }
}
