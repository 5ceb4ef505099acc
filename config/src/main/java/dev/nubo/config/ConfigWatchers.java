package dev.nubo.config;

import dev.nubo.store.ConfigVersion;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who watches which application's configuration (the watch API's streams). A new version of an app
 * goes to its watchers; one of the shared {@code application}, which every app reads, to all of them.
 */
final class ConfigWatchers {

    private static final Logger log = LoggerFactory.getLogger(ConfigWatchers.class);
    private final Map<String, List<Consumer<ConfigVersion>>> byApp = new ConcurrentHashMap<>();

    Runnable add(String app, Consumer<ConfigVersion> watcher) {
        byApp.computeIfAbsent(app, a -> new CopyOnWriteArrayList<>()).add(watcher);
        return () -> byApp.getOrDefault(app, List.of()).remove(watcher);
    }

    void changed(ConfigVersion v) {
        boolean shared = v.app().equals(SpringEnvironment.SHARED);
        byApp.forEach((app, watchers) -> {
            if (shared || app.equals(v.app())) {
                for (Consumer<ConfigVersion> w : watchers) {
                    try {
                        w.accept(v);
                    } catch (RuntimeException e) {
                        // One watcher's failure (its connection closing, say) is its own: the change and the others go on.
                        log.debug("a configuration watcher of {} failed on version {}", app, v.version(), e);
                    }
                }
            }
        });
    }
}
