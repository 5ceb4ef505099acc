package dev.nubo.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests: the machine's own binaries ({@code initdb}, {@code pg_ctl} from
 * Debian's {@code postgresql} package), a cluster initialised into a temporary directory, listening on
 * a free loopback port only, with trust authentication. As root it runs as the {@code postgres} user
 * (PostgreSQL refuses to run as root). One server per test JVM ({@link #shared()}); each test takes a
 * fresh database of it with {@link #newDatabase()}.
 *
 * <pre>{@code
 * EmbeddedPostgres pg = EmbeddedPostgres.shared();
 * String url = pg.newDatabase();                  // postgresql://postgres@127.0.0.1:PORT/nubo_3, for --store
 * Connection c = DriverManager.getConnection(pg.jdbcUrl("nubo_3"), "postgres", "");
 * }</pre>
 */
public final class EmbeddedPostgres implements AutoCloseable {

    private static EmbeddedPostgres shared;

    private final Path dir;
    private final Path bin;
    private final int port;
    private final boolean asPostgresUser;
    private final AtomicInteger databases = new AtomicInteger();

    private EmbeddedPostgres(Path dir, Path bin, int port, boolean asPostgresUser) {
        this.dir = dir;
        this.bin = bin;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /** The server of this test JVM, started on first use and stopped when the JVM exits. */
    public static synchronized EmbeddedPostgres shared() {
        if (shared == null) {
            shared = start();
            EmbeddedPostgres started = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "embedded-postgres-stop"));
        }
        return shared;
    }

    /** Initialises a cluster in a new temporary directory and starts it; returns once it accepts connections. */
    public static EmbeddedPostgres start() {
        Path bin = binaries();
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            Path dir = Files.createTempDirectory("nubo-pg-");
            int port = freePort();
            EmbeddedPostgres pg = new EmbeddedPostgres(dir, bin, port, root);
            if (root) {
                run(List.of("chown", "-R", "postgres:postgres", dir.toString()));
            }
            pg.asOwner(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "postgres",
                    "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"));
            // Loopback only, the socket in our own directory, and fsync off: the tests need PostgreSQL's
            // semantics (transactions, LISTEN/NOTIFY, locks), not its durability against power loss.
            pg.asOwner(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-w", "-t", "60",
                    "-l", dir.resolve("server.log").toString(), "-o",
                    "-c listen_addresses=127.0.0.1 -p " + port + " -k " + dir + " -c fsync=off -c full_page_writes=off"
                            + " -c max_connections=200",
                    "start"));
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start PostgreSQL for the tests", e);
        }
    }

    /** A new, empty database, as a {@code postgresql://} URL for {@code nubo server --store}. */
    public String newDatabase() {
        String name = "nubo_" + databases.incrementAndGet();
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), "postgres", "");
             var st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + " on " + this + ": " + e.getMessage(), e);
        }
        return "postgresql://postgres@127.0.0.1:" + port + "/" + name;
    }

    /** {@code jdbc:postgresql://127.0.0.1:PORT/NAME}. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public int port() {
        return port;
    }

    /** The server's own log: what to read when a test's database misbehaves. */
    public Path log() {
        return dir.resolve("server.log");
    }

    @Override
    public void close() {
        try {
            asOwner(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate",
                    "-w", "stop"));
        } catch (RuntimeException e) {
            // already stopped
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory; the OS cleans it eventually
        }
    }

    @Override
    public String toString() {
        return "PostgreSQL on 127.0.0.1:" + port + " (" + dir + ")";
    }

    private void asOwner(List<String> command) {
        List<String> full = new ArrayList<>();
        if (asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        run(full);
    }

    private static void run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.getFirst(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The newest PostgreSQL under /usr/lib/postgresql (Debian's layout). */
    private static Path binaries() {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString().replaceAll("\\D", "0"))))
                    .orElseThrow(EmbeddedPostgres::notInstalled);
        } catch (IOException e) {
            throw notInstalled();
        }
    }

    private static IllegalStateException notInstalled() {
        return new IllegalStateException("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): the store's"
                + " PostgreSQL tests start a real server; install it with `apt-get install postgresql` (.ci/run does)");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
