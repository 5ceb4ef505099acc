package dev.nubo.javaruntime;

import dev.nubo.function.Logger;
import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * One invocation's log lines, each prefixed {@code [requestId] }: stdout for the function's own
 * lines (this is the {@code Logger} handed to it), stderr for failures. The platform timestamps and
 * stores both streams; the prefix is what ties a line to a request when invocations run
 * concurrently. A multi-line message is prefixed on every line and printed in one call, so
 * concurrent invocations cannot interleave inside it.
 */
record RequestLog(String requestId) implements Logger {

    @Override
    public void log(String message) {
        System.out.print(tagged(String.valueOf(message)));
    }

    void error(String message) {
        System.err.print(tagged(message));
    }

    void error(String message, Throwable thrown) {
        StringWriter trace = new StringWriter();
        thrown.printStackTrace(new PrintWriter(trace));
        System.err.print(tagged(message + "\n" + trace));
    }

    private String tagged(String text) {
        String prefix = "[" + requestId + "] ";
        StringBuilder out = new StringBuilder(text.length() + prefix.length() + 1);
        text.lines().forEach(line -> out.append(prefix).append(line).append('\n'));
        if (out.isEmpty()) {
            out.append(prefix).append('\n');
        }
        return out.toString();
    }
}
