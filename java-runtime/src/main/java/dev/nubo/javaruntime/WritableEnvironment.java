package dev.nubo.javaruntime;

import java.lang.reflect.Field;
import java.util.Map;

/**
 * This process's own environment, made writable, for a pooled host that learns its function's
 * variables only after it started. Java has no {@code setenv}: the JDK reads the environment once
 * into {@code java.lang.ProcessEnvironment}, whose {@code theUnmodifiableEnvironment} is an
 * unmodifiable view over a live map that {@code System.getenv(name)}, {@code System.getenv()} and
 * {@code ProcessBuilder.environment()} all read. Writing to that live map through reflection makes a
 * variable visible to all three, so to user code exactly as in a fresh start, and to child processes
 * started with a {@code ProcessBuilder} whose environment was asked for (a {@code ProcessBuilder}
 * that never touched it, and {@code Runtime.exec}, pass on the OS-level environment, which is the
 * pool's: the JDK offers no way to change it).
 *
 * <p>Needs the JVM flags {@code --add-opens java.base/java.lang=ALL-UNNAMED --add-opens
 * java.base/java.util=ALL-UNNAMED}, which the platform gives pooled hosts. The reflection is done by
 * {@link #open()}, during warm-up; a failure surfaces when the variables are set.
 */
final class WritableEnvironment {

    private final Map<String, String> live;
    private final Exception unavailable;

    private WritableEnvironment(Map<String, String> live, Exception unavailable) {
        this.live = live;
        this.unavailable = unavailable;
    }

    static WritableEnvironment open() {
        try {
            Class<?> processEnvironment = Class.forName("java.lang.ProcessEnvironment");
            Field view = processEnvironment.getDeclaredField("theUnmodifiableEnvironment");
            view.setAccessible(true);
            Object unmodifiable = view.get(null);
            // Collections.UnmodifiableMap keeps the map it wraps in `m`.
            Field wrapped = unmodifiable.getClass().getDeclaredField("m");
            wrapped.setAccessible(true);
            @SuppressWarnings("unchecked")
            Map<String, String> live = (Map<String, String>) wrapped.get(unmodifiable);
            return new WritableEnvironment(live, null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return new WritableEnvironment(null, e);
        }
    }

    /** Sets {@code variables} and removes {@code removed}; fails with the JVM flags that are missing. */
    void update(Map<String, String> variables, String removed) {
        if (unavailable != null) {
            throw new InitFailure("cannot set the function's environment variables in this pooled JVM: " + unavailable
                    + " (start pooled Java hosts with --add-opens java.base/java.lang=ALL-UNNAMED"
                    + " --add-opens java.base/java.util=ALL-UNNAMED)");
        }
        live.putAll(variables);
        live.remove(removed);
    }
}
