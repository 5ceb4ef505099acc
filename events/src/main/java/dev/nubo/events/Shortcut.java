package dev.nubo.events;

import java.util.Optional;

/**
 * A way past the gateway's front door for a delivery whose service has an instance with room: the
 * gateway hands out a slot on that instance in-process (counted in flight like any request, so
 * draining and the autoscaler see it), and the dispatcher sends straight to it, saving an HTTP hop.
 * When there is no such slot (the service is at zero, full, or has requests waiting), the delivery
 * goes through the gateway as usual, which starts an instance and holds it.
 */
@FunctionalInterface
public interface Shortcut {

    /** A slot on an instance, to be released exactly once when the exchange has ended. */
    record Lease(String host, int port, Runnable release) {}

    /** Never takes a shortcut: every delivery goes through the gateway. */
    Shortcut NONE = (service, bodyLength) -> Optional.empty();

    Optional<Lease> claim(String service, long bodyLength);
}
