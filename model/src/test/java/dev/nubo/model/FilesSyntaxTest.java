package dev.nubo.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FilesSyntaxTest {

    private static final String BASE = "name: a\nruntime: process\ncommand: [x]\n";

    @Test
    void readsSecretFilesUnderRunSecretsAndCountsThemAmongTheSecretsUsed() {
        Descriptor d = Descriptor.parse(BASE + "env: {USER_NAME: {secret: db/user}}\nfiles:\n  /run/secrets/db-password: {secret: db/password}\n"
                + "  /run/secrets/tls.key: {secret: tls/key}\n");
        assertThat(d.files()).isEqualTo(Map.of("/run/secrets/db-password", new SecretRef("db", "password"),
                "/run/secrets/tls.key", new SecretRef("tls", "key")));
        assertThat(d.secretRefs().map(SecretRef::toString)).containsExactly("db/user", "db/password", "tls/key");
        assertThat(Descriptor.parse(BASE).files()).isEmpty();
    }

    @Test
    void namesTheFieldOfEachMistakeInFiles() {
        assertInvalid(BASE + "files: [x]\n", "`files` must be a mapping of paths to secrets, found a list");
        assertInvalid(BASE + "files: {/etc/passwd: {secret: db/password}}\n", "`files./etc/passwd` must be a file directly under /run/secrets/");
        assertInvalid(BASE + "files: {/run/secrets/../x: {secret: db/password}}\n", "`files./run/secrets/../x` must be a file directly under");
        assertInvalid(BASE + "files: {/run/secrets/a/b: {secret: db/password}}\n", "must be a file directly under /run/secrets/");
        assertInvalid(BASE + "files: {/run/secrets/p: hunter2}\n", "`files./run/secrets/p` must be `{secret: NAME/KEY}`, found 'hunter2'");
        assertInvalid(BASE + "files: {/run/secrets/p: {secret: password}}\n", "`files./run/secrets/p.secret` must name a secret and its key as NAME/KEY");
    }

    private static void assertInvalid(String yaml, String... parts) {
        assertThatThrownBy(() -> Descriptor.parse(yaml)).isInstanceOfSatisfying(UserError.class, e -> {
            assertThat(e.code()).isEqualTo("descriptor.invalid");
            for (String part : parts) {
                assertThat(e.getMessage() + " / " + e.hint()).contains(part);
            }
        });
    }
}
