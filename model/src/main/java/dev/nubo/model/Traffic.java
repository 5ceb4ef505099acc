package dev.nubo.model;

import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Which revisions of a service take its traffic, in what shares, and which tags name revisions.
 * A split or a tag may target {@link #LATEST}, the newest READY revision, so that a deploy moves
 * that share without anyone editing the split; a split naming a revision id stays on it across deploys.
 *
 * <pre>{@code
 * // nubo traffic hello hello-00002=90 latest=10 --tag canary=latest
 * Traffic t = Traffic.parse(List.of("hello-00002=90", "latest=10"), List.of("canary=latest"));
 * }</pre>
 *
 * <p>Every instance is valid: percentages each 0..100 and totalling 100, no revision twice, tag
 * names DNS labels. A split of 0 % is kept, so a revision can be named without taking traffic.
 * Whether the named revisions exist is for whoever holds the service to check.
 *
 * @param splits the shares, in the order given; at least one
 * @param tags tag name to revision id (or {@link #LATEST}), sorted by tag name
 */
public record Traffic(List<Split> splits, Map<String, String> tags) {

    /** A split or tag target meaning "the newest READY revision". */
    public static final String LATEST = "latest";

    private static final Pattern TAG = Pattern.compile("[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?");
    private static final Pattern REVISION = Pattern.compile("[a-z]([a-z0-9-]*[a-z0-9])?(\\.[a-z]([a-z0-9-]*[a-z0-9])?)?-[0-9]{5,}"); // NAME[.NAMESPACE]-NNNNN
    private static final String REVISION_HINT = "name a revision by its id, e.g. hello-00002 (`nubo describe SERVICE` lists them),"
            + " or `latest` for the newest ready one";

    public Traffic {
        if (splits == null || splits.isEmpty()) {
            throw invalid("traffic needs at least one REVISION=PERCENT split",
                    "e.g. `latest=100` to follow the newest ready revision");
        }
        splits = List.copyOf(splits);
        // JSON written by hand may leave tags out; that means none.
        tags = Collections.unmodifiableMap(new TreeMap<>(tags == null ? Map.of() : tags));
        Set<String> seen = new HashSet<>();
        int total = 0;
        for (Split s : splits) {
            if (!seen.add(s.revision())) {
                throw invalid("traffic names " + s.revision() + " twice",
                        "give each revision one split, with its whole share");
            }
            total += s.percent();
        }
        if (total != 100) {
            throw invalid("traffic percentages add up to " + total + ", not 100",
                    "adjust them so they total 100, e.g. hello-00002=90 latest=10");
        }
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            if (tag.getKey().equals(LATEST)) {
                throw invalid("`latest` cannot be a tag name: it already means the newest ready revision",
                        "pick another name, e.g. `current=" + tag.getValue() + "`");
            }
            if (!TAG.matcher(tag.getKey()).matches()) {
                throw invalid("tag name '" + tag.getKey() + "' must be a DNS label of at most 40 characters:"
                        + " lowercase letters, digits and '-', not starting or ending with '-'",
                        "the tag becomes part of a host name; e.g. `canary=" + tag.getValue() + "`");
            }
            checkTarget(tag.getValue(), "tag " + tag.getKey());
        }
    }

    /**
     * One share of the traffic.
     *
     * @param revision a revision id such as {@code hello-00002}, or {@link #LATEST}
     * @param percent 0..100
     */
    public record Split(String revision, int percent) {
        public Split {
            checkTarget(revision, "a split");
            if (percent < 0 || percent > 100) {
                throw invalid("traffic for " + revision + " is " + percent + " %; a share is between 0 and 100",
                        "give it a whole percentage from 0 to 100");
            }
        }
    }

    /** Everything to the newest ready revision, no tags: what a service does until told otherwise. */
    public static Traffic latest() {
        return new Traffic(List.of(new Split(LATEST, 100)), Map.of());
    }

    /** true when every request goes to the newest ready revision ({@code [latest=100]}), whatever the tags. */
    public boolean followsLatest() {
        return splits.equals(List.of(new Split(LATEST, 100)));
    }

    /**
     * Reads the command line's forms: splits as {@code REVISION=PERCENT} ({@code hello-00002=90},
     * {@code latest=10}), tags as {@code TAG=REVISION} ({@code canary=hello-00003}).
     */
    public static Traffic parse(List<String> assignments, List<String> tagAssignments) {
        List<Split> splits = assignments.stream().map(Traffic::split).toList();
        Map<String, String> tags = new TreeMap<>();
        for (String a : tagAssignments) {
            String[] kv = pair(a, "a tag", "TAG=REVISION", "canary=hello-00003");
            if (tags.put(kv[0], kv[1]) != null) {
                throw invalid("tag " + kv[0] + " is given twice", "give each tag one revision");
            }
        }
        return new Traffic(splits, tags);
    }

    /** The same splits with {@code tags} instead of the current ones. */
    public Traffic withTags(Map<String, String> tags) {
        return new Traffic(splits, tags);
    }

    private static Split split(String assignment) {
        String[] kv = pair(assignment, "a traffic split", "REVISION=PERCENT", "hello-00002=90");
        String percent = kv[1].endsWith("%") ? kv[1].substring(0, kv[1].length() - 1) : kv[1];
        if (!percent.matches("[0-9]{1,3}")) {
            throw invalid("the share in `" + assignment + "` must be a whole percentage from 0 to 100",
                    "write it as REVISION=PERCENT, e.g. hello-00002=90");
        }
        return new Split(kv[0], Integer.parseInt(percent));
    }

    private static String[] pair(String assignment, String what, String form, String example) {
        int eq = assignment.indexOf('=');
        if (eq <= 0 || eq == assignment.length() - 1 || assignment.indexOf('=', eq + 1) >= 0) {
            throw invalid("`" + assignment + "` is not " + what + "; write it as " + form,
                    "e.g. " + example);
        }
        return new String[] {assignment.substring(0, eq).trim(), assignment.substring(eq + 1).trim()};
    }

    private static void checkTarget(String revision, String where) {
        if (revision == null || !(revision.equals(LATEST) || REVISION.matcher(revision).matches())) {
            throw invalid(where + " names '" + revision + "', which is neither a revision id nor `latest`", REVISION_HINT);
        }
    }

    private static UserError invalid(String message, String hint) {
        return UserError.badRequest("traffic.invalid", message, hint);
    }
}
