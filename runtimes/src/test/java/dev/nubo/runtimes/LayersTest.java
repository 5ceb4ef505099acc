package dev.nubo.runtimes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nubo.model.Descriptor;
import dev.nubo.model.UserError;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A function's layers: directories and archives handed to the runtime, which reads them as Lambda reads /opt. */
class LayersTest {

    @TempDir
    Path dir;

    @Test
    void handsTheRuntimeEachLayerAsADirectoryUnpackingArchivesOnce() throws IOException {
        Path code = Files.createDirectories(dir.resolve("code"));
        Files.createDirectories(code.resolve("layers/common"));
        zip(code.resolve("deps.zip"), Map.of("python/dep.py", "X = 1\n"));
        Descriptor d = Descriptor.parse("name: hi\nruntime: python\nhandler: main.handler\nlayers: [layers/common, deps.zip]\n");
        Runtimes runtimes = Runtimes.detect(dir.resolve("cache"), 0);

        runtimes.validate(d, code);
        String layers = runtimes.launch(new Runtimes.Target(d, code, "hi-00001", "hi-00001-abcde", dir.resolve("x.log"), false))
                .env().get("NUBO_LAYERS");
        String again = runtimes.launch(new Runtimes.Target(d, code, "hi-00001", "hi-00001-fghij", dir.resolve("y.log"), false))
                .env().get("NUBO_LAYERS");

        String[] paths = layers.split(File.pathSeparator);
        assertThat(paths[0]).isEqualTo(code.resolve("layers/common").toString());
        assertThat(Path.of(paths[1])).startsWith(dir.resolve("cache/layers"));
        assertThat(Path.of(paths[1]).resolve("python/dep.py")).hasContent("X = 1");
        assertThat(again).as("unpacked once, shared by instances").isEqualTo(layers);
    }

    @Test
    void refusesAMissingLayerAndAnArchiveThatEscapesItself() throws IOException {
        Path code = Files.createDirectories(dir.resolve("code"));
        Descriptor missing = Descriptor.parse("name: hi\nruntime: node\nhandler: index.handler\nlayers: [nope]\n");
        assertThatThrownBy(() -> Runtimes.detect(dir.resolve("cache"), 0).validate(missing, code)).isInstanceOf(UserError.class)
                .hasMessage("nubo.yaml: the layer nope is neither a directory nor a .zip archive in the deployed directory");

        zip(code.resolve("evil.zip"), Map.of("../../escaped.txt", "x"));
        assertThatThrownBy(() -> Layers.unpacked(code.resolve("evil.zip"), dir.resolve("cache/layers")))
                .isInstanceOf(UserError.class).hasMessage("the layer evil.zip holds a path outside itself: ../../escaped.txt");
        assertThat(dir.resolve("escaped.txt")).doesNotExist();
        assertThat(dir.resolve("cache/layers")).isEmptyDirectory();
    }

    @Test
    void pythonAndNodeFindModulesInLayersTheLaterOneWinning() throws IOException {
        Path code = Files.createDirectories(dir.resolve("code"));
        Path first = dir.resolve("first");
        Path second = dir.resolve("second");
        write(first.resolve("python/shared.py"), "WHO = 'first'\nONLY_FIRST = True\n");
        write(second.resolve("python/shared.py"), "WHO = 'second'\n");
        write(first.resolve("nodejs/node_modules/shared/index.js"), "module.exports = { who: 'first' };\n");
        write(second.resolve("nodejs/node_modules/shared/index.js"), "module.exports = { who: 'second' };\n");
        write(first.resolve("nodejs/node_modules/only-first/index.js"), "module.exports = 'here';\n");
        write(code.resolve("main.py"), "import shared\ndef handler(event, context):\n    return shared.WHO\n");
        write(code.resolve("index.js"), "exports.handler = async () => require('shared').who + ' ' + require('only-first');\n");
        Map<String, String> env = Map.of("NUBO_LAYERS", first + File.pathSeparator + second);

        try (FunctionProcess python = FunctionProcess.fresh(FunctionProcess.Shim.PYTHON, dir, code, "main.handler", env).awaitListening()) {
            assertThat(python.post("{}").body()).isEqualTo("\"second\"");
        }
        try (FunctionProcess node = FunctionProcess.fresh(FunctionProcess.Shim.NODE, dir, code, "index.handler", env).awaitListening()) {
            assertThat(node.post("{}").body()).isEqualTo("\"second here\"");
        }
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private static void zip(Path archive, Map<String, String> entries) throws IOException {
        try (OutputStream out = Files.newOutputStream(archive); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (var e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
    }
}
