package dev.nubo.model;

import java.util.regex.Pattern;

/**
 * How a service's namespace is written into its name. A service {@code orders} of the namespace
 * {@code team-a} is {@code orders.team-a} wherever Nubo keeps or routes it (the store, the route table,
 * the instance manager, its host {@code orders.team-a.<domain>}); a service of the namespace
 * {@code default} keeps its plain name, so everything made before namespaces stays where it was.
 * Neither a service name nor a namespace holds a dot, so the split is never ambiguous.
 *
 * <pre>{@code
 * Namespaced.qualified("orders", "team-a");   // "orders.team-a"
 * Namespaced.namespaceOf("orders.team-a");    // "team-a"
 * Namespaced.namespaceOf("orders");           // "default"
 * }</pre>
 */
public final class Namespaced {

    /** The namespace that always exists, has no quotas, and whose services keep their plain names. */
    public static final String DEFAULT = "default";
    /** A namespace name: a DNS label, like a service name. */
    public static final Pattern NAME = Pattern.compile("[a-z]([a-z0-9-]{0,38}[a-z0-9])?");

    private Namespaced() {}

    /** The stored name of service {@code name} of {@code namespace}. */
    public static String qualified(String name, String namespace) {
        return namespace.equals(DEFAULT) ? name : name + "." + namespace;
    }

    /** The namespace of a stored service name. */
    public static String namespaceOf(String qualified) {
        int dot = qualified.indexOf('.');
        return dot < 0 ? DEFAULT : qualified.substring(dot + 1);
    }

    /** The service's own name, without its namespace. */
    public static String nameOf(String qualified) {
        int dot = qualified.indexOf('.');
        return dot < 0 ? qualified : qualified.substring(0, dot);
    }

    /**
     * {@code text} as a namespace name.
     *
     * @throws UserError 400 {@code namespace.invalid}
     */
    public static String check(String text) {
        if (!NAME.matcher(text).matches()) {
            throw UserError.badRequest("namespace.invalid", "'" + text + "' cannot name a namespace",
                    "use up to 40 lowercase letters, digits and '-', starting with a letter, e.g. team-a");
        }
        return text;
    }
}
