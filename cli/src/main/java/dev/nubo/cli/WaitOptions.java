package dev.nubo.cli;

import dev.nubo.model.Quantities;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** How long deploy and rollback follow the revision before giving the prompt back. */
final class WaitOptions {

    @Option(names = "--no-wait", description = "Return once the revision is created; do not wait for it to serve.")
    boolean noWait;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5m", converter = DurationConverter.class,
            description = "How long to wait for the revision, e.g. 90s, 5m (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return Quantities.duration(value).orElseThrow(() -> new TypeConversionException(
                    "'" + value + "' is not a duration; write it like 90s, 5m or 1h"));
        }
    }
}
