package dev.nubo.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nubo.model.UserError;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HomeTest {

    @TempDir
    Path dir;

    @Test
    void aSecondServerCannotUseAHomeInUseUntilTheFirstLetsGo() {
        Home first = Home.prepare(dir.resolve("home"));

        assertThatThrownBy(() -> Home.prepare(dir.resolve("home")))
                .isInstanceOfSatisfying(UserError.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("another Nubo server is running with NUBO_HOME " + dir.resolve("home"));
                    assertThat(e.hint()).contains("another --home");
                });

        first.unlock();
        Home.prepare(dir.resolve("home")).unlock();
    }
}
