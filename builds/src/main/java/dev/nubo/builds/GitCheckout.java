package dev.nubo.builds;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A working copy of one commit of a git repository, made with the {@code git} program (so that
 * every URL scheme, credential helper and SSH setup the machine has works as for its user):
 * {@code git clone --depth 1 --branch REF} for a branch or tag of a remote repository, a full clone
 * and a checkout for a commit id, and a plain clone for a local path (where {@code --depth} is
 * ignored anyway). {@code GIT_TERMINAL_PROMPT=0}: a repository that asks for a password fails at
 * once instead of waiting for one nobody will type.
 *
 * @param directory the working copy
 * @param commit the commit checked out, in full
 */
public record GitCheckout(Path directory, String commit) {

    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{7,40}");
    private static final Pattern REF = Pattern.compile("[A-Za-z0-9._/-]+");

    /**
     * Clones {@code repository} at {@code ref} (a branch, tag or commit; the default branch when
     * empty) into {@code into}, which must not exist.
     *
     * @throws BuildFailure with git's last lines when it cannot
     */
    public static GitCheckout clone(String repository, Optional<String> ref, Path into, BuildLog log) {
        if (repository.isBlank() || repository.startsWith("-")) {
            throw new BuildFailure("'" + repository + "' is not a git repository", "give a URL or a path, e.g. https://example.com/repo.git");
        }
        ref.filter(r -> !REF.matcher(r).matches() || r.startsWith("-")).ifPresent(r -> {
            throw new BuildFailure("'" + r + "' is not a branch, tag or commit name", "e.g. main, v1.2 or a commit id");
        });
        boolean local = Files.isDirectory(Path.of(repository));
        boolean commit = ref.filter(r -> COMMIT.matcher(r).matches()).isPresent();
        List<String> command = new ArrayList<>(List.of("git", "clone", "--quiet", "--no-tags"));
        if (ref.isPresent() && !commit) {
            command.addAll(List.of("--branch", ref.get()));
        }
        if (!local && !commit) {
            command.addAll(List.of("--depth", "1"));
        }
        command.addAll(List.of("--", repository, into.toString()));
        Map<String, String> env = Map.of("GIT_TERMINAL_PROMPT", "0");
        Path parent = into.toAbsolutePath().getParent();
        Commands.run(command, parent, env, log, Commands.failed(command, "check that the repository exists and"
                + " this server can read it" + ref.map(r -> ", and that it has " + r).orElse("")));
        if (commit) {
            Commands.run(List.of("git", "checkout", "--quiet", ref.get()), into, env, log,
                    Commands.failed(List.of("git", "checkout", ref.get()), "check that the repository has commit " + ref.get()));
        }
        List<String> head = new ArrayList<>();
        Commands.run(List.of("git", "rev-parse", "HEAD"), into, env, new BuildLog() {
            @Override
            public void step(String description) {}

            @Override
            public void output(String line) {
                head.add(line.strip());
            }
        }, Commands.failed(List.of("git", "rev-parse", "HEAD"), "the clone is broken; try again"));
        return new GitCheckout(into, head.isEmpty() ? "" : head.getFirst());
    }

    /** {@code REPO#REF} as {@code nubo deploy --git} takes it: the repository, and the ref after the last '#'. */
    public static Map.Entry<String, Optional<String>> split(String repoAndRef) {
        int hash = repoAndRef.lastIndexOf('#');
        if (hash < 0) {
            return Map.entry(repoAndRef, Optional.empty());
        }
        String ref = repoAndRef.substring(hash + 1);
        return Map.entry(repoAndRef.substring(0, hash), ref.isEmpty() ? Optional.empty() : Optional.of(ref));
    }
}
