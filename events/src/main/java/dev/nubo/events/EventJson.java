package dev.nubo.events;

import dev.nubo.model.PlatformFault;
import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonFormat;

/** Events as stored and listed: the CloudEvents JSON format, through the SDK. */
final class EventJson {

    private static final JsonFormat FORMAT = new JsonFormat();

    private EventJson() {}

    static byte[] write(CloudEvent event) {
        return FORMAT.serialize(event);
    }

    static CloudEvent read(byte[] json) {
        try {
            return FORMAT.deserialize(json);
        } catch (RuntimeException e) {
            throw new PlatformFault("platform.store", "a stored event cannot be read: " + e.getMessage(), e);
        }
    }
}
