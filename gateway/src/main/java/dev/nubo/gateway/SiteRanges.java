package dev.nubo.gateway;

import java.util.Optional;

/** The one byte range of a Range header that a site answers with 206. */
final class SiteRanges {

    private SiteRanges() {}

    /**
     * {@code [first, last]} of {@code bytes=a-b}, {@code bytes=a-} or {@code bytes=-n} within a file of
     * {@code length} bytes; an empty array when the range lies wholly past the end (416); empty when
     * the header is malformed or asks for several ranges, which RFC 9110 lets a server answer with the
     * whole file.
     */
    static Optional<long[]> single(String header, long length) {
        String value = header.strip();
        if (!value.regionMatches(true, 0, "bytes=", 0, 6) || value.indexOf(',') >= 0) {
            return Optional.empty();
        }
        String spec = value.substring(6).strip();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return Optional.empty();
        }
        try {
            String a = spec.substring(0, dash).strip();
            String b = spec.substring(dash + 1).strip();
            if (a.isEmpty()) {
                long suffix = Long.parseLong(b);
                if (suffix <= 0) {
                    return suffix == 0 ? Optional.of(new long[0]) : Optional.empty();
                }
                return length == 0 ? Optional.of(new long[0]) : Optional.of(new long[] {Math.max(0, length - suffix), length - 1});
            }
            long first = Long.parseLong(a);
            long last = b.isEmpty() ? Long.MAX_VALUE : Long.parseLong(b);
            if (first < 0 || last < first) {
                return Optional.empty();
            }
            if (first >= length) {
                return Optional.of(new long[0]);
            }
            return Optional.of(new long[] {first, Math.min(last, length - 1)});
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
