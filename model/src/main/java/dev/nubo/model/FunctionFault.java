package dev.nubo.model;

/**
 * The deployed code failed: it crashed, never became ready, or threw. The message carries the
 * cause as far as Nubo knows it; the instance log has the rest.
 */
public final class FunctionFault extends NuboException {

    public FunctionFault(String code, String message, String hint) {
        super(code, message, hint, null);
    }

    @Override
    public int httpStatus() {
        return 502;
    }
}
