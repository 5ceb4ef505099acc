package dev.nubo.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.instances.Instances;
import dev.nubo.model.Descriptor;
import java.util.List;
import org.junit.jupiter.api.Test;

class IsolationTest {

    static final Descriptor LIMITED = Descriptor.parse("name: a\nruntime: process\ncommand: [x]\nmemory: 64Mi\ncpu: 500m\nprocesses: 64\n");

    @Test
    void namesTheSandboxAndEveryLimit() {
        assertThat(Isolation.describe(new Instances.Enforcement(true, List.of()), LIMITED))
                .isEqualTo("sandboxed (own user, read-only system, no view of the server's home); memory 64Mi, cpu 500m, processes 64");
    }

    @Test
    void saysWhichLimitsThisMachineCannotEnforceAndWhenThereIsNoSandbox() {
        assertThat(Isolation.describe(new Instances.Enforcement(false, List.of("memory", "cpu")), LIMITED))
                .isEqualTo("NOT sandboxed (runs as the server's user; see docs/SECURITY.md); memory 64Mi (NOT enforced on"
                        + " this machine), cpu 500m (NOT enforced on this machine), processes 64");
    }
}
