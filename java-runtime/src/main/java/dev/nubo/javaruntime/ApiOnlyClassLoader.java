package dev.nubo.javaruntime;

import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;

/**
 * The parent of the function's class loader: the JDK plus the {@code dev.nubo.function} API
 * classes, and nothing else of the host. The host's own libraries (Jackson above all) stay
 * invisible, so a function can bring its own versions without clashing with ours.
 *
 * <p>The API classes are handed out as the host loaded them, not copied: a handler must implement
 * the very {@code Handler} interface the host calls through.
 */
final class ApiOnlyClassLoader extends ClassLoader {

    static {
        registerAsParallelCapable();
    }

    private static final String API_PACKAGE = "dev.nubo.function.";
    private static final String API_RESOURCES = "dev/nubo/function/";

    private final ClassLoader host;

    ApiOnlyClassLoader(ClassLoader host) {
        super("nubo-api", ClassLoader.getPlatformClassLoader());
        this.host = host;
    }

    /** Reached only after the platform loader said no, so JDK classes never come here. */
    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        // Exactly the API package: a sub-package would be some other module's internals.
        if (name.startsWith(API_PACKAGE) && name.indexOf('.', API_PACKAGE.length()) < 0) {
            return host.loadClass(name);
        }
        throw new ClassNotFoundException(name);
    }

    @Override
    protected URL findResource(String name) {
        return isApiResource(name) ? host.getResource(name) : null;
    }

    @Override
    protected Enumeration<URL> findResources(String name) throws IOException {
        return isApiResource(name) ? host.getResources(name) : Collections.emptyEnumeration();
    }

    private static boolean isApiResource(String name) {
        return name.startsWith(API_RESOURCES) && name.indexOf('/', API_RESOURCES.length()) < 0;
    }
}
