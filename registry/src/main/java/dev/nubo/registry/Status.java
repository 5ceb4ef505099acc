package dev.nubo.registry;

import dev.nubo.model.UserError;
import java.util.Arrays;
import java.util.Locale;

/** An instance's status as Eureka names it; clients route only to {@link #UP}. */
public enum Status {
    UP, DOWN, STARTING, OUT_OF_SERVICE, UNKNOWN;

    /** Parses a status a client sent, naming the accepted ones when it is none of them. */
    static Status parse(String value, String field) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw UserError.badRequest("registry.bad_status", field + " '" + value + "' is not a status",
                    "send one of " + Arrays.toString(values()));
        }
    }
}
