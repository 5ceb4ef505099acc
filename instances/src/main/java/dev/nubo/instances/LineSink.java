package dev.nubo.instances;

/** Where {@link LinePump} puts the lines of a process's output: an instance's log, or a pooled process's buffer. */
interface LineSink {

    /** One line of {@code stream} ({@code stdout} or {@code stderr}), without its line break. */
    void append(String stream, String text);
}
