package dev.nubo.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nubo.model.NuboException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Uploads received over a real socket into a real (small) disk, stored by {@link Artifacts}: the deploy path up to the store. */
class UploadTest {

    @TempDir
    Path dir;

    final Vertx vertx = Vertx.vertx();
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** What the client read of the body to send it. */
    final AtomicLong bodyBytesSent = new AtomicLong();
    SmallDisk disk;

    @AfterEach
    void stop() {
        vertx.close().await();
        http.close();
        if (disk != null) {
            disk.close();
        }
    }

    @Test
    void aDiskThatFillsDuringTheUploadAnswers507NamingItAndKeepsNothing() throws Exception {
        disk = SmallDisk.mount(dir.resolve("disk"), "8m");
        Home home = Home.prepare(disk.root().resolve("home"));
        byte[] zip = zip(12 << 20);

        // Chunked, so no length is declared and the disk fills while the body arrives.
        HttpResponse<String> r = post(serve(home, 512L << 20), BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(zip)), false);

        assertThat(r.statusCode()).isEqualTo(507);
        assertThat(r.body()).contains("\"code\":\"platform.disk_full\"")
                .contains("the disk of " + home.tmp() + " is full (")
                .contains(" free of 8.0 MiB): cannot store the upload (12.0 MiB received)")
                .contains("free space on the disk of " + home.tmp());
        assertThat(list(home.tmp())).as("no partial upload left").isEmpty();
        assertThat(list(home.blobs())).isEmpty();

        byte[] small = zip(1 << 20);
        HttpResponse<String> next = post(serve(home, 512L << 20), BodyPublishers.ofByteArray(small), false);
        assertThat(next.statusCode()).as(next.body()).isEqualTo(201);
        assertThat(list(home.blobs())).hasSize(1);
    }

    @Test
    void anUploadLargerThanTheFreeSpaceIsRefusedBeforeItsBodyIsSent() throws Exception {
        disk = SmallDisk.mount(dir.resolve("disk"), "4m");
        Home home = Home.prepare(disk.root().resolve("home"));

        HttpResponse<String> r = post(serve(home, 512L << 20), counted(zip(6 << 20)), true);

        assertThat(r.statusCode()).isEqualTo(507);
        assertThat(r.body()).contains("the disk of " + home.tmp() + " has ").contains(" free (of 4.0 MiB), too little for an upload of 6.0 MiB");
        assertThat(r.headers().firstValue("connection")).contains("close");
        assertThat(bodyBytesSent).as("the client waited for 100 Continue and sent nothing").hasValue(0);
    }

    @Test
    void anUploadOverTheLimitIsRefusedBeforeItsBodyIsSent() throws Exception {
        Home home = Home.prepare(dir.resolve("home"));

        HttpResponse<String> r = post(serve(home, 1L << 20), counted(zip(3 << 20)), true);

        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).contains("the upload is 3.0 MiB, more than this server's limit of 1Mi");
        assertThat(bodyBytesSent).hasValue(0);
        assertThat(list(home.tmp())).isEmpty();
    }

    @Test
    void unpackingOnAFullDiskIs507AndLeavesNoHalfUnpackedCode() throws Exception {
        disk = SmallDisk.mount(dir.resolve("disk"), "8m");
        Home home = Home.prepare(disk.root().resolve("home"));
        Artifacts artifacts = new Artifacts(home, Artifacts.DEFAULT_CODE_LIMIT);
        Path upload = Files.write(home.tmp().resolve("upload.zip"), zip(5 << 20));

        assertThatThrownBy(() -> artifacts.store(upload))
                .isInstanceOfSatisfying(NuboException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(507);
                    assertThat(e.getMessage()).startsWith("the disk of " + home.tmp() + " is full (").contains("): cannot unpack code ");
                });
        assertThat(list(home.tmp())).isEmpty();
        assertThat(list(home.root().resolve("code"))).isEmpty();
    }

    /** The deploy path of the control API up to the store: receive, then store on a worker thread; errors as the API shapes them. */
    private int serve(Home home, long limit) {
        Artifacts artifacts = new Artifacts(home, Artifacts.DEFAULT_CODE_LIMIT);
        HttpServer server = vertx.createHttpServer().requestHandler(req -> {
            Upload.receive(vertx, req, home.tmp(), limit)
                    .compose(u -> vertx.executeBlocking(() -> artifacts.store(u.file()), false))
                    .onSuccess(stored -> req.response().setStatusCode(201).end(stored.digest()))
                    .onFailure(e -> {
                        NuboException n = (NuboException) e;
                        req.response().setStatusCode(n.httpStatus()).end(dev.nubo.model.Json.mapper().valueToTree(Map.of(
                                "code", n.code(), "message", n.getMessage(), "hint", n.hint())).toString());
                    });
        }).listen(0, "127.0.0.1").await();
        return server.actualPort();
    }

    private HttpResponse<String> post(int port, HttpRequest.BodyPublisher body, boolean expectContinue) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).expectContinue(expectContinue)
                .POST(body).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The bytes with their length declared, counting what the client reads of them. */
    private HttpRequest.BodyPublisher counted(byte[] bytes) {
        return BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> new java.io.FilterInputStream(new java.io.ByteArrayInputStream(bytes)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                bodyBytesSent.addAndGet(Math.max(0, n));
                return n;
            }
        }), bytes.length);
    }

    /** A zip with a nubo.yaml and {@code bytes} of incompressible data. */
    private static byte[] zip(int bytes) throws IOException {
        byte[] data = new byte[bytes];
        new Random(bytes).nextBytes(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("nubo.yaml"));
            z.write(ArtifactsTest.YAML.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            z.putNextEntry(new ZipEntry("data.bin"));
            z.write(data);
        }
        return out.toByteArray();
    }

    private static java.util.List<Path> list(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.toList();
        }
    }
}
