package dev.nubo.javaruntime;

import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Set;

/**
 * The parent of the function's class loader: the JDK, the {@code dev.nubo.function} API and AWS
 * Lambda's handler interfaces ({@code com.amazonaws.services.lambda.runtime} and its
 * {@code logging} package, from aws-lambda-java-core), and nothing else of the host. The host's own
 * libraries (Jackson above all) stay invisible, so a function can bring its own versions without
 * clashing with ours.
 *
 * <p>The API classes are handed out as the host loaded them, not copied, and before the function's
 * own: a handler must implement the very {@code Handler} or {@code RequestHandler} interface the host
 * calls through, even when its jar bundles another copy of aws-lambda-java-core. Sub-packages are
 * not shared: {@code com.amazonaws.services.lambda.runtime.events} and the like are the function's.
 */
final class ApiOnlyClassLoader extends ClassLoader {

    static {
        registerAsParallelCapable();
    }

    private static final Set<String> API_PACKAGES = Set.of("dev.nubo.function",
            "com.amazonaws.services.lambda.runtime", "com.amazonaws.services.lambda.runtime.logging");

    private final ClassLoader host;

    ApiOnlyClassLoader(ClassLoader host) {
        super("nubo-api", ClassLoader.getPlatformClassLoader());
        this.host = host;
    }

    /** Reached only after the platform loader said no, so JDK classes never come here. */
    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        if (isApi(name, '.')) {
            return host.loadClass(name);
        }
        throw new ClassNotFoundException(name);
    }

    @Override
    protected URL findResource(String name) {
        return isApi(name, '/') ? host.getResource(name) : null;
    }

    @Override
    protected Enumeration<URL> findResources(String name) throws IOException {
        return isApi(name, '/') ? host.getResources(name) : Collections.emptyEnumeration();
    }

    /** Exactly the API packages: a sub-package would be some other library's, or the function's own. */
    private static boolean isApi(String name, char separator) {
        int last = name.lastIndexOf(separator);
        return last > 0 && API_PACKAGES.contains(name.substring(0, last).replace(separator, '.'));
    }
}
