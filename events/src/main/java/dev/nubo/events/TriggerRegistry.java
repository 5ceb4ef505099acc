package dev.nubo.events;

import dev.nubo.eventsink.Destination;
import dev.nubo.model.UserError;
import io.cloudevents.CloudEvent;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Brokers and their triggers: held in memory for the event path (which matches every event against
 * them and must not wait for storage), stored in the event log, and read again from it now and then
 * ({@link #refresh}) so that what another node sharing the log created or deleted shows up here too.
 * Changes block on storage: call them from worker threads. A refresh and a change never interleave
 * (the methods that write are synchronized), so a refresh never brings back a trigger being deleted.
 */
final class TriggerRegistry {

    static final String DEFAULT_BROKER = "default";

    private final EventLog log;
    private final Map<String, Instant> brokers = new ConcurrentHashMap<>();
    private final Map<String, Trigger> triggers = new ConcurrentHashMap<>();

    private TriggerRegistry(EventLog log) {
        this.log = log;
    }

    /** The brokers and triggers stored in {@code log}. */
    static TriggerRegistry load(EventLog log) {
        TriggerRegistry registry = new TriggerRegistry(log);
        registry.refresh();
        return registry;
    }

    /**
     * Reads the stored brokers and triggers again, taking in those another node created and dropping those
     * it deleted; returns the triggers that are gone.
     */
    synchronized List<Trigger> refresh() {
        Map<String, Instant> storedBrokers = new HashMap<>();
        Map<String, Trigger> storedTriggers = new HashMap<>();
        log.read(sql -> {
            try (ResultSet rs = sql.get("SELECT name, created_at FROM brokers").executeQuery()) {
                while (rs.next()) {
                    storedBrokers.put(rs.getString(1), Instant.parse(rs.getString(2)));
                }
            }
            try (ResultSet rs = sql.get("SELECT spec, created_at FROM triggers").executeQuery()) {
                while (rs.next()) {
                    Trigger t = TriggerSpec.read(rs.getString(1), Instant.parse(rs.getString(2)));
                    storedTriggers.put(t.name(), t);
                }
            }
            return null;
        });
        brokers.putAll(storedBrokers);
        brokers.keySet().retainAll(storedBrokers.keySet());
        List<Trigger> gone = triggers.values().stream().filter(t -> !storedTriggers.containsKey(t.name())).toList();
        storedTriggers.forEach(triggers::putIfAbsent);
        gone.forEach(t -> triggers.remove(t.name()));
        return gone;
    }

    /** The triggers of {@code broker} that {@code event} passes. */
    List<Trigger> matching(String broker, CloudEvent event) {
        requireBroker(broker);
        List<Trigger> matched = new ArrayList<>(2);
        for (Trigger t : triggers.values()) {
            if (t.broker().equals(broker) && t.matches(event)) {
                matched.add(t);
            }
        }
        return matched;
    }

    Optional<Trigger> trigger(String name) {
        return Optional.ofNullable(triggers.get(name));
    }

    /** @throws UserError 404 {@code trigger.not_found} */
    Trigger require(String name) {
        return trigger(name).orElseThrow(() -> UserError.notFound("trigger.not_found", "no trigger named " + name,
                "`nubo trigger list` shows the triggers"));
    }

    /** By name. */
    List<Trigger> triggers() {
        return triggers.values().stream().sorted(Comparator.comparing(Trigger::name)).toList();
    }

    /** By name, each with how many triggers it has. */
    List<Broker> brokers() {
        return brokers.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(b -> new Broker(b.getKey(), b.getValue(),
                (int) triggers.values().stream().filter(t -> t.broker().equals(b.getKey())).count())).toList();
    }

    /** @throws UserError 404 {@code broker.not_found} */
    void requireBroker(String name) {
        if (!brokers.containsKey(name)) {
            throw UserError.notFound("broker.not_found", "no broker named " + name,
                    "`nubo broker list` shows the brokers; create one with `nubo broker create " + name + "`");
        }
    }

    /** Creates {@code name} unless it exists; returns whether it was created. */
    synchronized boolean createBroker(String name, Instant now) {
        new Destination.Broker(name); // validates the name
        if (brokers.containsKey(name)) {
            return false;
        }
        log.write(sql -> {
            var st = sql.get("INSERT INTO brokers (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING");
            st.setString(1, name);
            st.setString(2, now.toString());
            return st.executeUpdate();
        }).join();
        return brokers.putIfAbsent(name, now) == null;
    }

    synchronized void deleteBroker(String name) {
        requireBroker(name);
        if (name.equals(DEFAULT_BROKER)) {
            throw UserError.conflict("broker.default", "the default broker cannot be deleted", "delete the triggers you no longer need instead");
        }
        List<String> using = triggers.values().stream().filter(t -> t.broker().equals(name)).map(Trigger::name).sorted().toList();
        if (!using.isEmpty()) {
            throw UserError.conflict("broker.in_use", "the broker " + name + " still has triggers: " + String.join(", ", using),
                    "delete them first with `nubo trigger delete NAME`");
        }
        log.write(sql -> {
            var st = sql.get("DELETE FROM brokers WHERE name = ?");
            st.setString(1, name);
            return st.executeUpdate();
        }).join();
        brokers.remove(name);
    }

    /** @throws UserError 404 {@code broker.not_found}, 409 {@code trigger.exists} */
    synchronized void create(Trigger t) {
        requireBroker(t.broker());
        if (triggers.containsKey(t.name())) {
            throw UserError.conflict("trigger.exists", "a trigger named " + t.name() + " already exists",
                    "pick another name, or `nubo trigger delete " + t.name() + "` first");
        }
        String spec = TriggerSpec.write(t);
        log.write(sql -> {
            var st = sql.get("INSERT INTO triggers (name, broker, spec, created_at) VALUES (?, ?, ?, ?)");
            st.setString(1, t.name());
            st.setString(2, t.broker());
            st.setString(3, spec);
            st.setString(4, t.createdAt().toString());
            return st.executeUpdate();
        }).join();
        triggers.put(t.name(), t);
    }

    /**
     * Deletes the trigger {@code name} and its pending deliveries, wherever they are leased; its dead letters
     * stay. It is forgotten first, so that no new event is routed to it, then {@code dropQueued} drops what
     * this node holds of it, then the rows go.
     *
     * @throws UserError 404 {@code trigger.not_found}
     */
    synchronized void delete(String name, java.util.function.Consumer<Trigger> dropQueued) {
        Trigger t = require(name);
        triggers.remove(name);
        dropQueued.accept(t);
        log.write(sql -> {
            var st = sql.get("DELETE FROM triggers WHERE name = ?");
            st.setString(1, t.name());
            st.executeUpdate();
            var pending = sql.get("DELETE FROM deliveries WHERE origin = ?");
            pending.setString(1, t.origin());
            return pending.executeUpdate();
        }).join();
    }
}
