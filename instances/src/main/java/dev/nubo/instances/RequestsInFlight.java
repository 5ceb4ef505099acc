package dev.nubo.instances;

import java.util.Optional;

/**
 * Which request an instance is serving, so that a line its process writes without a request id can
 * be attributed to that request ({@link Instances#attributeLines}). The server plugs in the gateway,
 * which knows what it has sent to each instance.
 *
 * <p>Asked once per line on the thread that read it, so it must be cheap and thread-safe.
 */
public interface RequestsInFlight {

    /** No attribution: the default. */
    RequestsInFlight NONE = instanceId -> Optional.empty();

    /** The id of the one request the instance is serving now; empty when it serves none or several. */
    Optional<String> alone(String instanceId);
}
