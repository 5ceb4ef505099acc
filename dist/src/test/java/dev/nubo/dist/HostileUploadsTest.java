package dev.nubo.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Json;
import dev.nubo.testing.SampleApps;
import dev.nubo.testing.TestNubo;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Uploads made to hurt: a disk that fills, zip bombs, huge and duplicated descriptors, absurd quantities. */
class HostileUploadsTest {

    static final String YAML = SampleApps.echoYaml("shop", "");

    @TempDir
    Path dir;

    @Test
    void aFullDiskAnswers507NamingItAndKeepsNoPartialArchive() throws Exception {
        // SQLite resolves /proc/PID/root as the symbolic link it is, to this namespace's root, so the databases
        // land in the directory of the same name under the mount point, on the ordinary disk, which is created
        // here; everything else of NUBO_HOME (uploads, archives, code, logs) is on the small disk.
        Files.createDirectories(dir.resolve("disk/home"));
        Process disk = smallDisk(dir.resolve("disk"), "40m");
        Path home = Path.of("/proc/" + disk.pid() + "/root").resolve(dir.resolve("disk").toString().substring(1)).resolve("home");
        try (TestNubo nubo = TestNubo.start(home, 0)) {
            // Sent chunked, so the server cannot refuse it by its length: the disk fills while it arrives.
            byte[] zip = zip(Map.of("nubo.yaml", YAML, "app.py", SampleApps.echo("v1")), 48 << 20, true);
            HttpResponse<String> r = deploy(nubo, BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(zip)));

            assertThat(r.statusCode()).as(r.body()).isEqualTo(507);
            JsonNode error = Json.mapper().readTree(r.body()).get("error");
            assertThat(error.get("code").asText()).isEqualTo("platform.disk_full");
            assertThat(error.get("message").asText()).startsWith("the disk of " + nubo.server().home().resolve("tmp") + " is full (")
                    .contains(" free of 40.0 MiB): cannot store the upload");
            assertThat(error.get("hint").asText()).contains("free space on the disk of");
            assertThat(list(home.resolve("blobs/sha256"))).as("no partial archive is kept").isEmpty();
            assertThat(list(home.resolve("tmp"))).isEmpty();

            // Declared larger than the free space: refused before the body, which the client then never sends.
            AtomicLong sent = new AtomicLong();
            byte[] big = zip(Map.of("nubo.yaml", YAML), 48 << 20, true);
            HttpResponse<String> early = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                    HttpRequest.newBuilder(URI.create(nubo.server().apiUrl() + "/v1/deployments"))
                            .header("Authorization", "Bearer " + nubo.server().adminToken())
                            .expectContinue(true).POST(counted(big, sent)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(early.statusCode()).as(early.body()).isEqualTo(507);
            assertThat(Json.mapper().readTree(early.body()).at("/error/message").asText())
                    .contains(" free (of 40.0 MiB), too little for an upload of 48.0 MiB");
            assertThat(sent).hasValue(0);

            // Once there is room again, a deploy stores its archive whole. (Not waited for: an instance cannot
            // run from a directory in another mount namespace, which is this test's doing, not Nubo's.)
            Path app = TestNubo.app(dir.resolve("apps"), "shop", YAML, Map.of("app.py", SampleApps.echo("v1")));
            TestNubo.CliResult deployed = nubo.nubo("deploy", app.toString(), "--no-wait");
            assertThat(deployed.exitCode()).as(deployed.toString()).isZero();
            assertThat(deployed.out()).contains("revision shop-00001 created");
            Path blob = list(home.resolve("blobs/sha256")).getFirst();
            assertThat(blob.getFileName().toString()).isEqualTo(HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(blob))) + ".zip");
        } finally {
            disk.destroyForcibly();
        }
    }

    @Test
    void aZipBombIsRefusedByItsRatioBeforeItIsUnpacked() throws Exception {
        try (TestNubo nubo = TestNubo.start(dir.resolve("home"), 0)) {
            byte[] bomb = zip(Map.of("nubo.yaml", YAML, "app.py", SampleApps.echo("v1")), 200 << 20, false);

            HttpResponse<String> r = deploy(nubo, BodyPublishers.ofByteArray(bomb));

            assertThat(r.statusCode()).as(r.body()).isEqualTo(413);
            JsonNode error = Json.mapper().readTree(r.body()).get("error");
            assertThat(error.get("code").asText()).isEqualTo("upload.too_compressed");
            assertThat(error.get("message").asText()).startsWith("the upload (").contains(") unpacks to 200.0 MiB, ")
                    .endsWith("past 64Mi, Nubo refuses archives that unpack to more than 100 times their size, as zip bombs do");
            assertThat(list(dir.resolve("home/code"))).isEmpty();
        }
    }

    @Test
    void deployOfADirectoryOverTheUploadLimitStopsAtTheServersEarlyAnswer() throws Exception {
        try (TestNubo nubo = TestNubo.start(dir.resolve("home"), "--pool-size", "0", "--upload-limit", "1Mi")) {
            byte[] noise = new byte[3 << 20];
            new java.util.Random(7).nextBytes(noise);  // incompressible: the archive stays over 1Mi
            Path app = TestNubo.app(dir, "big", YAML, Map.of());
            Files.write(app.resolve("noise.bin"), noise);

            TestNubo.CliResult deploy = nubo.shipped("deploy", app.toString());

            assertThat(deploy.exitCode()).as(deploy.toString()).isNotZero();
            assertThat(deploy.err()).contains("error: ", "1Mi").doesNotContain("Exception");
        }
    }

    @Test
    void aHugeDescriptorIsRefusedBeforeItIsParsed() throws Exception {
        try (TestNubo nubo = TestNubo.start(dir.resolve("home"), 0)) {
            byte[] zip = zip(Map.of("nubo.yaml", YAML + "env:\n  BLOB: " + "x".repeat(50 << 20) + "\n"), 0, false);

            HttpResponse<String> r = deploy(nubo, BodyPublishers.ofByteArray(zip));

            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(Json.mapper().readTree(r.body()).at("/error/message").asText())
                    .isEqualTo("nubo.yaml is 50.0 MiB, more than the limit of 64Ki");
        }
    }

    @Test
    void aDescriptorTwiceInTheArchiveIsNamedAsTheProblem() throws Exception {
        try (TestNubo nubo = TestNubo.start(dir.resolve("home"), 0)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ZipOutputStream z = new ZipOutputStream(out)) {
                for (String name : new String[] {"nubo.yaml", "nubo.yamX"}) {
                    z.putNextEntry(new ZipEntry(name));
                    z.write(YAML.getBytes(StandardCharsets.UTF_8));
                }
            }
            // ZipOutputStream refuses a name twice; an archive appended to by another tool does not.
            byte[] zip = new String(out.toByteArray(), StandardCharsets.ISO_8859_1).replace("nubo.yamX", "nubo.yaml")
                    .getBytes(StandardCharsets.ISO_8859_1);

            HttpResponse<String> r = deploy(nubo, BodyPublishers.ofByteArray(zip));

            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(Json.mapper().readTree(r.body()).at("/error/message").asText()).isEqualTo("the upload holds nubo.yaml twice");
        }
    }

    @Test
    void quantitiesTooLargeForAnyLimitAre400sNamingTheField() {
        try (TestNubo nubo = TestNubo.start(dir.resolve("home"), 0)) {
            Path memory = TestNubo.app(dir.resolve("a"), "shop", SampleApps.echoYaml("shop", "memory: 99999999999Gi\n"),
                    Map.of("app.py", SampleApps.echo("v1")));
            Path timeout = TestNubo.app(dir.resolve("b"), "shop", SampleApps.echoYaml("shop", "timeout: 99999999999999999999h\n"),
                    Map.of("app.py", SampleApps.echo("v1")));

            TestNubo.CliResult m = nubo.nubo("deploy", memory.toString());
            TestNubo.CliResult t = nubo.nubo("deploy", timeout.toString());

            assertThat(m.exitCode()).isEqualTo(1);
            assertThat(m.err()).contains("error: nubo.yaml: `memory` must be between 16Mi and 64Gi (got 99999999999Gi)");
            assertThat(t.exitCode()).isEqualTo(1);
            assertThat(t.err()).contains("error: nubo.yaml: `timeout` must be between 1ms and 15m (got 99999999999999999999h)");
        }
    }

    /** The bytes with their length declared, counting what the client reads of them to send. */
    private static BodyPublisher counted(byte[] bytes, AtomicLong sent) {
        return BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> new FilterInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                sent.addAndGet(Math.max(0, n));
                return n;
            }
        }), bytes.length);
    }

    private static HttpResponse<String> deploy(TestNubo nubo, BodyPublisher zip) {
        return nubo.api("POST", "/v1/deployments", nubo.server().adminToken(), zip);
    }

    /** A zip of the files, plus {@code data.bin} of {@code bytes} random bytes or zeros when {@code bytes} is not 0. */
    private static byte[] zip(Map<String, String> files, int bytes, boolean random) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (var f : files.entrySet()) {
                z.putNextEntry(new ZipEntry(f.getKey()));
                z.write(f.getValue().getBytes(StandardCharsets.UTF_8));
            }
            if (bytes > 0) {
                z.putNextEntry(new ZipEntry("data.bin"));
                byte[] block = new byte[1 << 20];
                Random r = new Random(17);
                for (int left = bytes; left > 0; left -= block.length) {
                    if (random) {
                        r.nextBytes(block);
                    }
                    z.write(block, 0, Math.min(block.length, left));
                }
            }
        }
        return out.toByteArray();
    }

    private static java.util.List<Path> list(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.toList();
        }
    }

    /**
     * A tmpfs of {@code size} over {@code dir}, mounted in a mount namespace of its own (nothing is
     * mounted on the machine; it goes with the returned process) and reached through
     * {@code /proc/PID/root}. Skips the test where user namespaces are unavailable.
     */
    private static Process smallDisk(Path dir, String size) throws IOException {
        Files.createDirectories(dir);
        Process p = new ProcessBuilder("unshare", "-Urm", "sh", "-c",
                "mount -t tmpfs -o size=" + size + " nubo-test " + dir + " && echo mounted && exec sleep 3600")
                .redirectErrorStream(true).start();
        String first = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (!"mounted".equals(first)) {
            p.destroyForcibly();
        }
        assumeTrue("mounted".equals(first), "cannot mount a tmpfs in a user namespace here: " + first);
        return p;
    }
}
