package dev.nubo.config;

import dev.nubo.model.UserError;
import java.util.regex.Pattern;

/** What an application, a profile and a key may be called, checked once for every way in. */
final class Names {

    /** As Spring application and profile names go, and safe in a URL path segment. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private Names() {}

    static String app(String app) {
        if (!NAME.matcher(app).matches()) {
            throw UserError.badRequest("config.invalid", "\"" + app + "\" is not a valid application name",
                    "use letters, digits, '.', '_' and '-' (the service's name, or \"application\" for every service)");
        }
        return app;
    }

    static String profile(String profile) {
        if (!NAME.matcher(profile).matches()) {
            throw UserError.badRequest("config.invalid", "\"" + profile + "\" is not a valid profile name",
                    "use letters, digits, '.', '_' and '-', e.g. prod");
        }
        return profile;
    }

    /** Nubo's instance ids are their revision's ({@code SERVICE-0000N}) and a suffix: the service an instance belongs to. */
    static java.util.Optional<String> serviceOf(String instance) {
        java.util.regex.Matcher m = INSTANCE.matcher(instance);
        return m.matches() ? java.util.Optional.of(m.group(1)) : java.util.Optional.empty();
    }

    private static final Pattern INSTANCE = Pattern.compile("(.+)-\\d{5,}-[^-]+");

    static String key(String key) {
        if (key.isBlank() || key.chars().anyMatch(c -> Character.isWhitespace(c) || c == '=' || Character.isISOControl(c))) {
            throw UserError.badRequest("config.invalid", "\"" + key + "\" is not a valid key",
                    "a key has no spaces or '=', e.g. greeting.text");
        }
        return key;
    }
}
