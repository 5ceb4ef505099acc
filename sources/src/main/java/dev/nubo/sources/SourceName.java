package dev.nubo.sources;

import dev.nubo.eventsink.Destination;
import dev.nubo.model.UserError;
import java.net.URI;

/** A source's name: checked once, then the CloudEvents {@code source} of everything it emits. */
final class SourceName {

    private SourceName() {}

    /**
     * @throws UserError 400 {@code source.invalid} unless {@code name} is lowercase letters, digits and dashes
     */
    static String check(String name, String kind) {
        if (name == null || !Destination.NAME.matcher(name).matches()) {
            throw UserError.badRequest("source.invalid", "'" + name + "' is not a valid " + kind + " source name",
                    "a source name is lowercase letters, digits and dashes, starts with a letter and has at most 63 characters, "
                            + "e.g. nightly-report");
        }
        return name;
    }

    /** {@code /nubo/sources/NAME}, the same for every kind of source, so names are unique across kinds. */
    static URI uri(String name) {
        return URI.create("/nubo/sources/" + name);
    }
}
