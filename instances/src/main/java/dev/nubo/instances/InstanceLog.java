package dev.nubo.instances;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of one instance across all its processes: one file of formatted {@link LogLine}s, moved to
 * {@code <file>.1} (replacing the previous one) when the next line would take it over the limit, so at
 * most about twice the limit is kept. Every line also goes to the server's log listener.
 *
 * <p>Each line is written with its own unbuffered write, so a tail or {@code tail -f} sees it at
 * once and a server crash loses nothing already captured.
 */
final class InstanceLog implements LineSink {

    private static final Logger LOG = LoggerFactory.getLogger(InstanceLog.class);

    private final String instanceId;
    private final Path file;
    private final Path rotated;
    private final long maxBytes;
    private final InstantSource clock;
    private final Consumer<LogLine> listener;
    private final java.util.function.Supplier<RequestsInFlight> requests;
    private final ReentrantLock lock = new ReentrantLock();
    private OutputStream out; // opened on first write, closed when the instance is done
    private long size;
    private boolean failing;

    InstanceLog(String instanceId, Path file, long maxBytes, InstantSource clock, Consumer<LogLine> listener) {
        this(instanceId, file, maxBytes, clock, listener, () -> RequestsInFlight.NONE);
    }

    /** With {@code requests} asked, for each stdout and stderr line, which request the instance serves alone. */
    InstanceLog(String instanceId, Path file, long maxBytes, InstantSource clock, Consumer<LogLine> listener,
                java.util.function.Supplier<RequestsInFlight> requests) {
        this.requests = requests;
        this.instanceId = instanceId;
        this.file = file;
        this.rotated = rotatedOf(file);
        this.maxBytes = maxBytes;
        this.clock = clock;
        this.listener = listener;
    }

    void nubo(String text) {
        append("nubo", text);
    }

    @Override
    public void append(String stream, String text) {
        LogLine line = new LogLine(clock.instant(), instanceId, stream, attributed(stream, text));
        byte[] bytes = (line.format() + "\n").getBytes(StandardCharsets.UTF_8);
        lock.lock();
        try {
            if (out == null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                size = Files.size(file);
            }
            if (size > 0 && size + bytes.length > maxBytes) {
                out.close();
                out = null;
                Files.move(file, rotated, StandardCopyOption.REPLACE_EXISTING);
                out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                size = 0;
            }
            out.write(bytes);
            size += bytes.length;
            failing = false;
        } catch (IOException e) {
            if (!failing) { // once per outage, not once per line
                LOG.warn("cannot write the log of instance {} to {}: {}; lines go only to the server log"
                        + " listener until it works again", instanceId, file, e.toString());
            }
            failing = true;
        } finally {
            lock.unlock();
        }
        try {
            listener.accept(line);
        } catch (RuntimeException e) {
            LOG.warn("log listener failed on a line of instance {}", instanceId, e);
        }
    }

    /**
     * The line with {@code [ID] } in front (as Nubo's Java host writes it) when the instance serves
     * exactly one request now and the line does not name that request already; as it was otherwise.
     */
    private String attributed(String stream, String text) {
        if (stream.equals("nubo")) {
            return text;
        }
        Optional<String> request = requests.get().alone(instanceId);
        return request.isEmpty() || text.contains(request.get()) ? text : "[" + request.get() + "] " + text;
    }

    /** The last {@code n} lines, oldest first, from the rotated file and the current one. */
    List<String> tail(int n) {
        lock.lock();
        try {
            return tail(file, n);
        } finally {
            lock.unlock();
        }
    }

    /** Where a log file goes when it is rotated. */
    static Path rotatedOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".1");
    }

    /** The same for any instance log file, also one whose instance is gone. */
    static List<String> tail(Path file, int n) {
        try {
            Deque<String> lines = LogTail.last(file, n);
            if (lines.size() < n) {
                Deque<String> older = LogTail.last(rotatedOf(file), n - lines.size());
                while (!older.isEmpty()) {
                    lines.addFirst(older.removeLast());
                }
            }
            return new ArrayList<>(lines);
        } catch (java.nio.file.NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            return List.of("(cannot read " + file + ": " + e.getMessage() + ")");
        }
    }

    /** Closes the file; a later line reopens it. */
    void close() {
        lock.lock();
        try {
            if (out != null) {
                out.close();
            }
        } catch (IOException e) {
            LOG.debug("closing log {}: {}", file, e.toString());
        } finally {
            out = null;
            lock.unlock();
        }
    }
}
