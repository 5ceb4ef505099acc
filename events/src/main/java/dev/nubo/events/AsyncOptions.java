package dev.nubo.events;

import dev.nubo.eventsink.Destination;
import java.time.Duration;
import java.util.Optional;

/**
 * How an asynchronous invocation of a service is carried out: {@code 1 + retries} attempts, each
 * bounded by {@code timeout}; the result goes to {@code onSuccess} and the error to {@code onFailure}
 * as CloudEvents ({@code dev.nubo.invocation.succeeded} / {@code .failed}).
 */
public record AsyncOptions(int retries, Duration timeout, Optional<Destination> onSuccess, Optional<Destination> onFailure) {

    public static final int DEFAULT_RETRIES = 2;

    public AsyncOptions {
        if (retries < 0 || retries > DeliveryPolicy.MAX_ATTEMPTS - 1) {
            throw dev.nubo.model.UserError.badRequest("async.invalid", "retries must be between 0 and "
                    + (DeliveryPolicy.MAX_ATTEMPTS - 1) + ", not " + retries, "the default is " + DEFAULT_RETRIES);
        }
    }
}
