package dev.nubo.runtimeapi;

import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the bridge has to say in the instance's own log, next to the runtime's output: init errors,
 * function errors with their stacks, protocol misuse. One call of the platform's sink per line, each
 * line marked as the bridge's; a sink that throws never reaches a handler.
 */
final class InstanceLog {

    private static final Logger LOG = LoggerFactory.getLogger(InstanceLog.class);
    private static final String PREFIX = "[runtime-api] ";

    private final Consumer<String> sink;

    InstanceLog(Consumer<String> sink) {
        this.sink = sink;
    }

    void line(String line) {
        try {
            sink.accept(PREFIX + line);
        } catch (RuntimeException e) {
            LOG.warn("the instance log refused a line: {}", line, e);
        }
    }

    void lines(List<String> lines) {
        lines.forEach(this::line);
    }
}
