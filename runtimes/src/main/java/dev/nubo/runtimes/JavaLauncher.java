package dev.nubo.runtimes;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM a process command runs, when its program is the {@code java} launcher: named {@code java}
 * and found on the instance's {@code PATH}, or a path ending in {@code /bin/java}. Its JDK is where the
 * launcher really lives (symbolic links followed, as Debian's {@code /usr/bin/java} is one), and its
 * version is that JDK's {@code release} file: read, not asked, so finding it starts no process. A
 * command that runs java through a shell script is not recognised; it simply runs as written.
 *
 * @param program the launcher as the command names it
 * @param home the JDK it belongs to
 * @param version {@code JAVA_VERSION} of its release file, e.g. {@code 25.0.3} or {@code 17.0.15}
 * @param feature the feature release, 25 for {@code 25.0.3} (and 8 for {@code 1.8.0_402})
 */
record JavaLauncher(Path program, Path home, String version, int feature) {

    private static final Pattern VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"([^\"]+)\"");

    /** The JVM {@code command} runs; empty when its program is not a java launcher, or its JDK says no version. */
    static Optional<JavaLauncher> of(List<String> command, String path) {
        if (command.isEmpty()) {
            return Optional.empty();
        }
        String program = command.getFirst();
        Optional<Path> found = program.equals("java") ? onPath(path)
                : program.endsWith("/bin/java") && Files.isExecutable(Path.of(program)) ? Optional.of(Path.of(program))
                : Optional.empty();
        return found.flatMap(JavaLauncher::at);
    }

    private static Optional<Path> onPath(String path) {
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "java"))) {
                return Optional.of(Path.of(dir, "java"));
            }
        }
        return Optional.empty();
    }

    private static Optional<JavaLauncher> at(Path launcher) {
        try {
            Path home = launcher.toRealPath().getParent().getParent();
            Path release = home.resolve("release");
            if (!Files.isRegularFile(release)) {
                return Optional.empty();
            }
            Matcher m = VERSION.matcher(Files.readString(release));
            if (!m.find()) {
                return Optional.empty();
            }
            String version = m.group(1);
            return Optional.of(new JavaLauncher(launcher, home, version, feature(version)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static int feature(String version) {
        String[] parts = version.split("[._+-]");
        int first = Integer.parseInt(parts[0]);
        return first == 1 && parts.length > 1 ? Integer.parseInt(parts[1]) : first;
    }
}
