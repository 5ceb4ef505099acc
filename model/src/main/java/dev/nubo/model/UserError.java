package dev.nubo.model;

/** The caller's mistake: a bad descriptor, an unknown service, a conflicting request. A 4xx. */
public final class UserError extends NuboException {

    private final int httpStatus;

    private UserError(int httpStatus, String code, String message, String hint) {
        super(code, message, hint, null);
        this.httpStatus = httpStatus;
    }

    public static UserError badRequest(String code, String message, String hint) {
        return new UserError(400, code, message, hint);
    }

    public static UserError notFound(String code, String message, String hint) {
        return new UserError(404, code, message, hint);
    }

    public static UserError conflict(String code, String message, String hint) {
        return new UserError(409, code, message, hint);
    }

    /** 412: a conditional request ({@code If-Match}) whose condition no longer holds. */
    public static UserError preconditionFailed(String code, String message, String hint) {
        return new UserError(412, code, message, hint);
    }

    public static UserError tooLarge(String code, String message, String hint) {
        return new UserError(413, code, message, hint);
    }

    public static UserError unauthorized(String message, String hint) {
        return new UserError(401, "unauthorized", message, hint);
    }

    /** 403: a valid token whose role may not do this. */
    public static UserError forbidden(String message, String hint) {
        return new UserError(403, "forbidden", message, hint);
    }

    @Override
    public int httpStatus() {
        return httpStatus;
    }
}
