package dev.nubo.runtimeapi;

import io.vertx.core.http.HttpServerRequest;

/**
 * A response the runtime streams ({@code Lambda-Runtime-Function-Response-Mode: streaming}, a chunked
 * {@code POST .../response}), piped to the caller as it arrives: the caller gets 200 and the head at once,
 * then each chunk. When the caller reads slower than the runtime writes, the runtime's upload pauses
 * until the caller drains, so memory stays flat. Past {@code maxResponseBytes} the caller's connection
 * is reset (its 200 is gone, so a reset is the only honest way to say the answer is cut short) and the
 * runtime gets 413 once its upload ends.
 */
final class ResponseStream {

    static final String MODE_HEADER = "Lambda-Runtime-Function-Response-Mode";
    private static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";

    private final HttpServerRequest upload;
    private final Invocation invocation;
    private final Invocations invocations;
    private final long limit;
    private final InstanceLog log;
    private long received;
    private boolean over;

    private ResponseStream(HttpServerRequest upload, Invocation invocation, Invocations invocations, long limit,
            InstanceLog log) {
        this.upload = upload;
        this.invocation = invocation;
        this.invocations = invocations;
        this.limit = limit;
        this.log = log;
    }

    static void pipe(HttpServerRequest upload, Invocation invocation, Invocations invocations, long limit, InstanceLog log) {
        new ResponseStream(upload, invocation, invocations, limit, log).start();
    }

    private void start() {
        String contentType = upload.getHeader("content-type");
        invocation.openStream(contentType == null ? DEFAULT_CONTENT_TYPE : contentType);
        invocation.onCallerGone(upload::resume);  // nobody reads any more: let the rest drain
        upload.handler(chunk -> {
            received += chunk.length();
            if (over || invocation.stage() == Invocation.Stage.FINISHED) {
                return;
            }
            if (received > limit) {
                over = true;
                invocation.fail(CallerError.responseTooLarge(limit));
                return;
            }
            if (invocation.write(chunk)) {
                upload.pause();
                invocation.whenDrained(upload::resume);
            }
        });
        upload.exceptionHandler(broken -> {
            if (invocation.stage() != Invocation.Stage.FINISHED) {
                log.line("the streamed response to invocation " + invocation.id() + " broke off after " + received
                        + " bytes: " + broken.getMessage());
                invocation.fail(CallerError.runtimeExited());
                invocations.finish(invocation);
            }
        });
        upload.endHandler(v -> {
            if (over) {
                log.line("the streamed response to invocation " + invocation.id() + " was " + received
                        + " bytes, over maxResponseBytes (" + limit + "): the caller's connection was reset");
                RuntimeError.tooLarge(limit).send(upload.response());
            } else {
                invocation.endStream();
                RuntimeError.accepted(upload.response());
            }
            invocations.finish(invocation);
        });
    }
}
