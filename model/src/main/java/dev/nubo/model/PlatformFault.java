package dev.nubo.model;

/** Nubo itself failed: storage, the file system, an exhausted resource. A 500, or a 507 for a full disk. */
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
     * A disk Nubo writes to is full: {@code 507 Insufficient Storage}, code {@code platform.disk_full}.
     * The message should name the disk and its free space, and say what was and was not stored.
     */
    public static PlatformFault diskFull(String message, String hint, Throwable cause) {
        return new PlatformFault(507, "platform.disk_full", message, hint, cause);
    }

    @Override
    public int httpStatus() {
        return httpStatus;
    }
}
