package dev.nubo.instances;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretFilesTest {

    @Test
    void writesEachFileReadableByItsOwnerOnlyInMemoryAndRemovesThemAll() throws Exception {
        Path dir = SecretFiles.write("vault-00001-a", Map.of("/run/secrets/db-password", "pa55", "/run/secrets/tls.key", "k3y"));
        try {
            if (Files.isDirectory(Path.of("/dev/shm"))) {
                assertThat(dir.getParent()).as("in memory, never on a disk").isEqualTo(Path.of("/dev/shm"));
            }
            assertThat(dir.getFileName().toString()).startsWith("nubo-secrets-vault-00001-a-");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
            assertThat(Files.readString(dir.resolve("db-password"))).isEqualTo("pa55");
            assertThat(Files.readString(dir.resolve("tls.key"))).isEqualTo("k3y");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("db-password")))).isEqualTo("r--------");
        } finally {
            SecretFiles.remove(dir);
        }
        assertThat(dir).doesNotExist();
    }

    @Test
    void refusesAPathOutsideRunSecretsAndLeavesNothingBehind() throws Exception {
        assertThatThrownBy(() -> SecretFiles.write("vault-00001-b", Map.of("/run/secrets/../../etc/x", "pa55")))
                .hasMessageContaining("is not directly under /run/secrets");
        try (var left = Files.list(Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir")))) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("nubo-secrets-vault-00001-b-"));
        }
    }
}
