package dev.nubo.javaruntime;

import com.amazonaws.services.lambda.runtime.CustomPojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.util.Iterator;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * How a Lambda handler's event becomes its input object and its result JSON, chosen exactly as
 * Lambda's Java runtime chooses (its {@code EventHandlerLoader}), with AWS's own
 * aws-lambda-java-serialization: a {@code CustomPojoSerializer} the function registers in
 * {@code META-INF/services} first; then, for a class of aws-lambda-java-events that AWS's library
 * knows ({@code SQSEvent}, {@code S3Event}...), its serializer with the mixins, naming strategies and
 * Joda/java.time modules those classes need; else AWS's plain Jackson configuration.
 *
 * <p>The library stays in the host's class loader and shades its Jackson, so it never meets the
 * function's own Jackson; the event classes are the function's (it bundles aws-lambda-java-events, as
 * on Lambda), found through the function's class loader.
 */
final class LambdaSerializers {

    private final ClassLoader functionLoader;
    private final Optional<CustomPojoSerializer> custom;

    private LambdaSerializers(ClassLoader functionLoader, Optional<CustomPojoSerializer> custom) {
        this.functionLoader = functionLoader;
        this.custom = custom;
    }

    static LambdaSerializers of(ClassLoader functionLoader) {
        Iterator<CustomPojoSerializer> found = ServiceLoader.load(CustomPojoSerializer.class, functionLoader).iterator();
        if (!found.hasNext()) {
            return new LambdaSerializers(functionLoader, Optional.empty());
        }
        CustomPojoSerializer custom = found.next();
        if (found.hasNext()) {
            throw new InitFailure("the function registers more than one " + CustomPojoSerializer.class.getName()
                    + " in META-INF/services (Lambda allows one: keep one provider)");
        }
        return new LambdaSerializers(functionLoader, Optional.of(custom));
    }

    /** The serializer of {@code type}, an input or output type of the handler. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    PojoSerializer<Object> forType(Type type) {
        if (custom.isPresent()) {
            return new Custom(custom.get(), type);
        }
        if (type instanceof Class<?> c && LambdaEventSerializers.isLambdaSupportedEvent(c.getName())) {
            return LambdaEventSerializers.serializerFor((Class) c, functionLoader);
        }
        return JacksonFactory.getInstance().getSerializer(type);
    }

    private record Custom(CustomPojoSerializer serializer, Type type) implements PojoSerializer<Object> {

        @Override
        public Object fromJson(InputStream input) {
            return serializer.fromJson(input, type);
        }

        @Override
        public Object fromJson(String input) {
            return serializer.fromJson(input, type);
        }

        @Override
        public void toJson(Object value, OutputStream output) {
            serializer.toJson(value, output, type);
        }
    }
}
