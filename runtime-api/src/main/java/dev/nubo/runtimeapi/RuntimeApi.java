package dev.nubo.runtimeapi;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime's side: Lambda's Runtime API 2018-06-01, the four routes a custom runtime uses.
 * <ul>
 * <li>{@code GET /2018-06-01/runtime/invocation/next}: the next event (long poll, no timeout); the first
 * poll also means the runtime has initialised, so it opens the invocation port.</li>
 * <li>{@code POST /2018-06-01/runtime/invocation/{id}/response}: 202; the caller gets 200 and the body.</li>
 * <li>{@code POST /2018-06-01/runtime/invocation/{id}/error}: 202; the caller gets 500
 * {@code {"error":{"type","message"}}}, the stack goes to the instance's log.</li>
 * <li>{@code POST /2018-06-01/runtime/init/error}: 202; remembered as the revision's failure reason.</li>
 * </ul>
 * Mistakes get Lambda's answers: 400 {@code InvalidRequestID} for an id no invocation waits on, 413
 * {@code RequestEntityTooLarge} for a response over {@code maxResponseBytes}; anything else is 404/405 with
 * a JSON body. Confined to the bridge's event loop.
 */
final class RuntimeApi implements Handler<HttpServerRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(RuntimeApi.class);
    private static final String PREFIX = "/2018-06-01/runtime/";
    private static final String INVOCATION = "invocation/";
    /** Error reports carry stack traces, which may be long even when the function's answers are small. */
    private static final long MIN_ERROR_REPORT_LIMIT = 1 << 20;

    private final FunctionInfo function;
    private final Invocations invocations;
    private final Runnable onPoll;
    private final Consumer<String> onInitError;
    private final InstanceLog log;

    RuntimeApi(FunctionInfo function, Invocations invocations, Runnable onPoll, Consumer<String> onInitError,
            InstanceLog log) {
        this.function = function;
        this.invocations = invocations;
        this.onPoll = onPoll;
        this.onInitError = onInitError;
        this.log = log;
    }

    @Override
    public void handle(HttpServerRequest request) {
        try {
            route(request);
        } catch (RuntimeException e) {
            LOG.error("Runtime API failed on {} {} for instance {}", request.method(), request.path(), function.instanceId(), e);
            RuntimeError.internal().send(request.response());
        }
    }

    private void route(HttpServerRequest request) {
        String path = request.path();
        String route = path.startsWith(PREFIX) ? path.substring(PREFIX.length()) : "";
        if (route.equals("invocation/next")) {
            if (allowed(request, HttpMethod.GET)) {
                next(request);
            }
        } else if (route.equals("init/error")) {
            if (allowed(request, HttpMethod.POST)) {
                initError(request);
            }
        } else if (route.startsWith(INVOCATION) && route.endsWith("/response") && isId(route, "/response")) {
            if (allowed(request, HttpMethod.POST)) {
                response(request, idOf(route, "/response"));
            }
        } else if (route.startsWith(INVOCATION) && route.endsWith("/error") && isId(route, "/error")) {
            if (allowed(request, HttpMethod.POST)) {
                error(request, idOf(route, "/error"));
            }
        } else {
            log.line("the runtime called " + request.method() + " " + path + ", which the Runtime API does not serve (404)");
            RuntimeError.notFound(request.method().name(), path).send(request.response());
        }
    }

    private void next(HttpServerRequest request) {
        onPoll.run();
        invocations.poll(request);
    }

    private void response(HttpServerRequest request, String id) {
        Optional<Invocation> found = awaitingAnswer(request, id, "a response");
        if (found.isEmpty()) {
            return;
        }
        Invocation invocation = found.get();
        String mode = request.getHeader(ResponseStream.MODE_HEADER);
        if (mode != null && !mode.equalsIgnoreCase("buffered") && !mode.equalsIgnoreCase("streaming")) {
            RuntimeError.invalidResponseMode(mode).send(request.response());
            return;
        }
        invocation.moveTo(Invocation.Stage.ANSWERING);
        long limit = function.maxResponseBytes();
        if ("streaming".equalsIgnoreCase(mode)) {
            ResponseStream.pipe(request, invocation, invocations, limit, log);
            return;
        }
        String contentType = Optional.ofNullable(request.getHeader("content-type")).orElse("application/json");
        BoundedBody.read(request, limit).onComplete(read -> {
            if (read.failed()) {
                uploadBroke(invocation);
            } else if (read.result().isEmpty()) {
                log.line("the response to invocation " + invocation.id() + " is larger than maxResponseBytes (" + limit
                        + " bytes): the runtime got 413, the caller 502");
                invocation.fail(CallerError.responseTooLarge(limit));
                invocations.finish(invocation);
                RuntimeError.tooLarge(limit).send(request.response());
            } else {
                invocation.answer(contentType, read.result().get());  // false: the caller is gone, the answer is dropped
                invocations.finish(invocation);
                RuntimeError.accepted(request.response());
            }
        });
    }

    private void error(HttpServerRequest request, String id) {
        Optional<Invocation> found = awaitingAnswer(request, id, "an error");
        if (found.isEmpty()) {
            return;
        }
        Invocation invocation = found.get();
        invocation.moveTo(Invocation.Stage.ANSWERING);
        long limit = Math.max(function.maxResponseBytes(), MIN_ERROR_REPORT_LIMIT);
        String typeHeader = request.getHeader(ReportedError.TYPE_HEADER);
        BoundedBody.read(request, limit).onComplete(read -> {
            if (read.failed()) {
                uploadBroke(invocation);
                return;
            }
            ReportedError reported = read.result()
                    .map(body -> ReportedError.parse(body, typeHeader))
                    .orElseGet(() -> ReportedError.unreadable(typeHeader, limit));
            log.lines(reported.logLines("invocation " + invocation.id() + " failed: "));
            invocation.fail(CallerError.functionError(reported, invocation.fromServer()));
            invocations.finish(invocation);
            if (read.result().isPresent()) {
                RuntimeError.accepted(request.response());
            } else {
                RuntimeError.tooLarge(limit).send(request.response());
            }
        });
    }

    private void initError(HttpServerRequest request) {
        String typeHeader = request.getHeader(ReportedError.TYPE_HEADER);
        BoundedBody.read(request, MIN_ERROR_REPORT_LIMIT).onComplete(read -> {
            if (read.failed()) {
                return;  // the runtime died while reporting; its exit tells the platform enough
            }
            ReportedError reported = read.result()
                    .map(body -> ReportedError.parse(body, typeHeader))
                    .orElseGet(() -> ReportedError.unreadable(typeHeader, MIN_ERROR_REPORT_LIMIT));
            log.lines(reported.logLines("the runtime failed to initialise: "));
            onInitError.accept(reported.summary());
            RuntimeError.accepted(request.response());
        });
    }

    private Optional<Invocation> awaitingAnswer(HttpServerRequest request, String id, String what) {
        Optional<Invocation> found = invocations.awaitingAnswer(id);
        if (found.isEmpty()) {
            log.line("the runtime sent " + what + " for request id '" + id
                    + "', which no invocation waits for (unknown, or already answered): 400 InvalidRequestID");
            RuntimeError.invalidRequestId(id).send(request.response());
        }
        return found;
    }

    /** The runtime's upload broke off (it crashed mid-post): it may still answer again, until it is gone. */
    private void uploadBroke(Invocation invocation) {
        if (invocation.stage() == Invocation.Stage.ANSWERING) {
            invocation.moveTo(Invocation.Stage.DELIVERED);
        }
    }

    private static boolean allowed(HttpServerRequest request, HttpMethod method) {
        if (request.method().equals(method)) {
            return true;
        }
        request.response().putHeader("allow", method.name());
        RuntimeError.methodNotAllowed(request.method().name(), request.path(), method.name()).send(request.response());
        return false;
    }

    private static boolean isId(String route, String suffix) {
        String id = idOf(route, suffix);
        return !id.isEmpty() && id.indexOf('/') < 0;
    }

    private static String idOf(String route, String suffix) {
        int end = route.length() - suffix.length();
        return end <= INVOCATION.length() ? "" : route.substring(INVOCATION.length(), end);
    }
}
