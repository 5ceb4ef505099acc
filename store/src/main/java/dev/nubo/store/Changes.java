package dev.nubo.store;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the change feed holds after a generation a reader had seen.
 *
 * @param generation the generation the reader has now seen: the last change's, or the one it asked
 *     from when there is nothing new; what to ask from next time
 * @param changes in the order they committed, at most a page of them (ask again from {@code generation})
 * @param missed some changes after the generation asked from are no longer kept (the reader fell far
 *     behind), or the feed is behind that generation (the database was replaced): the reader cannot know
 *     every service that changed and must read them all again
 */
public record Changes(long generation, List<Change> changes, boolean missed) {

    public Changes {
        changes = List.copyOf(changes);
    }

    /** The services that changed, each once, in the order of their first change. */
    public Set<String> services() {
        Set<String> names = new LinkedHashSet<>();
        changes.forEach(c -> names.add(c.service()));
        return names;
    }
}
