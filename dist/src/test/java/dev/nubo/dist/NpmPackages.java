package dev.nubo.dist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * npm packages the end-to-end tests run as real outside clients (the CloudEvents JavaScript SDK),
 * installed once into {@code target/npm/<package@version>} and kept there for later runs.
 */
final class NpmPackages {

    private NpmPackages() {}

    /** The {@code node_modules} directory holding {@code spec} ({@code name@version}), for {@code NODE_PATH}. */
    static synchronized Path install(String spec) {
        Path dir = Path.of(System.getProperty("nubo.dist", "target")).resolve("npm").resolve(spec);
        Path modules = dir.resolve("node_modules");
        String name = spec.substring(0, spec.lastIndexOf('@'));
        if (Files.isRegularFile(modules.resolve(name).resolve("package.json"))) {
            return modules;
        }
        try {
            Files.createDirectories(dir);
            Process npm = new ProcessBuilder("npm", "install", "--prefix", dir.toString(), "--no-audit", "--no-fund",
                    "--no-save", spec).redirectErrorStream(true).start();
            String out = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
                throw new IllegalStateException("npm install " + spec + " failed (the npm registry must be reachable):\n" + out);
            }
            return modules;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run npm to install " + spec + " (install Node.js with npm)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
