package dev.nubo.model;

/** Nubo itself failed: storage, the file system, an exhausted resource. A 500, or 507 when a disk is full. */
public final class PlatformFault extends NuboException {

    private final int httpStatus;

    public PlatformFault(String code, String message, Throwable cause) {
        this(500, code, message, "this is Nubo's fault, not yours; the server log has the details", cause);
    }

    private PlatformFault(int httpStatus, String code, String message, String hint, Throwable cause) {
        super(code, message, hint, cause);
        this.httpStatus = httpStatus;
    }

    /**
     * 507 Insufficient Storage: the server's disk is full. Neither the caller's mistake nor a bug, and
     * the remedy is the operator's, so the message names the disk and the hint says what to free.
     */
    public static PlatformFault insufficientStorage(String code, String message, String hint, Throwable cause) {
        return new PlatformFault(507, code, message, hint, cause);
    }

    @Override
    public int httpStatus() {
        return httpStatus;
    }
}
