package dev.nubo.apis;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An OpenAPI path template such as {@code /users/{id}/orders}: literal segments match exactly, a
 * {@code {name}} segment matches one non-empty segment and binds it. Of several templates that match
 * a path, the one with more literal segments wins ({@code /users/me} over {@code /users/{id}}), as
 * OpenAPI requires.
 */
record PathTemplate(String template, List<String> segments, int literals) {

    static PathTemplate of(String template) {
        if (!template.startsWith("/")) {
            throw new IllegalArgumentException("path '" + template + "' must start with /");
        }
        List<String> segments = split(template);
        for (String s : segments) {
            if (s.contains("{") && !(s.startsWith("{") && s.endsWith("}") && s.length() > 2)) {
                throw new IllegalArgumentException("path '" + template + "' has segment '" + s
                        + "'; a parameter takes a whole segment, like /users/{id}");
            }
        }
        return new PathTemplate(template, segments, (int) segments.stream().filter(s -> !isParameter(s)).count());
    }

    /** The bound parameters when {@code path} (no query) matches, percent-encoding left as sent. */
    Optional<Map<String, String>> match(String path) {
        List<String> parts = split(path);
        if (parts.size() != segments.size()) {
            return Optional.empty();
        }
        Map<String, String> bound = null;
        for (int i = 0; i < parts.size(); i++) {
            String want = segments.get(i);
            String got = parts.get(i);
            if (isParameter(want)) {
                if (got.isEmpty()) {
                    return Optional.empty();
                }
                (bound == null ? bound = new LinkedHashMap<>() : bound).put(want.substring(1, want.length() - 1), got);
            } else if (!want.equals(got)) {
                return Optional.empty();
            }
        }
        return Optional.of(bound == null ? Map.of() : bound);
    }

    /** This template with {@code {name}} segments (or parts) filled from {@code values}. */
    static String fill(String template, Map<String, String> values) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf('{', i);
            if (open < 0) {
                out.append(template, i, template.length());
                break;
            }
            int close = template.indexOf('}', open);
            if (close < 0) {
                out.append(template, i, template.length());
                break;
            }
            out.append(template, i, open);
            String name = template.substring(open + 1, close);
            out.append(values.getOrDefault(name, ""));
            i = close + 1;
        }
        return out.toString();
    }

    private static boolean isParameter(String segment) {
        return segment.startsWith("{");
    }

    private static List<String> split(String path) {
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return p.equals("/") ? List.of() : List.of(p.substring(1).split("/", -1));
    }
}
