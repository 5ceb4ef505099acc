package dev.nubo.function;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** What a function knows about the invocation it is serving. */
public interface Context {

    /** The request id the gateway gave this request (also in the {@code X-Request-Id} header). */
    String requestId();

    /** The service name from {@code nubo.yaml}. */
    String functionName();

    /** The immutable revision serving this invocation, e.g. {@code hello-java-00003}. */
    String revision();

    /** When the gateway stops waiting and answers 504; work past this point is wasted. */
    Instant deadline();

    /** Time left until {@link #deadline()}, never negative. */
    default Duration remainingTime() {
        Duration left = Duration.between(Instant.now(), deadline());
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** Writes to the instance's log, tagged with the request id; read it with {@code nubo logs}. */
    Logger logger();

    /** The service's environment from {@code nubo.yaml} (also visible through {@code System.getenv}). */
    Map<String, String> env();
}
