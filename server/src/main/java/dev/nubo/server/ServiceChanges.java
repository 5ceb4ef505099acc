package dev.nubo.server;

import java.util.function.Consumer;

/**
 * Where the control plane hears that a service's stored records changed: a deploy, a traffic change,
 * a rollback, a delete. The reconciler subscribes its work queue; what a change was does not matter
 * to it, since a pass reads the service whole.
 *
 * <p>Today the source is this process's own writes ({@link LocalChanges}). The store's change feed is
 * the other source: it tells every node of every write, so a second node's reconciler hears the deploys
 * made through the first. It plugs in as another implementation, and then writers stop announcing.
 */
interface ServiceChanges {

    /** Calls {@code listener} with the name of each service that changes from now on; it must return quickly. */
    void subscribe(Consumer<String> listener);
}
