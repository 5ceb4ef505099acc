package dev.nubo.access;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a token may do, as a set of {@link Permission}s (docs/SECURITY.md has the table):
 * <ul>
 *   <li>{@code admin}: everything, tokens and the audit log included; the bootstrap admin token is one;</li>
 *   <li>{@code developer}: reads and changes services, eventing, workflows, APIs and secrets; invokes; publishes;</li>
 *   <li>{@code viewer}: reads;</li>
 *   <li>{@code invoker}: calls services, private ones included, and nothing else;</li>
 *   <li>{@code producer}: posts events into the brokers it names, and nothing else.</li>
 * </ul>
 */
public enum Role {
    ADMIN(EnumSet.allOf(Permission.class)),
    DEVELOPER(EnumSet.of(Permission.ANY, Permission.READ, Permission.WRITE, Permission.INVOKE, Permission.PUBLISH)),
    VIEWER(EnumSet.of(Permission.ANY, Permission.READ)),
    INVOKER(EnumSet.of(Permission.ANY, Permission.INVOKE)),
    PRODUCER(EnumSet.of(Permission.ANY, Permission.PUBLISH));

    private final Set<Permission> permissions;

    Role(Set<Permission> permissions) {
        this.permissions = Set.copyOf(permissions);
    }

    public boolean grants(Permission p) {
        return permissions.contains(p);
    }

    /** The name as the CLI and API write it: {@code developer}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * {@code developer} as a role.
     *
     * @throws dev.nubo.model.UserError 400 {@code token.invalid} listing the roles
     */
    public static Role parse(String text) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw dev.nubo.model.UserError.badRequest("token.invalid", "'" + text + "' is not a role",
                    "use one of " + Arrays.stream(values()).map(Role::label).collect(Collectors.joining(", ")));
        }
    }
}
