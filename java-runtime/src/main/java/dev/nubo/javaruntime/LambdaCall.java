package dev.nubo.javaruntime;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Type;

/**
 * One call of a Lambda handler as Lambda's Java runtime makes it: the event's JSON in, the result's
 * JSON out. Every handler shape becomes one: a {@link RequestStreamHandler} reads and writes the
 * bytes itself; a {@link RequestHandler} has them decoded into its input type and its result encoded
 * by its declared output type ({@link LambdaSerializers}); a named method is a {@link LambdaMethodCall}.
 */
interface LambdaCall {

    byte[] call(byte[] event, Context context) throws Exception;

    static LambdaCall stream(RequestStreamHandler handler) {
        return (event, context) -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(event), out, context);
            return out.toByteArray();
        };
    }

    @SuppressWarnings("unchecked")
    static LambdaCall pojo(RequestHandler<?, ?> handler, LambdaSerializers serializers) {
        RequestHandler<Object, Object> h = (RequestHandler<Object, Object>) handler;
        Class<?> type = handler.getClass();
        Type input = HandlerInputType.argument(type, RequestHandler.class, 0);
        Type output = HandlerInputType.argument(type, RequestHandler.class, 1);
        Decoder decoder = new Decoder(serializers.forType(input), input);
        Encoder encoder = Encoder.of(serializers, output);
        return (event, context) -> encoder.encode(h.handleRequest(decoder.decode(event), context));
    }

    /** The event's JSON as the handler's input type; an empty event is {@code null}. */
    record Decoder(PojoSerializer<Object> serializer, Type type) {

        Object decode(byte[] event) {
            if (isBlank(event)) {
                return null;
            }
            try {
                return serializer.fromJson(new ByteArrayInputStream(event));
            } catch (RuntimeException e) {
                throw new InvalidEvent("the event is not valid JSON for " + HandlerInputType.describe(type) + ": "
                        + rootMessage(e), e);
            }
        }

        private static boolean isBlank(byte[] body) {
            for (byte b : body) {
                if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                    return false;
                }
            }
            return true;
        }

        private static String rootMessage(Throwable e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String message = String.valueOf(root.getMessage());
            int location = message.indexOf("\n at [Source");
            return location < 0 ? message : message.substring(0, location);
        }
    }

    /** A result as JSON by the declared output type; {@code void} or {@code Void} writes {@code null}, as on Lambda. */
    record Encoder(PojoSerializer<Object> serializer) {

        private static final byte[] NULL = {'n', 'u', 'l', 'l'};

        static Encoder of(LambdaSerializers serializers, Type output) {
            boolean none = output == void.class || output == Void.class;
            return new Encoder(none ? null : serializers.forType(output));
        }

        byte[] encode(Object result) {
            if (serializer == null) {
                return NULL.clone();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                serializer.toJson(result, out);
            } catch (RuntimeException e) {
                throw new InvalidResult("the result (a " + (result == null ? "null" : result.getClass().getName())
                        + ") cannot be written as JSON: " + e.getMessage()
                        + " (return a bean, a record, a Map, a List, a String, a number or a boolean)", e);
            }
            return out.toByteArray();
        }
    }

    /** The event does not fit the handler's input type: the caller's mistake, a 400. */
    final class InvalidEvent extends RuntimeException {
        InvalidEvent(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The handler's result has no JSON form: the function's mistake, a 500. */
    final class InvalidResult extends RuntimeException {
        InvalidResult(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
