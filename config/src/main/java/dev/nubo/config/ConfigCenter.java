package dev.nubo.config;

import dev.nubo.model.UserError;
import dev.nubo.store.ConfigLog;
import dev.nubo.store.ConfigVersion;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The configuration center: each application's keys and values per profile, every change a new
 * version in the store ({@link ConfigLog}), served to Spring apps in the Config Server's format and
 * pushed to running instances after each change.
 *
 * <pre>{@code
 * ConfigCenter config = new ConfigCenter(store.config(), running, secret, InstantSource.system());
 * config.set("orders", "default", Map.of("greeting", "hello"), List.of());  // version 1, pushed
 * config.environment("orders", List.of("prod"), Optional.empty(), "orders-00001-ab3xk");  // what Spring reads
 * config.rollback("orders", 1);                                             // version 2 = version 1
 * }</pre>
 *
 * <p>Values are kept as written. A value of the form {@code {secret: NAME/KEY}} is a reference to a
 * secret, resolved by {@link SecretReferences} only in what is served to instances that may read it:
 * an app's own instances for its keys, every instance for the shared {@code application}'s; the
 * history, {@code get}, the watch and the API show the reference.
 */
public final class ConfigCenter implements AutoCloseable {

    private static final int HISTORY_LIMIT = 1000;

    private final ConfigLog log;
    private final RunningInstances running;
    private final byte[] secret;
    private final InstantSource clock;
    private final Deliveries deliveries = new Deliveries();
    private final Refresh refresh;
    private final SecretReferences secrets;
    private final ConfigWatchers watchers = new ConfigWatchers();
    private volatile boolean closed;

    /**
     * @param secret what the instances' credentials are derived from (a server secret, never sent)
     */
    public ConfigCenter(ConfigLog log, RunningInstances running, byte[] secret, InstantSource clock) {
        this(log, running, secret, clock, SecretReferences.NONE);
    }

    /** @param secrets what {@code {secret: NAME/KEY}} values are replaced with when served */
    public ConfigCenter(ConfigLog log, RunningInstances running, byte[] secret, InstantSource clock, SecretReferences secrets) {
        this.log = log;
        this.running = running;
        this.secret = secret.clone();
        this.clock = clock;
        this.secrets = secrets;
        this.refresh = new Refresh(deliveries, clock);
    }

    /** Sets and removes keys of one profile of {@code app}; a new version unless nothing changes. Pushed to its instances. */
    public ConfigVersion set(String app, String profile, Map<String, String> set, List<String> unset) {
        return push(write(app, profile, set, unset));
    }

    /**
     * As {@link #set(String, String, Map, List)}, without pushing the new version: for a caller that
     * rolls out new instances instead, which read it as they start.
     */
    public ConfigVersion setQuietly(String app, String profile, Map<String, String> set, List<String> unset) {
        return write(app, profile, set, unset);
    }

    private ConfigVersion write(String app, String profile, Map<String, String> set, List<String> unset) {
        Names.app(app);
        Names.profile(profile);
        set.keySet().forEach(Names::key);
        unset.forEach(Names::key);
        if (set.isEmpty() && unset.isEmpty()) {
            throw UserError.badRequest("config.invalid", "nothing to set or unset", "give KEY=VALUE pairs, e.g. greeting=hello");
        }
        List<String> words = new ArrayList<>();
        if (!set.isEmpty()) {
            words.add("set " + String.join(", ", set.keySet()));
        }
        if (!unset.isEmpty()) {
            words.add("unset " + String.join(", ", unset));
        }
        String where = profile.equals(ConfigVersion.DEFAULT_PROFILE) ? "" : " (profile " + profile + ")";
        return log.change(app, all -> {
            SortedMap<String, SortedMap<String, String>> next = new TreeMap<>(all);
            SortedMap<String, String> keys = new TreeMap<>(next.getOrDefault(profile, new TreeMap<>()));
            keys.putAll(set);
            unset.forEach(keys::remove);
            next.put(profile, keys);
            return next;
        }, String.join("; ", words) + where, clock.instant());
    }

    /**
     * Adds the keys of a Spring configuration file ({@code .yml}, {@code .yaml} or {@code .properties})
     * to {@code app}, documents without a profile to {@code profile}: one new version.
     */
    public ConfigVersion importFile(String app, String profile, String fileName, String text) {
        Names.app(app);
        Names.profile(profile);
        Map<String, Map<String, String>> read = ConfigFiles.read(fileName, text, profile);
        read.keySet().forEach(Names::profile);
        read.values().forEach(keys -> keys.keySet().forEach(Names::key));
        int count = read.values().stream().mapToInt(Map::size).sum();
        return push(log.change(app, all -> {
            SortedMap<String, SortedMap<String, String>> next = new TreeMap<>(all);
            read.forEach((p, keys) -> {
                SortedMap<String, String> merged = new TreeMap<>(next.getOrDefault(p, new TreeMap<>()));
                merged.putAll(keys);
                next.put(p, merged);
            });
            return next;
        }, "import " + fileName + " (" + count + (count == 1 ? " key)" : " keys)"), clock.instant()));
    }

    /** A new version equal to {@code version}. Pushed to the instances. */
    public ConfigVersion rollback(String app, int version) {
        ConfigVersion old = log.version(app, version).orElseThrow(() -> {
            int newest = latest(app).version();
            return UserError.notFound("config.version_not_found", app + " has no configuration version " + version,
                    "its versions are 1 to " + newest + ": see nubo config history " + app);
        });
        return push(log.change(app, all -> old.profiles(), "rollback to version " + version, clock.instant()));
    }

    /** @throws UserError 404 {@code config.not_found} when {@code app} has no configuration */
    public ConfigVersion latest(String app) {
        return log.latest(app).orElseThrow(() -> notFound(app));
    }

    public List<ConfigVersion> history(String app) {
        List<ConfigVersion> versions = log.history(app, HISTORY_LIMIT);
        if (versions.isEmpty()) {
            throw notFound(app);
        }
        return versions;
    }

    public List<String> apps() {
        return log.apps();
    }

    /**
     * The Spring Config Server's Environment for {@code app} and the comma-separated {@code profiles},
     * as {@code instance} fetches it: which version it got is recorded for {@link #status}.
     */
    public Map<String, Object> environment(String app, String profiles, Optional<String> label, Optional<String> instance) {
        Names.app(app);
        List<String> list = java.util.Arrays.stream(profiles.split(",")).map(String::trim).filter(p -> !p.isEmpty()).toList();
        list.forEach(Names::profile);
        Optional<ConfigVersion> own = log.latest(app);
        Optional<ConfigVersion> shared = app.equals(SpringEnvironment.SHARED) ? Optional.empty() : log.latest(SpringEnvironment.SHARED);
        instance.ifPresent(i -> deliveries.fetched(i, app, own.map(ConfigVersion::version).orElse(0), clock.instant()));
        // Secrets only to what may read them: the shared application's to every instance, an app's own to its instances.
        boolean ownInstance = instance.flatMap(Names::serviceOf).filter(app::equals).isPresent();
        return SpringEnvironment.of(app, list.isEmpty() ? List.of(ConfigVersion.DEFAULT_PROFILE) : list, label, own, shared,
                ownInstance ? secrets::resolve : keys -> keys, instance.isPresent() ? secrets::resolve : keys -> keys);
    }

    /** The keys and values an app with these profiles resolves to: the {@code /{app}-{profiles}.properties} view. */
    public Map<String, String> resolved(String app, String profiles, Optional<String> instance) {
        return SpringEnvironment.merged(environment(app, profiles, Optional.empty(), instance));
    }

    /** The version an instance last fetched (of application {@code app}: a Spring app may name another), and when. */
    public record Fetched(String app, int version, java.time.Instant at) {}

    /** How the last push of {@code version} to an instance went: {@code refreshed}, or what failed and what to do. */
    public record Pushed(int version, java.time.Instant at, String outcome) {}

    /** One instance's view: the version it last fetched, and the last push to it. */
    public record InstanceStatus(String instance, Optional<Fetched> fetched, Optional<Pushed> push) {}

    /** Which of {@code service}'s running instances received which version. */
    public List<InstanceStatus> status(String service) {
        List<RunningInstances.Running> now = running.of(service);
        deliveries.retain(service, now.stream().map(RunningInstances.Running::id).collect(java.util.stream.Collectors.toSet()));
        return now.stream().map(r -> new InstanceStatus(r.id(), deliveries.fetch(r.id()), deliveries.push(r.id()))).toList();
    }

    /**
     * The credential an instance presents to read configuration: derived from the server's secret and
     * the instance's id, so it survives a server restart and proves the caller was given it by Nubo.
     */
    public String credential(String instance) {
        return credential(secret, instance);
    }

    static String credential(byte[] secret, String instance) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] digest = mac.doFinal(("nubo-config:" + instance).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 18));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /**
     * The variables that point an instance's Spring Cloud Config client at this server, so that an
     * unmodified app needs no setting: {@code SPRING_CONFIG_IMPORT} (Boot's {@code spring.config.import},
     * {@code optional:} so the app starts whatever happens to the config server) at a URL that carries
     * the instance's id and credential, and {@code SPRING_CLOUD_CONFIG_NAME}, the service's name, as
     * the application whose configuration it reads.
     *
     * @param apiUrl where instances reach the control API, e.g. {@code http://127.0.0.1:8081}
     */
    public static Map<String, String> clientEnvironment(String apiUrl, byte[] secret, String service, String instance) {
        return Map.of("SPRING_CONFIG_IMPORT", "optional:configserver:" + apiUrl + "/config/" + instance + "/" + credential(secret, instance),
                "SPRING_CLOUD_CONFIG_NAME", service);
    }

    /** Whether {@code credential} is {@code instance}'s, compared in constant time. */
    public boolean verify(String instance, String credential) {
        return MessageDigest.isEqual(credential(instance).getBytes(StandardCharsets.UTF_8), credential.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Pushes the newest version again to every ready instance that fetched an older one and was not
     * sent the newest: an instance that read its configuration while it started, before a change, and
     * became ready after the change was pushed to the others. Cheap when all are current: one read of
     * the store per application that instances fetched.
     */
    public void catchUp() {
        java.util.Set<String> apps = deliveries.fetchedApps();
        for (String app : apps) {
            Optional<ConfigVersion> latest = log.latest(app);
            if (latest.isEmpty() || app.equals(SpringEnvironment.SHARED)) {
                continue;
            }
            int newest = latest.get().version();
            for (RunningInstances.Running r : running.of(app)) {
                boolean behind = deliveries.fetch(r.id()).filter(f -> f.app().equals(app) && f.version() < newest).isPresent();
                boolean sent = deliveries.push(r.id()).filter(p -> p.version() >= newest).isPresent();
                if (behind && !sent) {
                    refresh.push(r, newest);
                }
            }
        }
    }

    /** Runs {@link #catchUp} every {@code period}, on a virtual thread, until {@link #close}. */
    public ConfigCenter catchUpEvery(java.time.Duration period) {
        Thread.ofVirtual().name("nubo-config-catch-up").start(() -> {
            while (!closed) {
                try {
                    Thread.sleep(period);
                    catchUp();
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    org.slf4j.LoggerFactory.getLogger(ConfigCenter.class).warn("catching up configuration pushes failed", e);
                }
            }
        });
        return this;
    }

    /** Stops pushing. */
    @Override
    public void close() {
        closed = true;
        refresh.close();
    }

    /**
     * Pushes a new version to the running instances that read it: the app's own, or for the shared
     * {@code application}, every instance that fetched any application's configuration (each is sent
     * its own application's newest version, which is what its status compares against). Watchers hear of it too.
     */
    private ConfigVersion push(ConfigVersion v) {
        if (v.app().equals(SpringEnvironment.SHARED)) {
            for (String app : deliveries.fetchedApps()) {
                if (!app.equals(SpringEnvironment.SHARED)) {
                    int own = log.latest(app).map(ConfigVersion::version).orElse(0);
                    running.of(app).forEach(r -> refresh.push(r, own));
                }
            }
        } else {
            running.of(v.app()).forEach(r -> refresh.push(r, v.version()));
        }
        watchers.changed(v);
        return v;
    }

    /**
     * Calls {@code watcher} with each new version of {@code app}'s configuration or of the shared
     * {@code application} (every app reads it), on the thread that made the change, so it must not
     * block; the returned action stops that.
     */
    public Runnable watch(String app, java.util.function.Consumer<ConfigVersion> watcher) {
        Names.app(app);
        return watchers.add(app, watcher);
    }

    private static UserError notFound(String app) {
        return UserError.notFound("config.not_found", "no configuration for application " + app,
                "set some with: nubo config set " + app + " KEY=VALUE");
    }

    /** The keys of one version and profile, for views. */
    public static Map<String, Object> view(ConfigVersion v) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("app", v.app());
        out.put("version", v.version());
        out.put("change", v.change());
        out.put("createdAt", v.createdAt().toString());
        out.put("profiles", v.profiles());
        return out;
    }
}
