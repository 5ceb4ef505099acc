package dev.nubo.runtimeapi;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.EnumSet;
import java.util.Map;

/**
 * One HTTP request on the invocation port, on its way through the runtime. It has two ends that finish
 * independently. The <i>runtime's</i> end is a state machine, {@link Stage}: queued, delivered by a
 * {@code /next}, being answered (a response or error upload in progress), finished. The <i>caller's</i>
 * end is answered exactly once, by the runtime's answer or by an error the bridge makes up, unless the
 * caller hangs up first; a caller that gave up (the gateway answered 504) does not stop the runtime, whose
 * late answer is accepted and dropped.
 *
 * <p>Confined to the bridge's event loop, like everything it touches.
 */
final class Invocation {

    /** The runtime's end. {@code DELIVERED -> QUEUED} redelivers when a /next answer could not be written. */
    enum Stage {
        QUEUED, DELIVERED, ANSWERING, FINISHED;

        private static final Map<Stage, EnumSet<Stage>> NEXT = Map.of(
                QUEUED, EnumSet.of(DELIVERED, FINISHED),
                DELIVERED, EnumSet.of(ANSWERING, QUEUED, FINISHED),
                ANSWERING, EnumSet.of(DELIVERED, FINISHED),
                FINISHED, EnumSet.noneOf(Stage.class));

        boolean canMoveTo(Stage next) {
            return NEXT.get(this).contains(next);
        }
    }

    static final String CLIENT_CONTEXT = "Lambda-Runtime-Client-Context";
    static final String COGNITO_IDENTITY = "Lambda-Runtime-Cognito-Identity";

    private final String id;
    private final long deadlineMs;
    private final String traceId;
    private final String clientContext;
    private final String cognitoIdentity;
    private final HttpServerResponse caller;
    /** Sent by the server itself ({@code Nubo-Event}: nubo invoke, a trigger), whose caller may see the function's stack. */
    private final boolean fromServer;
    /** A plain HTTP request, whose event is API Gateway's HTTP event and whose answer is mapped back ({@link RuntimeEvents}). */
    private final boolean http;
    private Buffer payload;
    private Stage stage = Stage.QUEUED;
    private boolean callerDone;
    private Runnable onCallerGone = () -> {};
    long timer = -1;
    boolean stuckReported;

    Invocation(String id, long deadlineMs, String traceId, String clientContext, String cognitoIdentity, Buffer payload,
            HttpServerResponse caller, boolean fromServer, boolean http) {
        this.fromServer = fromServer;
        this.http = http;
        this.id = id;
        this.deadlineMs = deadlineMs;
        this.traceId = traceId;
        this.clientContext = clientContext;
        this.cognitoIdentity = cognitoIdentity;
        this.payload = payload;
        this.caller = caller;
    }

    String id() {
        return id;
    }

    boolean fromServer() {
        return fromServer;
    }

    long deadlineMs() {
        return deadlineMs;
    }

    Stage stage() {
        return stage;
    }

    void moveTo(Stage next) {
        if (!stage.canMoveTo(next)) {
            throw new IllegalStateException("invocation " + id + " cannot move from " + stage + " to " + next);
        }
        stage = next;
    }

    /** Answers a runtime's {@code /next} with this invocation: the event and Lambda's documented headers. */
    Future<Void> deliverTo(HttpServerResponse next, String functionArn) {
        next.setStatusCode(200)
                .putHeader("Lambda-Runtime-Aws-Request-Id", id)
                .putHeader("Lambda-Runtime-Deadline-Ms", Long.toString(deadlineMs))
                .putHeader("Lambda-Runtime-Invoked-Function-Arn", functionArn)
                .putHeader("Lambda-Runtime-Trace-Id", traceId)
                .putHeader("content-type", "application/json");
        if (clientContext != null) {
            next.putHeader(CLIENT_CONTEXT, clientContext);
        }
        if (cognitoIdentity != null) {
            next.putHeader(COGNITO_IDENTITY, cognitoIdentity);
        }
        return next.end(payload);
    }

    /** Once a runtime has the event, the bridge need not keep it. */
    void releasePayload() {
        payload = null;
    }

    boolean callerWaiting() {
        return !callerDone;
    }

    /** The caller's connection closed: nobody is left to answer. */
    void callerGone() {
        if (!callerDone) {
            callerDone = true;
            onCallerGone.run();
        }
    }

    void onCallerGone(Runnable action) {
        this.onCallerGone = action;
    }

    /** Relays the runtime's answer; false if the caller was answered already or is gone. */
    boolean answer(String contentType, Buffer body) {
        if (!claimCaller()) {
            return false;
        }
        if (http) {
            RuntimeEvents.send(caller, contentType, body);
        } else {
            caller.setStatusCode(200).putHeader("content-type", contentType).end(body);
        }
        return true;
    }

    /**
     * Answers the caller with an error the bridge made up; if part of a streamed answer went out already,
     * resets the connection instead, which is the only way left to tell the caller the answer is incomplete.
     */
    boolean fail(CallerError error) {
        if (!claimCaller()) {
            return false;
        }
        if (caller.headWritten()) {
            caller.reset();
        } else {
            caller.setStatusCode(error.status()).putHeader("content-type", "application/json").end(error.body());
        }
        return true;
    }

    /** Starts a streamed answer: the head goes out now, chunked. False if nobody waits for it. */
    boolean openStream(String contentType) {
        if (callerDone || caller.closed()) {
            return false;
        }
        caller.setStatusCode(200).setChunked(true).putHeader("content-type", contentType).writeHead();
        return true;
    }

    /** Writes a chunk of a streamed answer; true if the caller's write queue is full and the source should pause. */
    boolean write(Buffer chunk) {
        if (callerDone) {
            return false;
        }
        caller.write(chunk);
        return caller.writeQueueFull();
    }

    /** Takes the one answer the caller gets; a connection that closed under us counts as gone. */
    private boolean claimCaller() {
        if (callerDone) {
            return false;
        }
        callerDone = true;
        return !caller.closed();
    }

    void whenDrained(Runnable action) {
        caller.drainHandler(v -> action.run());
    }

    void endStream() {
        if (!callerDone) {
            callerDone = true;
            caller.end();
        }
    }

    @Override
    public String toString() {
        return id + " (" + stage + (callerDone ? ", caller answered" : ", caller waiting") + ")";
    }
}
