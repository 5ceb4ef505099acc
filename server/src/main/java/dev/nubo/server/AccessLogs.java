package dev.nubo.server;

import dev.nubo.gateway.AccessLog;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every service's access log ({@code nubo logs NAME --access}): one {@link AccessLine} per exchange
 * the gateway routed to the service, in {@code logs/SERVICE/access.txt}, moved to
 * {@code access.txt.1} when the next batch would take it over the limit (as instance logs are).
 *
 * <p>The gateway hands entries over on its event loops; they go into a bounded queue, and one writer
 * thread formats and writes them in batches, so neither a slow disk nor formatting costs a request
 * anything but the queue's offer. When the queue is full (the disk cannot keep up), entries are
 * dropped rather than the gateway slowed, and the server's log says how many were lost.
 * Each batch opens, appends to and closes the file, so a deleted service's log is not held open and
 * a tail sees a line as soon as its batch is written.
 */
final class AccessLogs implements AccessLog, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AccessLogs.class);
    static final int QUEUE = 16_384;
    static final String FILE = "access.txt";

    private final Home home;
    private final long maxBytes;
    private final LogHub hub;
    private final ArrayBlockingQueue<Entry> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    private volatile boolean closing;

    AccessLogs(Home home, long maxBytes, LogHub hub) {
        this.home = home;
        this.maxBytes = maxBytes;
        this.hub = hub;
        this.writer = Thread.ofPlatform().daemon().name("nubo-access-log").start(this::run);
    }

    @Override
    public void record(Entry entry) {
        if (!queue.offer(entry)) {
            dropped.incrementAndGet();
        }
    }

    /** Where a service's access log is. */
    static Path file(Home home, String service) {
        return home.logs(service).resolve(FILE);
    }

    private void run() {
        List<Entry> batch = new ArrayList<>();
        while (!closing || !queue.isEmpty()) {
            try {
                Entry first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, 4096);
                write(batch);
            } catch (InterruptedException e) {
                closing = true;
            } catch (RuntimeException e) {
                LOG.warn("access log writer failed on a batch of {} lines; going on with the next", batch.size(), e);
            } finally {
                batch.clear();
            }
        }
    }

    private void write(List<Entry> batch) {
        long lost = dropped.getAndSet(0);
        if (lost > 0) {
            LOG.warn("the access logs could not keep up with the gateway: {} lines were dropped", lost);
        }
        Map<String, StringBuilder> byService = new LinkedHashMap<>();
        for (Entry e : batch) {
            String line = AccessLine.format(e);
            byService.computeIfAbsent(e.service(), s -> new StringBuilder()).append(line).append('\n');
            hub.publishAccess(e.service(), e.revision(), line);
        }
        byService.forEach(this::append);
    }

    private void append(String service, StringBuilder lines) {
        Path file = file(home, service);
        byte[] bytes = lines.toString().getBytes(StandardCharsets.UTF_8);
        try {
            Files.createDirectories(file.getParent());
            if (Files.exists(file) && Files.size(file) > 0 && Files.size(file) + bytes.length > maxBytes) {
                Files.move(file, file.resolveSibling(FILE + ".1"), StandardCopyOption.REPLACE_EXISTING);
            }
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                out.write(bytes);
            }
        } catch (IOException e) {
            LOG.warn("cannot write the access log of {} to {}: {}", service, file, e.toString());
        }
    }

    /** Writes what is queued, then stops. */
    @Override
    public void close() throws InterruptedException {
        closing = true;
        writer.join(10_000);
    }
}
