package dev.nubo.gateway;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** How a request's path becomes a file name under a site's root, refusing anything that could leave it. */
final class SitePaths {

    private SitePaths() {}

    /**
     * The path percent-decoded (as UTF-8; {@code +} stays itself), or empty when it is malformed or could
     * name something outside the root once decoded: a {@code .} or {@code ..} segment (also as
     * {@code %2e%2e}), a backslash, a NUL, or an encoded slash (which would turn one segment into two).
     */
    static Optional<String> decode(String raw) {
        if (!raw.startsWith("/")) {
            return Optional.empty();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    return Optional.empty();
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return Optional.empty();
                }
                int b = hi * 16 + lo;
                if (b == '/' || b == '\\' || b == 0) {
                    return Optional.empty();
                }
                out.write(b);
                i += 2;
            } else if (c == '\\' || c == 0) {
                return Optional.empty();
            } else {
                out.write(c);  // the decoder refuses non-ASCII in a request line, so a char is a byte here
            }
        }
        String path = out.toString(StandardCharsets.UTF_8);
        for (String segment : path.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return Optional.empty();
            }
        }
        return Optional.of(path);
    }

    /** The part after the last slash; empty for a directory's path. */
    static String lastSegment(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
