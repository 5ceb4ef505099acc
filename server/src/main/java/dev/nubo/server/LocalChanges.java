package dev.nubo.server;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Service changes announced in-process by whoever wrote them ({@link Deployments}), right after the
 * write. Only this node hears them: the in-process stand-in for the store's change feed.
 */
final class LocalChanges implements ServiceChanges {

    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    @Override
    public void subscribe(Consumer<String> listener) {
        listeners.add(listener);
    }

    /** The service's stored records changed. */
    void changed(String service) {
        listeners.forEach(l -> l.accept(service));
    }
}
