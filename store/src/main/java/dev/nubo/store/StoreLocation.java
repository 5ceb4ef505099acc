package dev.nubo.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Where the control plane's state lives: an SQLite file, for one node (the default,
 * {@code NUBO_HOME/nubo.db}), or a PostgreSQL database that any number of nodes share.
 *
 * <pre>{@code
 * StoreLocation local = StoreLocation.sqlite(home.resolve("nubo.db"));
 * StoreLocation shared = StoreLocation.parse("postgresql://nubo@db.internal:5432/nubo", System.getenv());
 * try (Store store = Store.open(shared)) { ... }
 * }</pre>
 *
 * <p>{@link #toString()} never shows a password: it is what logs and error messages name.
 */
public sealed interface StoreLocation {

    /** PostgreSQL's own default port, as in libpq. */
    int POSTGRESQL_PORT = 5432;

    /** An SQLite database in {@code file}, created with its directory's permissions when missing. */
    static StoreLocation sqlite(Path file) {
        return new SqliteFile(file.toAbsolutePath().normalize());
    }

    /**
     * Reads a PostgreSQL URL: {@code postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?PARAM=VALUE&…]}
     * ({@code postgres://} too, as libpq writes it), or the JDBC form {@code jdbc:postgresql://HOST[:PORT]/DATABASE?user=USER}.
     * The user may also come from {@code PGUSER}; without a password in the URL, {@code PGPASSWORD} is
     * used when set (else none: trust or peer authentication). Other parameters ({@code sslmode=require},
     * {@code connectTimeout=5}) go to the PostgreSQL JDBC driver unchanged. Percent-encode a password's
     * {@code @ : / ?} characters.
     *
     * @param env the process environment, for {@code PGUSER} and {@code PGPASSWORD}
     * @throws IllegalArgumentException naming what is wrong and how it should be written; the message
     *     shows the URL without its password
     */
    static StoreLocation parse(String url, Map<String, String> env) {
        String text = url.strip();
        String shown = redact(text);
        String rest = text.startsWith("jdbc:") ? text.substring("jdbc:".length()) : text;
        if (!rest.startsWith("postgresql://") && !rest.startsWith("postgres://")) {
            throw invalid(shown, "Nubo stores in SQLite (the default: NUBO_HOME/nubo.db, without --store) or in PostgreSQL,"
                    + " named by a URL that starts with postgresql://");
        }
        URI uri;
        try {
            uri = new URI(rest);
        } catch (URISyntaxException e) {
            throw invalid(shown, e.getReason() + " at character " + e.getIndex());
        }
        if (uri.getHost() == null) {
            throw invalid(shown, "it names no host (percent-encode @ : / ? in a password)");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (!path.matches("/[^/]+")) {
            throw invalid(shown, "it names no database after the host, as in /nubo");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                if (pair.isEmpty() || eq <= 0) {
                    throw invalid(shown, "its parameter '" + pair + "' is not NAME=VALUE");
                }
                parameters.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
            }
        }
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        if (uri.getRawUserInfo() != null) {
            String info = uri.getRawUserInfo();
            int colon = info.indexOf(':');
            user = Optional.of(decode(colon < 0 ? info : info.substring(0, colon))).filter(u -> !u.isEmpty());
            password = colon < 0 ? Optional.empty() : Optional.of(decode(info.substring(colon + 1)));
        }
        user = user.or(() -> Optional.ofNullable(parameters.remove("user"))).or(() -> Optional.ofNullable(env.get("PGUSER")));
        password = password.or(() -> Optional.ofNullable(parameters.remove("password")))
                .or(() -> Optional.ofNullable(env.get("PGPASSWORD")));
        parameters.remove("user");
        parameters.remove("password");
        String name = decode(path.substring(1));
        return new PostgresUrl(uri.getHost(), uri.getPort() < 0 ? POSTGRESQL_PORT : uri.getPort(), name,
                user.orElseThrow(() -> invalid(shown, "it names no user: write postgresql://USER@HOST:PORT/DATABASE, or set PGUSER")),
                password, Map.copyOf(parameters));
    }

    /** An SQLite database file. */
    record SqliteFile(Path file) implements StoreLocation {
        @Override
        public String toString() {
            return "SQLite " + file;
        }
    }

    /**
     * A PostgreSQL database.
     *
     * @param host a name or address; an IPv6 address in brackets
     * @param parameters for the JDBC driver, such as {@code sslmode}
     */
    record PostgresUrl(String host, int port, String database, String user, Optional<String> password,
            Map<String, String> parameters) implements StoreLocation {

        public PostgresUrl {
            parameters = Map.copyOf(parameters);
        }

        /** The driver's URL: {@code jdbc:postgresql://HOST:PORT/DATABASE?PARAM=VALUE}, without user or password. */
        public String jdbcUrl() {
            String query = parameters.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(e -> encode(e.getKey()) + "=" + encode(e.getValue())).collect(Collectors.joining("&"));
            return "jdbc:postgresql://" + host + ":" + port + "/" + encode(database) + (query.isEmpty() ? "" : "?" + query);
        }

        /** {@code postgresql://USER@HOST:PORT/DATABASE}: the password is never shown. */
        @Override
        public String toString() {
            return "postgresql://" + encode(user) + "@" + host + ":" + port + "/" + encode(database);
        }
    }

    private static IllegalArgumentException invalid(String shown, String why) {
        return new IllegalArgumentException("'" + shown + "' is not a PostgreSQL URL: " + why
                + "; write it as postgresql://USER@HOST:PORT/DATABASE (the password in PGPASSWORD, or as USER:PASSWORD@)");
    }

    /** The URL as given, its password (after {@code USER:} or as {@code password=}) replaced by {@code ***}. */
    private static String redact(String url) {
        return url.replaceFirst("^((?:jdbc:)?[a-z]+://[^:@/?]*):[^@/?]*@", "$1:***@")
                .replaceAll("([?&]password=)[^&]*", "$1***");
    }

    private static String decode(String text) {
        // URLDecoder decodes HTML forms, where '+' is a space; in a URL it is a plus sign.
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String encode(String text) {
        return java.net.URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
