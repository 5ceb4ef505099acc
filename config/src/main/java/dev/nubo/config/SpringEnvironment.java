package dev.nubo.config;

import dev.nubo.store.ConfigVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Spring Cloud Config Server's answer to {@code GET /{application}/{profile}[/{label}]}: its
 * {@code Environment} JSON ({@code name, profiles, label, version, state, propertySources}), with
 * the property sources in the server's order, the first winning: for each requested profile, the
 * last first, the application's then the shared {@code application}'s keys of that profile; then
 * the application's and the shared profile-less keys. The {@code default} profile is the profile-less
 * part, so it is not listed twice. Empty, not an error, for an application with no configuration, as
 * Spring's server answers: an app with nothing configured still starts.
 */
final class SpringEnvironment {

    /** The shared application every application also reads, as a Spring config server's {@code application.yml}. */
    static final String SHARED = "application";

    private SpringEnvironment() {}

    static Map<String, Object> of(String app, List<String> profiles, Optional<String> label, Optional<ConfigVersion> own,
            Optional<ConfigVersion> shared) {
        return of(app, profiles, label, own, shared, keys -> keys, keys -> keys);
    }

    /**
     * @param values       what is served of the app's own keys (their secrets resolved, or not)
     * @param sharedValues the same for the shared application's keys
     */
    static Map<String, Object> of(String app, List<String> profiles, Optional<String> label, Optional<ConfigVersion> own,
            Optional<ConfigVersion> shared, java.util.function.UnaryOperator<Map<String, String>> values,
            java.util.function.UnaryOperator<Map<String, String>> sharedValues) {
        List<Map<String, Object>> sources = new ArrayList<>();
        for (String profile : profiles.reversed()) {
            if (!profile.equals(ConfigVersion.DEFAULT_PROFILE)) {
                add(sources, app + "-" + profile, own, profile, values);
                if (!app.equals(SHARED)) {
                    add(sources, SHARED + "-" + profile, shared, profile, sharedValues);
                }
            }
        }
        add(sources, app, own, ConfigVersion.DEFAULT_PROFILE, values);
        if (!app.equals(SHARED)) {
            add(sources, SHARED, shared, ConfigVersion.DEFAULT_PROFILE, sharedValues);
        }
        Map<String, Object> environment = new LinkedHashMap<>();
        environment.put("name", app);
        environment.put("profiles", profiles);
        environment.put("label", label.orElse(null));
        environment.put("version", own.map(v -> Integer.toString(v.version())).orElse(null));
        environment.put("state", null);
        environment.put("propertySources", sources);
        return environment;
    }

    private static void add(List<Map<String, Object>> sources, String name, Optional<ConfigVersion> version, String profile,
            java.util.function.UnaryOperator<Map<String, String>> values) {
        version.filter(v -> !v.profile(profile).isEmpty()).ifPresent(v -> {
            Map<String, Object> source = new LinkedHashMap<>();
            source.put("name", "nubo:" + name + "@" + v.version());
            source.put("source", values.apply(v.profile(profile)));
            sources.add(source);
        });
    }

    /** The keys and values {@code environment} resolves to, the first source winning: the {@code .properties} and {@code .yml} views. */
    @SuppressWarnings("unchecked")
    static Map<String, String> merged(Map<String, Object> environment) {
        Map<String, String> out = new java.util.TreeMap<>();
        for (Map<String, Object> source : (List<Map<String, Object>>) environment.get("propertySources")) {
            ((Map<String, String>) source.get("source")).forEach(out::putIfAbsent);
        }
        return out;
    }
}
