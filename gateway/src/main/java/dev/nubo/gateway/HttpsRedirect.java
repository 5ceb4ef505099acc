package dev.nubo.gateway;

import dev.nubo.model.EventHeader;
import java.util.Map;
import java.util.Optional;

/**
 * {@code --https-redirect}: a request over plain HTTP is answered 308 to the same URL over HTTPS, so a
 * browser never sends its cookies or tokens in the clear twice. The server's own requests (with its
 * {@link EventHeader#KEY}: invocations, event deliveries, authorizer calls) still pass on the plain
 * port, which they use on loopback.
 */
final class HttpsRedirect {

    private HttpsRedirect() {}

    static Optional<FrontDoor.Answer> of(Exchange exchange, int httpsPort) {
        if (exchange.secure() || EventHeader.trusted(exchange.header(EventHeader.KEY))) {
            return Optional.empty();
        }
        String host = exchange.host();
        int colon = host.lastIndexOf(':');
        String name = colon > 0 && host.indexOf(']') < colon ? host.substring(0, colon) : host;
        if (name.isEmpty()) {
            return Optional.empty();  // HTTP/1.0 without Host: nowhere to send it; routing answers
        }
        String location = "https://" + name + (httpsPort == 443 ? "" : ":" + httpsPort) + exchange.uri();
        return Optional.of(new FrontDoor.Answer(308, Map.of("location", location, "content-type", "text/plain"),
                ("Moved to " + location + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
