package dev.nubo.javaruntime;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.nubo.function.Handler;
import dev.nubo.function.HttpHandler;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import java.util.jar.JarFile;

/**
 * Loads the user's handler class from {@code NUBO_CODE} in a class loader of its own (see
 * {@link ApiOnlyClassLoader}) and constructs it once. Every way this can fail becomes an
 * {@link InitFailure} naming the class, the cause and the fix.
 *
 * <p>The handler is named as in nubo.yaml: {@code com.example.Hello}, or Lambda's
 * {@code com.example.Hello::handleRequest}. The class decides how it is called: Nubo's
 * {@code Handler} or {@code HttpHandler}, or Lambda's {@code RequestStreamHandler} or
 * {@code RequestHandler} (the stream one when it implements both, as on Lambda). A method name that
 * is not the interface's own, or a class with no handler interface, means a method called
 * reflectively as Lambda would ({@link LambdaMethodCall}).
 */
final class FunctionLoader {

    /** Also marks the function's frames in stack traces: {@code nubo-function//com.example.Hello.handle}. */
    static final String LOADER_NAME = "nubo-function";

    private enum Lambda { NONE, REQUEST, STREAM }

    private FunctionLoader() {}

    static UserFunction load(Path code, String handler) {
        return load(code, List.of(), handler);
    }

    /**
     * Loads {@code handler} from {@code code} with Lambda's class path: the code (a jar or a classes
     * directory), then its {@code lib/*.jar} (inside a classes directory, beside a jar), then each
     * layer's {@code java/lib/*.jar} (Lambda's {@code /opt/java/lib}), in the order given.
     */
    static UserFunction load(Path code, List<Path> layers, String handler) {
        return load(classLoader(code, layers), code, handler);
    }

    /** The function's class loader: its class path, over the JDK and the APIs the host shares ({@link ApiOnlyClassLoader}). */
    static URLClassLoader classLoader(Path code, List<Path> layers) {
        return new URLClassLoader(LOADER_NAME, classPath(code, layers).toArray(URL[]::new),
                new ApiOnlyClassLoader(FunctionLoader.class.getClassLoader()));
    }

    /**
     * Loads {@code handler} from {@code loader} (made by {@link #classLoader}; {@code code} names it in
     * messages). A host loads one function, once; the compatibility suite loads many from one loader,
     * as AWS's serialization keeps some of its state per process.
     */
    static UserFunction load(ClassLoader loader, Path code, String handler) {
        int separator = handler.indexOf("::");
        String className = separator < 0 ? handler : handler.substring(0, separator);
        Optional<String> method = separator < 0 ? Optional.empty() : Optional.of(handler.substring(separator + 2));
        if (className.isBlank() || method.filter(m -> m.isBlank() || m.contains(":")).isPresent()) {
            throw new InitFailure("handler " + handler + " is neither a class name nor Class::method (check `handler`"
                    + " in nubo.yaml, e.g. com.example.Hello or com.example.Hello::handleRequest)");
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // The handler's constructor may look things up through the context loader (ServiceLoader,
        // many libraries): it must find the function's classes, not the host's.
        thread.setContextClassLoader(loader);
        try {
            return construct(find(loader, className, code), method);
        } catch (UnsupportedClassVersionError e) {
            int java = Runtime.version().feature();
            throw new InitFailure("handler class " + className + " was compiled for a newer Java than this runtime's"
                    + " Java " + java + " (compile with --release " + java + "): " + e.getMessage());
        } catch (LinkageError e) {
            // Typically a class the handler needs is not in `code`: dependencies are not provided by the host.
            throw new InitFailure("handler class " + className + " could not be loaded: " + e
                    + " (package the function's dependencies with its code, e.g. as one jar)");
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * The code, then the jars of its {@code lib/}: inside a classes directory (Lambda's zip layout) and
     * beside it or beside a jar (Maven's {@code target/classes} or {@code target/app.jar} with the
     * {@code target/lib} that {@code mvn dependency:copy-dependencies} makes), then each layer's
     * {@code java/lib}. A shaded jar needs none of it.
     */
    private static List<URL> classPath(Path code, List<Path> layers) {
        Path absolute = code.toAbsolutePath();
        Set<Path> entries = new LinkedHashSet<>();
        entries.add(absolute);
        if (Files.isDirectory(absolute)) {
            entries.addAll(jars(absolute.resolve("lib")));
        }
        entries.addAll(jars(absolute.getParent().resolve("lib")));
        for (Path layer : layers) {
            entries.addAll(jars(layer.resolve("java").resolve("lib")));
        }
        return entries.stream().map(FunctionLoader::url).toList();
    }

    /** The jars directly in {@code dir}, by name (Lambda's {@code lib/*} has no order of its own; this one is stable). */
    private static List<Path> jars(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jar") && Files.isRegularFile(f)).sorted().toList();
        } catch (IOException e) {
            throw new InitFailure("cannot list the jars in " + dir + ": " + e.getMessage());
        }
    }

    private static URL url(Path code) {
        if (Files.isRegularFile(code)) {
            try {
                // Opened only to fail here, clearly, rather than as "class not found" later.
                new JarFile(code.toFile()).close();
            } catch (IOException e) {
                throw new InitFailure("code " + code + " is neither a jar nor a classes directory (" + e.getMessage()
                        + "; check `code` in nubo.yaml)");
            }
        }
        try {
            return code.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new InitFailure("code " + code + " cannot be read as a class path entry: " + e.getMessage());
        }
    }

    /** {@code com.example.Outer.Inner}, as one writes it in source, also finds {@code Outer$Inner}. */
    private static Class<?> find(ClassLoader loader, String name, Path code) {
        String candidate = name;
        while (true) {
            try {
                return Class.forName(candidate, false, loader);
            } catch (ClassNotFoundException e) {
                int dot = candidate.lastIndexOf('.');
                int segment = candidate.lastIndexOf('.', dot - 1) + 1;
                if (dot < 0 || !Character.isUpperCase(candidate.charAt(segment))) {
                    throw new InitFailure("handler class " + name + " not found in " + code
                            + " (check `handler` in nubo.yaml and that `code` points at the compiled classes)");
                }
                candidate = candidate.substring(0, dot) + '$' + candidate.substring(dot + 1);
            }
        }
    }

    private static UserFunction construct(Class<?> type, Optional<String> method) {
        String name = "handler class " + type.getName();
        boolean json = Handler.class.isAssignableFrom(type);
        boolean http = HttpHandler.class.isAssignableFrom(type);
        Lambda lambda = lambda(type);
        if (json && http) {
            throw new InitFailure(name + " implements both Handler and HttpHandler (implement one, so that the"
                    + " host knows whether to decode the body as JSON)");
        }
        if ((json || http) && lambda != Lambda.NONE) {
            throw new InitFailure(name + " implements both Nubo's " + (json ? "Handler" : "HttpHandler") + " and Lambda's "
                    + (lambda == Lambda.STREAM ? "RequestStreamHandler" : "RequestHandler")
                    + " (implement one, so that the host knows which to call)");
        }
        String called = json || http ? "handle" : lambda != Lambda.NONE ? "handleRequest" : null;
        if (method.isPresent() && !method.get().equals(called)) {
            Method m = LambdaMethodCall.find(type, method.get()).orElseThrow(() -> new InitFailure(name
                    + " has no public method " + method.get() + " that Lambda could call (give it parameters (I),"
                    + " (I, Context), (InputStream, OutputStream) or (InputStream, OutputStream, Context), or"
                    + " implement RequestHandler<I, O>)"));
            Object target = LambdaMethodCall.isStatic(m) ? null : instantiate(type, name);
            return new LambdaFunction(type, new LambdaMethodCall(target, m, LambdaSerializers.of(type.getClassLoader())));
        }
        if (called == null) {
            throw new InitFailure(name + " does not implement dev.nubo.function.Handler or dev.nubo.function.HttpHandler,"
                    + " nor Lambda's RequestHandler or RequestStreamHandler (implement Handler<I, O> for JSON in and out,"
                    + " or HttpHandler for the raw request; an AWS Lambda handler runs unchanged if it implements"
                    + " RequestHandler<I, O> or RequestStreamHandler, or if `handler` in nubo.yaml names its method,"
                    + " as in " + type.getName() + "::handleRequest)");
        }
        Object handler = instantiate(type, name);
        return switch (lambda) {
            case STREAM -> new LambdaFunction(type, LambdaCall.stream((RequestStreamHandler) handler));
            case REQUEST -> new LambdaFunction(type,
                    LambdaCall.pojo((RequestHandler<?, ?>) handler, LambdaSerializers.of(type.getClassLoader())));
            case NONE -> json ? JsonFunction.nubo((Handler<?, ?>) handler) : new HttpFunction((HttpHandler) handler);
        };
    }

    private static Lambda lambda(Class<?> type) {
        try {
            if (RequestStreamHandler.class.isAssignableFrom(type)) {
                return Lambda.STREAM;
            }
            return RequestHandler.class.isAssignableFrom(type) ? Lambda.REQUEST : Lambda.NONE;
        } catch (NoClassDefFoundError e) {
            // aws-lambda-java-core is not on the host's class path: no class can implement our copy.
            return Lambda.NONE;
        }
    }

    private static Object instantiate(Class<?> type, String name) {
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
            throw new InitFailure(name + " is abstract (point `handler` in nubo.yaml at a concrete class)");
        }
        Constructor<?> constructor;
        try {
            constructor = type.getConstructor();
        } catch (NoSuchMethodException e) {
            boolean inner = type.isMemberClass() && !Modifier.isStatic(type.getModifiers());
            throw new InitFailure(name + " has no public no-argument constructor ("
                    + (inner ? "make the nested class static" : "add `public " + type.getSimpleName() + "() {}`")
                    + "; the host creates one instance and calls it for every request)");
        }
        try {
            // A public constructor of a non-public class: the intent is clear, so let it through.
            constructor.setAccessible(true);
            return constructor.newInstance();
        } catch (InvocationTargetException e) {
            throw new InitFailure(name + " constructor threw " + e.getCause(), HostFrames.strip(e.getCause()));
        } catch (ExceptionInInitializerError e) {
            throw new InitFailure(name + " static initializer threw " + e.getCause(), HostFrames.strip(e.getCause()));
        } catch (ReflectiveOperationException e) {
            throw new InitFailure(name + " could not be constructed: " + e);
        }
    }
}
