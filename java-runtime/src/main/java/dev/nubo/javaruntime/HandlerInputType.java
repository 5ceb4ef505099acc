package dev.nubo.javaruntime;

import dev.nubo.function.Handler;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code I} of a {@code Handler<I, O>} implementation, which decides what the request body is
 * decoded into. It may be bound anywhere up the hierarchy: {@code class Hello implements
 * Handler<Request, Greeting>}, {@code class Hello extends Base<Request>} with {@code Base<T>
 * implements Handler<T, String>}, or through an interface extending {@code Handler}. A raw
 * {@code Handler} or an unbound type variable means {@code Object}, which Jackson decodes to maps,
 * lists, strings, numbers and booleans. The same goes for the {@code I} of Lambda's
 * {@code RequestHandler<I, O>}.
 */
final class HandlerInputType {

    private HandlerInputType() {}

    static Type of(Class<?> handlerClass) {
        return of(handlerClass, Handler.class);
    }

    /** The first type argument of {@code generic} ({@code Handler}, {@code RequestHandler}) as {@code handlerClass} binds it. */
    static Type of(Class<?> handlerClass, Class<?> generic) {
        return argument(handlerClass, generic, 0);
    }

    /** Type argument {@code index} of {@code generic} as {@code handlerClass} binds it: 1 is a {@code RequestHandler}'s {@code O}. */
    static Type argument(Class<?> handlerClass, Class<?> generic, int index) {
        return find(handlerClass, generic, index, Map.of()).orElse(Object.class);
    }

    /** Searches {@code type}'s supertypes, carrying the type arguments bound so far. */
    private static Optional<Type> find(Type type, Class<?> generic, int index, Map<TypeVariable<?>, Type> bound) {
        Class<?> raw;
        Map<TypeVariable<?>, Type> own = new HashMap<>();
        if (type instanceof Class<?> c) {
            raw = c;
        } else if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c) {
            raw = c;
            TypeVariable<?>[] variables = c.getTypeParameters();
            Type[] arguments = p.getActualTypeArguments();
            for (int i = 0; i < variables.length; i++) {
                own.put(variables[i], substitute(arguments[i], bound));
            }
        } else {
            return Optional.empty();
        }
        if (raw == generic) {
            return Optional.of(own.getOrDefault(raw.getTypeParameters()[index], Object.class));
        }
        for (Type parent : raw.getGenericInterfaces()) {
            Optional<Type> found = find(parent, generic, index, own);
            if (found.isPresent()) {
                return found;
            }
        }
        Type superclass = raw.getGenericSuperclass();
        return superclass == null ? Optional.empty() : find(superclass, generic, index, own);
    }

    /**
     * Only a bare variable is replaced. One nested in a parameterized type ({@code Handler<List<T>, O>})
     * is left for Jackson, which reads it as Object: good enough, and rare in handlers.
     */
    private static Type substitute(Type argument, Map<TypeVariable<?>, Type> bound) {
        return argument instanceof TypeVariable<?> variable ? bound.getOrDefault(variable, Object.class) : argument;
    }

    /** {@code Hello.Request}, {@code Map<String, Object>}: how the type reads in source. */
    static String describe(Type type) {
        return type.getTypeName().replaceAll("\\b[a-z_][\\w]*\\.", "").replace('$', '.');
    }
}
