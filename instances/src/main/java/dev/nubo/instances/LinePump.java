package dev.nubo.instances;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Copies one output stream of a process into the instance log (or a {@link LineSink}), line by line. Lines longer than
 * {@link #MAX_LINE} bytes are cut there, so one runaway line (a minified blob, a binary dump) cannot
 * take the memory or the whole log. Ends when the pipe closes, that is when the last process holding
 * it (the instance or a child it left behind) is gone; {@link InstanceProcess} kills the process group
 * at exit so that happens promptly.
 */
final class LinePump implements Runnable {

    static final int MAX_LINE = 16 * 1024;
    static final String CUT_MARK = " [line cut at 16 KiB]";

    private final InputStream in;
    private final String stream;
    private final LineSink log;

    LinePump(InputStream in, String stream, LineSink log) {
        this.in = in;
        this.stream = stream;
        this.log = log;
    }

    @Override
    public void run() {
        byte[] buffer = new byte[8192];
        byte[] line = new byte[MAX_LINE];
        int length = 0;
        boolean cut = false; // dropping the rest of a line already cut
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                for (int i = 0; i < n; i++) {
                    byte b = buffer[i];
                    if (b == '\n') {
                        if (!cut) {
                            emit(line, length, "");
                        }
                        length = 0;
                        cut = false;
                    } else if (cut) {
                        continue;
                    } else if (length == MAX_LINE) {
                        emit(line, length, CUT_MARK);
                        cut = true;
                    } else {
                        line[length++] = b;
                    }
                }
            }
            if (length > 0 && !cut) {
                emit(line, length, "");
            }
        } catch (IOException e) {
            // The stream was closed under us: the process is gone and Java drained what was left.
        }
    }

    private void emit(byte[] line, int length, String suffix) {
        int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
        log.append(stream, new String(line, 0, end, StandardCharsets.UTF_8) + suffix);
    }
}
