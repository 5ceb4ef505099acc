package dev.nubo.model;

/**
 * Every error Nubo raises on purpose. The three kinds are kept apart because each has a different
 * owner and a different remedy: the caller fixes a {@link UserError}, the operator looks into a
 * {@link PlatformFault}, and the function's author fixes a {@link FunctionFault}.
 *
 * <p>Each carries a stable machine-readable {@link #code()} and a {@link #hint()} that says what to
 * do; the control API returns both as {@code {"error": {"code", "message", "hint"}}}.
 */
public abstract sealed class NuboException extends RuntimeException
        permits UserError, PlatformFault, FunctionFault {

    private final String code;
    private final String hint;

    NuboException(String code, String message, String hint, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.hint = hint == null ? "" : hint;
    }

    /** A short stable identifier such as {@code descriptor.invalid}. */
    public String code() {
        return code;
    }

    /** What to do about it; empty when there is nothing useful to say. */
    public String hint() {
        return hint;
    }

    /** The HTTP status the control API answers with. */
    public abstract int httpStatus();
}
