package dev.nubo.javaruntime;

import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Type;
import java.util.Optional;

/**
 * Plain JSON values (maps, lists, strings, numbers, booleans) for the events and responses the host
 * builds and reads around a Lambda handler, with AWS's own JSON configuration, so that a Lambda
 * function loads one JSON library, the one its handler's events go through anyway.
 */
final class LambdaJson {

    private static final PojoSerializer<Object> VALUES = JacksonFactory.getInstance().getSerializer((Type) Object.class);

    private LambdaJson() {}

    static byte[] write(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        VALUES.toJson(value, out);
        return out.toByteArray();
    }

    /** The value {@code json} holds, or empty when it is not JSON. */
    static Optional<Object> read(byte[] json) {
        try {
            return Optional.ofNullable(VALUES.fromJson(new ByteArrayInputStream(json)));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
