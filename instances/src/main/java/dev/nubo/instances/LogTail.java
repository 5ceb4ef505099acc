package dev.nubo.instances;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * Reads the last lines of a file backwards in blocks, so a tail of a 10 MiB log reads a few KiB.
 */
final class LogTail {

    private static final int BLOCK = 8192;

    private LogTail() {}

    /** Up to {@code n} last lines, oldest first; empty when the file does not exist. */
    static Deque<String> last(Path file, int n) throws IOException {
        Deque<String> lines = new ArrayDeque<>();
        if (n <= 0) {
            return lines;
        }
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            long end = channel.size();
            byte[] partial = new byte[0]; // the start of a line whose beginning lies in an earlier block
            boolean atFileEnd = true;
            while (end > 0 && lines.size() < n) {
                int length = (int) Math.min(BLOCK, end);
                long start = end - length;
                ByteBuffer block = ByteBuffer.allocate(length + partial.length).limit(length);
                channel.position(start);
                while (block.hasRemaining()) {
                    if (channel.read(block) < 0) {
                        throw new IOException(file + " shrank while being read");
                    }
                }
                block.limit(block.capacity()).put(partial);
                byte[] bytes = block.array();
                int lineEnd = bytes.length;
                for (int i = bytes.length - 1; i >= 0 && lines.size() < n; i--) {
                    if (bytes[i] == '\n') {
                        if (!(atFileEnd && lineEnd == bytes.length && i == bytes.length - 1)) {
                            lines.addFirst(new String(bytes, i + 1, lineEnd - i - 1, StandardCharsets.UTF_8));
                        }
                        lineEnd = i;
                    }
                }
                atFileEnd = false;
                partial = Arrays.copyOf(bytes, lineEnd);
                end = start;
            }
            if (end == 0 && partial.length > 0 && lines.size() < n) {
                lines.addFirst(new String(partial, StandardCharsets.UTF_8));
            }
        } catch (NoSuchFileException e) {
            // nothing logged yet, or nothing rotated yet
        }
        return lines;
    }
}
