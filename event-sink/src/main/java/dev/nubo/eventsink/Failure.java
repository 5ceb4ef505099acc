package dev.nubo.eventsink;

import dev.nubo.model.NuboException;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * What went wrong and when, as a source's status ({@code lastError}, {@code lastErrorAt}) and an
 * invocation's error show it: one line, which names the class of anything that is not one of Nubo's
 * own errors, because "io/cloudevents/jackson/JsonFormat" alone says nothing while
 * "NoClassDefFoundError: io/cloudevents/jackson/JsonFormat" says what to look for.
 */
public record Failure(Instant at, String message) {

    /** {@code what} failed at {@code at} because of {@code cause}: "{@code what}: {@link #describe cause}". */
    public static Failure of(Instant at, String what, Throwable cause) {
        return new Failure(at, what + ": " + describe(cause));
    }

    /** {@code e} in one line, unwrapped from the futures it came through. */
    public static String describe(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? "" : t.getMessage().lines().findFirst().orElse("").strip();
        if (t instanceof NuboException) {
            return message;
        }
        return message.isEmpty() ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + message;
    }
}
