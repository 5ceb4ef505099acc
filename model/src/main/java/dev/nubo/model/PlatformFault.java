package dev.nubo.model;

/** Nubo itself failed: storage, the file system, an exhausted resource. A 500 or 503. */
public final class PlatformFault extends NuboException {

    public PlatformFault(String code, String message, Throwable cause) {
        super(code, message, "this is Nubo's fault, not yours; the server log has the details", cause);
    }

    @Override
    public int httpStatus() {
        return 500;
    }
}
