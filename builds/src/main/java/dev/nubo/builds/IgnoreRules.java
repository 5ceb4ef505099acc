package dev.nubo.builds;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which paths of a service directory are left out of its upload, written as a {@code .gitignore}
 * is (https://git-scm.com/docs/gitignore), all relative to the directory's root: blank lines and
 * {@code #} comments; {@code !} re-includes; a trailing {@code /} matches directories only; a slash
 * at the start or in the middle anchors the pattern to the root, otherwise it matches a name at any
 * depth; {@code *}, {@code ?} and {@code [a-z]} never match {@code /}; {@code **} as a whole segment
 * matches any number of directories. The last rule that matches decides.
 *
 * <p>As in git, a path inside a left-out directory cannot be re-included: the walk that uses these
 * rules ({@link SourceFiles}) does not enter such a directory. Not supported: POSIX classes such as
 * {@code [[:alpha:]]} (taken literally).
 *
 * <pre>{@code
 * IgnoreRules rules = IgnoreRules.parse("target/*\n!target/lib/\n*.log\n");
 * rules.ignored("target/classes", true);   // true
 * rules.ignored("target/lib", true);       // false
 * }</pre>
 */
record IgnoreRules(List<Rule> rules) {

    /** One pattern line. */
    record Rule(String line, Pattern pattern, boolean negated, boolean directoryOnly) {
        boolean matches(String path, boolean directory) {
            return (directory || !directoryOnly) && pattern.matcher(path).matches();
        }
    }

    IgnoreRules {
        rules = List.copyOf(rules);
    }

    static IgnoreRules parse(String text) {
        List<Rule> rules = new ArrayList<>();
        for (String line : text.split("\r?\n", -1)) {
            rule(line).ifPresent(rules::add);
        }
        return new IgnoreRules(rules);
    }

    /** These rules, then {@code later}'s, which win where both match. */
    IgnoreRules then(IgnoreRules later) {
        List<Rule> all = new ArrayList<>(rules);
        all.addAll(later.rules);
        return new IgnoreRules(all);
    }

    /** Whether the last rule matching {@code path} ('/'-separated, relative to the root) leaves it out. */
    boolean ignored(String path, boolean directory) {
        for (int i = rules.size() - 1; i >= 0; i--) {
            Rule rule = rules.get(i);
            if (rule.matches(path, directory)) {
                return !rule.negated();
            }
        }
        return false;
    }

    private static java.util.Optional<Rule> rule(String line) {
        String p = stripTrailingSpaces(line);
        if (p.isEmpty() || p.startsWith("#")) {
            return java.util.Optional.empty();
        }
        boolean negated = p.startsWith("!");
        if (negated) {
            p = p.substring(1);
        }
        boolean directoryOnly = p.endsWith("/") && !p.endsWith("\\/");
        if (directoryOnly) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.isEmpty()) {
            return java.util.Optional.empty();
        }
        boolean anchored = p.indexOf('/') >= 0;
        if (p.startsWith("/")) {
            p = p.substring(1);
        }
        String regex = (anchored ? "" : "(?:.*/)?") + glob(p);
        return java.util.Optional.of(new Rule(line, Pattern.compile(regex, Pattern.DOTALL), negated, directoryOnly));
    }

    /** Trailing spaces are ignored unless escaped with a backslash. */
    private static String stripTrailingSpaces(String line) {
        int end = line.length();
        while (end > 0 && line.charAt(end - 1) == ' ' && !(end > 1 && line.charAt(end - 2) == '\\')) {
            end--;
        }
        return line.substring(0, end);
    }

    /** A glob of one rule (without its leading slash) as a regular expression over a whole relative path. */
    private static String glob(String p) {
        StringBuilder re = new StringBuilder();
        int n = p.length();
        for (int i = 0; i < n; i++) {
            char c = p.charAt(i);
            boolean segmentStart = i == 0 || p.charAt(i - 1) == '/';
            if (c == '*' && i + 1 < n && p.charAt(i + 1) == '*' && segmentStart && (i + 2 == n || p.charAt(i + 2) == '/')) {
                if (i + 2 == n) {
                    re.append(".*");            // "a/**": everything inside a; "**": everything
                } else {
                    re.append("(?:.*/)?");      // "**/b", "a/**/b": zero or more directories
                    i++;
                }
                i++;
            } else if (c == '*') {
                while (i + 1 < n && p.charAt(i + 1) == '*') {
                    i++;                        // other runs of asterisks are one asterisk
                }
                re.append("[^/]*");
            } else if (c == '?') {
                re.append("[^/]");
            } else if (c == '[') {
                int close = classEnd(p, i);
                if (close < 0) {
                    re.append(literal('['));
                } else {
                    re.append(characterClass(p.substring(i + 1, close)));
                    i = close;
                }
            } else if (c == '\\' && i + 1 < n) {
                re.append(literal(p.charAt(++i)));
            } else {
                re.append(literal(c));
            }
        }
        return re.toString();
    }

    /** The index of the ']' closing the class opened at {@code open}, or -1; a ']' first in the class is literal. */
    private static int classEnd(String p, int open) {
        int i = open + 1;
        if (i < p.length() && (p.charAt(i) == '!' || p.charAt(i) == '^')) {
            i++;
        }
        if (i < p.length() && p.charAt(i) == ']') {
            i++;
        }
        for (; i < p.length(); i++) {
            if (p.charAt(i) == '\\') {
                i++;
            } else if (p.charAt(i) == ']') {
                return i;
            }
        }
        return -1;
    }

    private static String characterClass(String body) {
        StringBuilder re = new StringBuilder("[");
        int i = 0;
        if (!body.isEmpty() && (body.charAt(0) == '!' || body.charAt(0) == '^')) {
            re.append('^').append(literal('/'));
            i = 1;
        }
        for (; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\\' && i + 1 < body.length()) {
                re.append(literal(body.charAt(++i)));
            } else if (c == '-' && re.length() > 1 && i + 1 < body.length()) {
                re.append('-');
            } else {
                re.append(literal(c));
            }
        }
        return re.append(']').toString();
    }

    private static String literal(char c) {
        return String.format("\\x{%x}", (int) c);
    }
}
