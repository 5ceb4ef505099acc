package dev.nubo.javaruntime;

import com.amazonaws.services.lambda.runtime.Context;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A Lambda handler named {@code com.example.Hello::handle} whose class implements no handler
 * interface: a public method of that name with one of the parameter lists Lambda accepts,
 * {@code (I)}, {@code (I, Context)}, {@code (InputStream, OutputStream)} or
 * {@code (InputStream, OutputStream, Context)} (or none at all), static or not. Of overloads, the
 * one with the most parameters is called, as on Lambda. An event is decoded and a result encoded
 * as for a {@code RequestHandler}, by the method's parameter and return types; what a stream method
 * writes is the result.
 */
final class LambdaMethodCall implements LambdaCall {

    private enum Shape { NONE, EVENT, STREAMS, EVENT_CONTEXT, STREAMS_CONTEXT }

    private final Object target;
    private final Method method;
    private final Shape shape;
    private final LambdaCall.Decoder decoder;
    private final LambdaCall.Encoder encoder;

    /** {@code target} is null for a static method. */
    LambdaMethodCall(Object target, Method method, LambdaSerializers serializers) {
        this.target = target;
        this.method = method;
        this.shape = shape(method).orElseThrow();
        Type input = shape == Shape.EVENT || shape == Shape.EVENT_CONTEXT ? method.getGenericParameterTypes()[0] : Object.class;
        this.decoder = new LambdaCall.Decoder(serializers.forType(input), input);
        this.encoder = LambdaCall.Encoder.of(serializers, method.getGenericReturnType());
        // A public method of a class that is not public: the intent is clear, so let it through.
        method.setAccessible(true);
    }

    /** The method Lambda would call on {@code type} for {@code Class::name}, if there is one. */
    static Optional<Method> find(Class<?> type, String name) {
        List<Method> candidates = Arrays.stream(type.getMethods())
                .filter(m -> m.getName().equals(name) && !m.isBridge() && !m.isSynthetic() && shape(m).isPresent())
                .sorted(Comparator.comparingInt(Method::getParameterCount).reversed())
                .toList();
        if (candidates.size() > 1 && candidates.get(0).getParameterCount() == candidates.get(1).getParameterCount()) {
            throw new InitFailure("handler class " + type.getName() + " has several public methods " + name + " with "
                    + candidates.get(0).getParameterCount() + " parameters (keep one, or give the handler method a name"
                    + " of its own and point `handler` in nubo.yaml at it)");
        }
        return candidates.stream().findFirst();
    }

    static boolean isStatic(Method method) {
        return Modifier.isStatic(method.getModifiers());
    }

    private static Optional<Shape> shape(Method method) {
        Class<?>[] p = method.getParameterTypes();
        boolean streams = p.length >= 2 && p[0] == InputStream.class && p[1] == OutputStream.class;
        boolean event = p.length >= 1 && p[0] != Context.class;
        Shape shape = switch (p.length) {
            case 0 -> Shape.NONE;
            case 1 -> event ? Shape.EVENT : null;
            case 2 -> streams ? Shape.STREAMS : event && p[1] == Context.class ? Shape.EVENT_CONTEXT : null;
            case 3 -> streams && p[2] == Context.class ? Shape.STREAMS_CONTEXT : null;
            default -> null;
        };
        return Optional.ofNullable(shape);
    }

    @Override
    public byte[] call(byte[] event, Context context) throws Exception {
        if (shape == Shape.STREAMS || shape == Shape.STREAMS_CONTEXT) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            InputStream in = new ByteArrayInputStream(event);
            invoke(shape == Shape.STREAMS ? new Object[] {in, out} : new Object[] {in, out, context});
            return out.toByteArray();
        }
        Object input = shape == Shape.NONE ? null : decoder.decode(event);
        return encoder.encode(invoke(switch (shape) {
            case EVENT -> new Object[] {input};
            case EVENT_CONTEXT -> new Object[] {input, context};
            default -> new Object[0];
        }));
    }

    private Object invoke(Object[] arguments) throws Exception {
        try {
            return method.invoke(target, arguments);
        } catch (InvocationTargetException e) {
            // The handler's own exception, as if it had been called directly.
            if (e.getCause() instanceof Exception exception) {
                throw exception;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }
}
