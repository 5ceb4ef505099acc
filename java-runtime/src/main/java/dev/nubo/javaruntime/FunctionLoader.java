package dev.nubo.javaruntime;

import dev.nubo.function.Handler;
import dev.nubo.function.HttpHandler;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;

/**
 * Loads the user's handler class from {@code NUBO_CODE} in a class loader of its own (see
 * {@link ApiOnlyClassLoader}) and constructs it once. Every way this can fail becomes an
 * {@link InitFailure} naming the class, the cause and the fix.
 */
final class FunctionLoader {

    /** Also marks the function's frames in stack traces: {@code nubo-function//com.example.Hello.handle}. */
    static final String LOADER_NAME = "nubo-function";

    private FunctionLoader() {}

    static UserFunction load(Path code, String handlerName) {
        ClassLoader loader = new URLClassLoader(LOADER_NAME, new URL[] {url(code)},
                new ApiOnlyClassLoader(FunctionLoader.class.getClassLoader()));
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // The handler's constructor may look things up through the context loader (ServiceLoader,
        // many libraries): it must find the function's classes, not the host's.
        thread.setContextClassLoader(loader);
        try {
            return construct(find(loader, handlerName, code));
        } catch (UnsupportedClassVersionError e) {
            int java = Runtime.version().feature();
            throw new InitFailure("handler class " + handlerName + " was compiled for a newer Java than this runtime's"
                    + " Java " + java + " (compile with --release " + java + "): " + e.getMessage());
        } catch (LinkageError e) {
            // Typically a class the handler needs is not in `code`: dependencies are not provided by the host.
            throw new InitFailure("handler class " + handlerName + " could not be loaded: " + e
                    + " (package the function's dependencies with its code, e.g. as one jar)");
        } finally {
            thread.setContextClassLoader(previous);
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

    private static UserFunction construct(Class<?> type) {
        String name = "handler class " + type.getName();
        boolean json = Handler.class.isAssignableFrom(type);
        boolean http = HttpHandler.class.isAssignableFrom(type);
        if (!json && !http) {
            throw new InitFailure(name + " does not implement dev.nubo.function.Handler or dev.nubo.function.HttpHandler"
                    + " (implement Handler<I, O> for JSON in and out, or HttpHandler for the raw request)");
        }
        if (json && http) {
            throw new InitFailure(name + " implements both Handler and HttpHandler (implement one, so that the"
                    + " host knows whether to decode the body as JSON)");
        }
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
            throw new InitFailure(name + " is abstract (point `handler` in nubo.yaml at a concrete class)");
        }
        Object handler = instantiate(type, name);
        return json ? new JsonFunction((Handler<?, ?>) handler) : new HttpFunction((HttpHandler) handler);
    }

    private static Object instantiate(Class<?> type, String name) {
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
