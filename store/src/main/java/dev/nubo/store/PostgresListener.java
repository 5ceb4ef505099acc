package dev.nubo.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on the change feed's channel on a connection of its own (a listening session must stay
 * open, so it is not the pool's), and wakes this node's waiters at every notification. When the
 * connection is lost it connects again, with a growing pause, and wakes the waiters once connected,
 * for what it may have missed; meanwhile waiters poll.
 */
final class PostgresListener implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PostgresListener.class);
    /** How long one wait for notifications lasts: also how soon a close is noticed. */
    private static final int WAIT_MS = 500;
    private static final Duration MAX_PAUSE = Duration.ofSeconds(5);

    private final StoreLocation.PostgresUrl location;
    private final Properties properties;
    private final Signal signal;
    private final Thread thread;
    private volatile boolean open = true;

    private PostgresListener(StoreLocation.PostgresUrl location, Properties properties, Signal signal) {
        this.location = location;
        this.properties = properties;
        this.signal = signal;
        this.thread = Thread.ofPlatform().daemon().name("nubo-store-listener").unstarted(this::run);
    }

    static PostgresListener start(StoreLocation.PostgresUrl location, Properties properties, Signal signal) {
        PostgresListener listener = new PostgresListener(location, properties, signal);
        listener.thread.start();
        return listener;
    }

    private void run() {
        Duration pause = Duration.ofMillis(100);
        boolean warned = false;
        while (open) {
            try (Connection c = DriverManager.getConnection(location.jdbcUrl(), properties)) {
                try (var st = c.createStatement()) {
                    st.execute("LISTEN " + Postgresql.CHANNEL);
                }
                if (warned) {
                    log.info("listening for changes in {} again", location);
                }
                warned = false;
                pause = Duration.ofMillis(100);
                signal.signal(); // whatever committed while nobody listened
                PGConnection pg = c.unwrap(PGConnection.class);
                while (open) {
                    PGNotification[] received = pg.getNotifications(WAIT_MS);
                    if (received != null && received.length > 0) {
                        signal.signal();
                    }
                }
            } catch (SQLException e) {
                if (!open) {
                    return;
                }
                if (!warned) {
                    log.warn("lost the notifications of {} ({}); other nodes' changes are seen by polling until it is back",
                            location, e.getMessage());
                    warned = true;
                }
                sleep(pause);
                pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
            }
        }
    }

    private void sleep(Duration pause) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            open = false;
        }
    }

    @Override
    public void close() {
        open = false;
        thread.interrupt();
        try {
            thread.join(Duration.ofMillis(2 * WAIT_MS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
