package dev.nubo.instances;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SandboxCellTest {

    static final Path HOME = Path.of("/srv/nubo");
    static final Sandbox SANDBOX = Sandbox.hiding(HOME, List.of(HOME.resolve("cache")), HOME.resolve("sandbox-slots"));

    @Test
    void hidesTheHomeButTheCacheAndTheInstancesOwnCodeThenDropsToItsUser() {
        Path code = HOME.resolve("code/abc");
        List<String> command = new SandboxCell(SANDBOX, 200_007, code, 0, Optional.empty(), List.of(), List.of(), Optional.empty())
                .wrap(List.of("python3", "app.py"));

        assertThat(String.join(" ", command)).isEqualTo("bwrap --unshare-pid --unshare-ipc --unshare-uts"
                + " --die-with-parent --ro-bind / / --dev /dev --proc /proc --perms 1777 --tmpfs /tmp"
                + " --perms 0755 --tmpfs /srv/nubo --ro-bind-try /srv/nubo/cache /srv/nubo/cache"
                + " --perms 0755 --dir /srv/nubo/code --ro-bind /srv/nubo/code/abc /srv/nubo/code/abc --chdir /srv/nubo/code/abc"
                + " -- setpriv --reuid=200007 --regid=200007 --clear-groups --inh-caps=-all --bounding-set=-all -- python3 app.py");
    }

    @Test
    void mountsTheSecretFilesReadOnlyAtRunSecrets() {
        List<String> command = new SandboxCell(SANDBOX, 200_003, HOME.resolve("code/abc"), 0, Optional.empty(), List.of(), List.of(),
                Optional.of(Path.of("/dev/shm/nubo-secrets-a-1"))).wrap(List.of("python3"));

        assertThat(String.join(" ", command)).contains("--ro-bind /dev/shm/nubo-secrets-a-1 /run/secrets --chdir /srv/nubo/code/abc");
    }

    @Test
    void showsAPrivateUserHomeEmptyButForTheToolchainsOnPath() {
        Path code = Path.of("/opt/apps/abc");
        List<String> command = new SandboxCell(SANDBOX, 200_001, code, 0, Optional.of(Path.of("/root")),
                List.of(Path.of("/root/.pyenv")), List.of(), Optional.empty()).wrap(List.of("python3"));

        assertThat(String.join(" ", command)).contains("--perms 0755 --tmpfs /root --ro-bind-try /root/.pyenv /root/.pyenv"
                + " --perms 0755 --tmpfs /srv/nubo");
    }

    @Test
    void capsTheProcessCountWithRlimitWhereNoPidsCgroupDoes() {
        List<String> command = new SandboxCell(SANDBOX, 200_001, HOME.resolve("code/abc"), 64, Optional.empty(), List.of(), List.of(), Optional.empty())
                .wrap(List.of("python3"));

        assertThat(command.subList(0, 4)).containsExactly("prlimit", "--nproc=64:64", "--", "bwrap");
    }

    @Test
    void findsTheToolchainsUnderAPrivateHomeFromPathAndJavaHome(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path userHome = java.nio.file.Files.createDirectory(dir.resolve("root"),
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        Sandbox sandbox = Sandbox.hiding(userHome.resolve(".nubo"), List.of(), userHome.resolve(".nubo/slots"));

        SandboxCell cell = Sandboxing.of(sandbox, userHome, java.util.Map.of(
                "PATH", userHome + "/.pyenv/shims:" + userHome + "/.pyenv/bin:/usr/bin:" + userHome + "/.nubo/bin",
                "JAVA_HOME", userHome + "/.sdkman/candidates/java/current")).cell(dir, 0);

        assertThat(cell.privateHome()).contains(userHome);
        assertThat(cell.toolchains()).containsExactly(userHome.resolve(".pyenv"), userHome.resolve(".sdkman"));
    }

    @Test
    void handsOutAUserIdPerLaunchInTurn() {
        Sandboxing sandboxing = Sandboxing.of(new Sandbox(HOME, List.of(), HOME.resolve("slots"), 300_000, 2),
                Path.of("/"), java.util.Map.of());

        assertThat(List.of(sandboxing.cell(HOME, 0).uid(), sandboxing.cell(HOME, 0).uid(), sandboxing.cell(HOME, 0).uid()))
                .containsExactly(300_000, 300_001, 300_000);
    }
}
