package dev.nubo.server;

import java.util.function.Consumer;

/**
 * Where the control plane hears that a service's stored records changed: a deploy, a traffic change,
 * a rollback, a delete. The reconciler subscribes its work queue; what a change was does not matter
 * to it, since a pass reads the service whole.
 *
 * <p>The source is the store's change feed ({@link FeedChanges}): it tells every node of every write,
 * so a second node's reconciler hears the deploys made through the first, and writers announce nothing.
 * The reconciler sees only this port, so a test hands it changes with a lambda.
 */
interface ServiceChanges {

    /** Calls {@code listener} with the name of each service that changes from now on; it must return quickly. */
    void subscribe(Consumer<String> listener);
}
