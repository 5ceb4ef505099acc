package dev.nubo.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention of logs by age, beside the size limits (an instance log and an access log rotate at
 * 10 MiB, and a service keeps its newest {@link LogHub#KEPT_FILES} instance logs): every
 * {@link #EVERY}, and once at start, each log file under {@code NUBO_HOME/logs} whose newest line is
 * older than the retention is deleted, the rotated {@code .1} parts included.
 *
 * <p>A file goes whole or not at all: lines older than the retention stay while a newer line shares
 * their file (at most 10 MiB of them, until it rotates). The current log of a live instance stays
 * however old its last line, since its process still writes into it.
 */
final class LogRetention implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LogRetention.class);
    static final Duration EVERY = Duration.ofMinutes(10);

    private final Path logs;
    private final Duration age;
    private final Predicate<String> live;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("nubo-log-retention").unstarted(r));

    /** @param live whether an instance (by id) is still running, so its current log is kept */
    LogRetention(Path logs, Duration age, Predicate<String> live) {
        this.logs = logs;
        this.age = age;
        this.live = live;
    }

    /** Prunes now and every {@link #EVERY} on {@code clock}; does nothing when the retention is off (zero). */
    LogRetention start(InstantSource clock) {
        if (!age.isZero()) {
            timer.scheduleWithFixedDelay(() -> {
                try {
                    prune(clock.instant());
                } catch (RuntimeException e) {
                    LOG.warn("pruning old logs under {} failed; trying again in {}", logs, EVERY, e);
                }
            }, 0, EVERY.toSeconds(), TimeUnit.SECONDS);
        }
        return this;
    }

    /** Deletes the log files last written before {@code now} minus the retention; returns those deleted. */
    List<Path> prune(Instant now) {
        Instant cutoff = now.minus(age);
        if (!Files.isDirectory(logs)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(logs, 2)) {
            List<Path> old = files.filter(Files::isRegularFile).filter(f -> !current(f) && modified(f).isBefore(cutoff)).toList();
            for (Path f : old) {
                Files.deleteIfExists(f);
            }
            if (!old.isEmpty()) {
                LOG.info("deleted {} log files last written before {} (--log-retention {})", old.size(), cutoff, age);
            }
            return old;
        } catch (IOException e) {
            LOG.warn("cannot prune old logs under {}: {}", logs, e.toString());
            return List.of();
        }
    }

    /** A live instance's log that its process still writes into. */
    private boolean current(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".log") && live.test(name.substring(0, name.length() - ".log".length()));
    }

    private static Instant modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            return Instant.MAX;  // gone meanwhile, or unreadable: not ours to delete
        }
    }

    /** {@code off}, {@code 0}, or an age such as {@code 7d}, {@code 24h}, {@code 90m}: empty when it is none of these or under a minute. */
    static Optional<Duration> parse(String text) {
        String t = text.trim();
        if (t.equals("off") || t.equals("0")) {
            return Optional.of(Duration.ZERO);
        }
        return LogFilter.age(t).filter(x -> x.compareTo(Duration.ofMinutes(1)) >= 0);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
