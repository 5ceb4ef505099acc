package dev.nubo.server;

import dev.nubo.model.NuboException;
import dev.nubo.model.Quantities;
import dev.nubo.model.UserError;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A deploy's archive received into a file of its own, streamed and never held in memory. Only a
 * complete upload is handed on: every write is checked, the file's size must equal what arrived,
 * and it is fsynced before {@link Artifacts} moves it into place; otherwise it is deleted.
 *
 * <p>What is refused before the body (a declared length over the limit, or more than the disk has
 * free) is answered at once, without {@code 100 Continue}, so a client that sent
 * {@code Expect: 100-continue} never sends the body; the connection is closed after that answer,
 * since a client that did not wait may be sending it anyway. A disk that fills up during the upload
 * is reported once the body has arrived (the rest is read and dropped), so that the client, still
 * sending, gets to read the answer.
 *
 * @param file the complete upload, fsynced
 * @param size its length in bytes, as received and as on disk
 */
record Upload(Path file, long size) {

    /**
     * Receives {@code req}'s body into a new file in {@code dir}. Fails with a {@link NuboException}:
     * 413 past {@code limit}, 507 when the disk is full, 400 for a malformed length.
     */
    static Future<Upload> receive(Vertx vertx, HttpServerRequest req, Path dir, long limit) {
        req.pause();
        Promise<Upload> done = Promise.promise();
        try {
            String declared = req.getHeader(HttpHeaders.CONTENT_LENGTH);
            if (declared != null) {
                long length = length(declared);
                if (length > limit) {
                    throw tooLarge(length, limit);
                }
                Disk.requireFree(dir, length, "an upload");
            }
        } catch (NuboException e) {
            return refuseBeforeTheBody(req, e);
        }
        Path upload;
        try {
            upload = Files.createTempFile(dir, "upload-", ".zip");
        } catch (IOException e) {
            return refuseBeforeTheBody(req, Disk.fault(dir, "create a file for the upload", e));
        }
        vertx.fileSystem().open(upload.toString(), new OpenOptions().setWrite(true)).onComplete(opened -> {
            if (opened.failed()) {
                discard(upload);
                done.fail(Disk.fault(dir, "open a file for the upload", opened.cause()));
                req.resume();
                return;
            }
            new Receiving(vertx, req, opened.result(), upload, dir, limit, done).start();
        });
        return done.future();
    }

    /** One upload in progress: its file, what has arrived, and the first write that failed. */
    private static final class Receiving {
        private final Vertx vertx;
        private final HttpServerRequest req;
        private final AsyncFile file;
        private final Path upload;
        private final Path dir;
        private final long limit;
        private final Promise<Upload> done;
        private long received;
        private Throwable writeFailed;

        Receiving(Vertx vertx, HttpServerRequest req, AsyncFile file, Path upload, Path dir, long limit, Promise<Upload> done) {
            this.vertx = vertx;
            this.req = req;
            this.file = file;
            this.upload = upload;
            this.dir = dir;
            this.limit = limit;
            this.done = done;
        }

        void start() {
            req.handler(chunk -> {
                received += chunk.length();
                if (received > limit) {
                    // No declared length (or a false one): the rest cannot be drained within any bound.
                    req.pause();
                    failAndClose(UserError.tooLarge("upload.too_large", "the upload is larger than this server's limit of "
                            + Quantities.formatBytes(limit) + " (more than " + Quantities.describeBytes(limit) + " arrived)", TOO_LARGE_HINT));
                    return;
                }
                if (writeFailed != null) {
                    return; // the disk is full: drop the rest, answer at the end
                }
                file.write(chunk).onFailure(e -> {
                    if (writeFailed == null) {
                        writeFailed = e;
                        req.resume(); // a failed write may never drain: read on, dropping the rest
                    }
                });
                if (file.writeQueueFull()) {
                    req.pause();
                    file.drainHandler(v -> req.resume());
                }
            });
            req.exceptionHandler(e -> file.close().onComplete(closed -> {
                discard(upload);
                done.tryFail(e);
            }));
            // Closing waits for the writes still queued, so their failures are known before it completes.
            req.endHandler(v -> file.close().onComplete(closed -> vertx.executeBlocking(this::complete, false)
                    .onSuccess(done::tryComplete)
                    .onFailure(e -> {
                        discard(upload);
                        done.tryFail(e);
                    })));
            if (HttpHeaders.CONTINUE.toString().equalsIgnoreCase(req.getHeader(HttpHeaders.EXPECT))) {
                req.response().writeContinue();
            }
            req.resume();
        }

        private Upload complete() throws IOException {
            if (writeFailed != null) {
                throw Disk.fault(dir, "store the upload (" + Quantities.describeBytes(received) + " received)", writeFailed);
            }
            try (FileChannel channel = FileChannel.open(upload, StandardOpenOption.WRITE)) {
                long stored = channel.size();
                if (stored != received) {
                    throw Disk.fault(dir, "store the upload: " + stored + " of " + received + " bytes reached the disk",
                            new IOException("short write"));
                }
                channel.force(true);
            } catch (IOException e) {
                throw Disk.fault(dir, "store the upload", e);
            }
            return new Upload(upload, received);
        }

        private void failAndClose(NuboException e) {
            file.close().onComplete(closed -> discard(upload));
            closeAfterAnswer(req);
            done.tryFail(e);
        }
    }

    private static Future<Upload> refuseBeforeTheBody(HttpServerRequest req, NuboException e) {
        closeAfterAnswer(req);
        return Future.failedFuture(e);
    }

    /** The body may still be coming: after this answer the connection cannot carry another request. */
    private static void closeAfterAnswer(HttpServerRequest req) {
        req.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE)
                .bodyEndHandler(v -> req.connection().close());
    }

    private static long length(String declared) {
        try {
            return Long.parseLong(declared.trim());
        } catch (NumberFormatException e) {
            throw UserError.badRequest("request.invalid", "Content-Length '" + declared + "' is not a number of bytes",
                    "send the archive's size in bytes, or leave the header out and send the body chunked");
        }
    }

    private static final String TOO_LARGE_HINT =
            "leave build caches and files the service does not need out of the directory, or raise the server's --upload-limit";

    private static UserError tooLarge(long size, long limit) {
        return UserError.tooLarge("upload.too_large", "the upload is " + Quantities.describeBytes(size)
                + ", more than this server's limit of " + Quantities.formatBytes(limit), TOO_LARGE_HINT);
    }

    private static void discard(Path upload) {
        try {
            Files.deleteIfExists(upload);
        } catch (IOException ignored) {
            // A leftover in tmp/ is removed at the next start.
        }
    }
}
