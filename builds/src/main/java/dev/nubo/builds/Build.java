package dev.nubo.builds;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One way of building a service from source: its command(s), the files it makes that are uploaded
 * besides the directory's own, and what of the directory it leaves out by default. One
 * implementation per kind of project; {@link Project} picks it.
 */
sealed interface Build permits MavenBuild, NpmBuild, PipBuild, CommandBuild, NoBuild {

    /** What runs, in a few words: {@code Maven (mvn -q -B package)}. */
    String describe();

    /** Runs the build in {@code dir}. */
    void run(Path dir, Map<String, String> env, BuildLog log);

    /**
     * Rules (gitignore syntax) for what of the directory is not uploaded, before the user's
     * {@code .nuboignore}, which may re-include with {@code !}.
     */
    List<String> defaults();

    /**
     * Directories the build made outside the uploaded tree, and where their files go in the upload:
     * prefix ({@code "node_modules/"}, {@code ""} for the root) to directory.
     */
    default Map<String, Path> staged(Path dir) {
        return Map.of();
    }

    /** The paths, relative to the directory, that the build must have made; checked after it runs. */
    default List<String> outputs() {
        return List.of();
    }
}
