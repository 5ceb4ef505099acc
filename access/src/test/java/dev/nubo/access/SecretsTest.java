package dev.nubo.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nubo.model.Descriptor;
import dev.nubo.model.PlatformFault;
import dev.nubo.model.UserError;
import dev.nubo.store.Store;
import dev.nubo.store.StoreLocation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsTest {

    private static final Descriptor APP = Descriptor.parse("""
            name: app
            runtime: process
            command: [./run]
            env:
              GREETING: hello
              DB_PASSWORD: {secret: db/password}
            """);

    @TempDir
    Path dir;
    private final InstantSource clock = InstantSource.fixed(Instant.parse("2026-12-03T12:00:00Z"));
    private Store store;

    private Secrets secrets(MasterKey key) {
        store = store == null ? Store.open(StoreLocation.sqlite(dir.resolve("nubo.db"))) : store;
        return new Secrets(store.credentials(), key, clock);
    }

    private MasterKey fileKey() {
        return MasterKey.inFile(dir.resolve("master.key"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void sealsValuesSoTheDatabaseNeverHoldsThemAndOpensThemForAnInstance() throws Exception {
        Secrets secrets = secrets(fileKey());
        assertThat(secrets.set("db", Map.of("password", "hunter2-very-secret")).changed()).isTrue();

        assertThat(secrets.values(APP)).isEqualTo(Map.of("DB_PASSWORD", "hunter2-very-secret"));
        assertThat(APP.env()).isEqualTo(Map.of("GREETING", "hello"));
        assertThat(Files.readString(dir.resolve("nubo.db"), StandardCharsets.ISO_8859_1)).doesNotContain("hunter2-very-secret");
        assertThat(secrets.list()).singleElement().satisfies(s -> assertThat(s.keys()).containsExactly("password"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("master.key")))).isEqualTo("rw-------");
    }

    @Test
    void keepsOtherKeysAndReportsWhetherAValueChanged() {
        Secrets secrets = secrets(fileKey());
        secrets.set("db", Map.of("password", "a", "user", "app"));
        assertThat(secrets.set("db", Map.of("password", "a")).changed()).isFalse();
        var rotated = secrets.set("db", Map.of("password", "b"));
        assertThat(rotated.changed()).isTrue();
        assertThat(rotated.record().version()).isEqualTo(2);
        assertThat(rotated.record().keys()).containsExactly("password", "user");
        assertThat(secrets.values(APP)).containsEntry("DB_PASSWORD", "b");
    }

    @Test
    void namesAMissingSecretOrKeyAndHowToCreateIt() {
        Secrets secrets = secrets(fileKey());
        assertThatThrownBy(() -> secrets.values(APP)).isInstanceOf(UserError.class)
                .hasMessage("app's env.DB_PASSWORD takes secret db/password, but there is no secret named db")
                .satisfies(e -> assertThat(((UserError) e).hint()).isEqualTo("create it with `nubo secret set db password=VALUE`, then deploy again"));
        secrets.set("db", Map.of("user", "app"));
        assertThatThrownBy(() -> secrets.values(APP))
                .hasMessage("app's env.DB_PASSWORD takes secret db/password, but secret db has no key password (it has user)");
    }

    @Test
    void aSecretDoesNotOpenUnderAnotherMasterKey() {
        secrets(fileKey()).set("db", Map.of("password", "a"));
        Secrets other = secrets(MasterKey.fromEnvironment(java.util.Base64.getEncoder().encodeToString(new byte[32])));
        assertThatThrownBy(() -> other.values(APP)).isInstanceOf(PlatformFault.class)
                .hasMessageStartingWith("secret db does not open with this master key");
    }

    @Test
    void refusesAMasterKeyFileOthersMayRead() throws Exception {
        fileKey();
        Files.setPosixFilePermissions(dir.resolve("master.key"), PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(this::fileKey).isInstanceOf(PlatformFault.class).hasMessageContaining("may be read by others (mode rw-r--r--)");
        assertThatThrownBy(() -> MasterKey.fromEnvironment("c2hvcnQ="))
                .hasMessageStartingWith("NUBO_MASTER_KEY must hold a 32-byte key in base64");
        store = Store.open(StoreLocation.sqlite(dir.resolve("nubo.db")));
    }

    @Test
    void sealsAnotherCredentialForOnePurposeOnly() {
        Secrets secrets = secrets(fileKey());
        String sealed = secrets.sealValue("source:github:secret", "hook-key");
        assertThat(Secrets.isSealed(sealed)).isTrue();
        assertThat(sealed).doesNotContain("hook-key");
        assertThat(secrets.openValue("source:github:secret", sealed)).isEqualTo("hook-key");
        assertThatThrownBy(() -> secrets.openValue("source:gitlab:secret", sealed)).isInstanceOf(PlatformFault.class)
                .hasMessageStartingWith("source:gitlab:secret does not open with this master key");
    }
}
