package dev.nubo.apis;

import io.swagger.v3.oas.models.media.Schema;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What an OpenAPI parameter's value may be, read once at deploy from its {@code schema}: the type
 * ({@code string}, {@code integer}, {@code number}, {@code boolean}), {@code enum}, {@code minimum} and
 * {@code maximum}, {@code minLength}, {@code maxLength} and {@code pattern}. Arrays and objects pass
 * unchecked: a parameter carries them in one of several serialisations, and the service knows which.
 */
record ValueSchema(String type, List<String> allowed, Optional<BigDecimal> minimum, Optional<BigDecimal> maximum,
                   int minLength, int maxLength, Optional<Pattern> pattern) {

    static final ValueSchema ANY = new ValueSchema("", List.of(), Optional.empty(), Optional.empty(), 0, Integer.MAX_VALUE, Optional.empty());

    ValueSchema {
        allowed = List.copyOf(allowed);
    }

    static ValueSchema of(Schema<?> schema) {
        if (schema == null) {
            return ANY;
        }
        String type = schema.getType() != null ? schema.getType()
                : schema.getTypes() != null && !schema.getTypes().isEmpty() ? schema.getTypes().iterator().next() : "";
        List<String> allowed = schema.getEnum() == null ? List.of() : schema.getEnum().stream().map(String::valueOf).toList();
        return new ValueSchema(type, allowed, Optional.ofNullable(schema.getMinimum()), Optional.ofNullable(schema.getMaximum()),
                schema.getMinLength() == null ? 0 : schema.getMinLength(),
                schema.getMaxLength() == null ? Integer.MAX_VALUE : schema.getMaxLength(),
                Optional.ofNullable(schema.getPattern()).map(Pattern::compile));
    }

    /** What is wrong with {@code value}, said so that the caller can fix it; empty when it fits. */
    Optional<String> problem(String value) {
        switch (type) {
            case "integer", "number" -> {
                BigDecimal n;
                try {
                    n = new BigDecimal(value);
                } catch (NumberFormatException e) {
                    return Optional.of("must be " + (type.equals("integer") ? "an integer" : "a number") + " (got '" + value + "')");
                }
                if (type.equals("integer") && n.stripTrailingZeros().scale() > 0) {
                    return Optional.of("must be an integer (got '" + value + "')");
                }
                if (minimum.isPresent() && n.compareTo(minimum.get()) < 0) {
                    return Optional.of("must be at least " + minimum.get().toPlainString() + " (got " + value + ")");
                }
                if (maximum.isPresent() && n.compareTo(maximum.get()) > 0) {
                    return Optional.of("must be at most " + maximum.get().toPlainString() + " (got " + value + ")");
                }
            }
            case "boolean" -> {
                if (!value.equals("true") && !value.equals("false")) {
                    return Optional.of("must be true or false (got '" + value + "')");
                }
            }
            case "string" -> {
                if (value.length() < minLength || value.length() > maxLength) {
                    return Optional.of("must be " + (maxLength == Integer.MAX_VALUE ? "at least " + minLength
                            : minLength + " to " + maxLength) + " characters long (got " + value.length() + ")");
                }
                if (pattern.isPresent() && !pattern.get().matcher(value).find()) {
                    return Optional.of("must match " + pattern.get().pattern() + " (got '" + value + "')");
                }
            }
            default -> {
                return Optional.empty();
            }
        }
        if (!allowed.isEmpty() && !allowed.contains(value)) {
            return Optional.of("must be one of " + allowed + " (got '" + value + "')");
        }
        return Optional.empty();
    }
}
