package dev.nubo.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuntimeSyntaxTest {

    @Test
    void everyRuntimeRecordIsReadByOneSyntaxAndKnowsItsKind() {
        List<Class<?>> records = Arrays.asList(Descriptor.Runtime.class.getPermittedSubclasses());
        assertThat(RuntimeSyntax.values()).hasSameSizeAs(records);

        for (String yaml : List.of("runtime: process\ncommand: [x]", "runtime: java\nhandler: a.B\ncode: b.jar",
                "runtime: node\nhandler: index.handler", "runtime: python\nhandler: main.handler", "runtime: provided")) {
            Descriptor.Runtime runtime = Descriptor.parse("name: a\n" + yaml + "\n").runtime();
            assertThat("runtime: " + runtime.kind()).isEqualTo(yaml.lines().findFirst().orElseThrow());
        }
    }

    @Test
    void anUnknownRuntimeListsTheKnownOnes() {
        assertThatThrownBy(() -> Descriptor.parse("name: a\nruntime: ruby\n"))
                .hasMessage("nubo.yaml: `runtime` must be one of process, java, node, python, provided (got 'ruby')");
    }

    @Test
    void aFieldTheRuntimeRefusesIsNamedWithTheReason() {
        assertThatThrownBy(() -> Descriptor.parse("name: a\nruntime: node\nhandler: index.handler\ncode: x\n"))
                .isInstanceOf(UserError.class)
                .hasMessage("nubo.yaml: `code` does not apply to runtime node");
        assertThat(((UserError) catchThrowable("name: a\nruntime: node\nhandler: index.handler\ncode: x\n")).hint())
                .isEqualTo("a node function is the deployed directory itself, started by Nubo: remove `code` and name the"
                        + " function with `handler`");
    }

    @Test
    void onlyACustomRuntimeTakesOneInvocationAtATimeByDefault() {
        assertThat(Descriptor.parse("name: a\nruntime: provided\n").scale().limit()).isEqualTo(1);
        assertThat(Descriptor.parse("name: a\nruntime: python\nhandler: main.handler\n").scale().limit()).isZero();
    }

    private static Throwable catchThrowable(String yaml) {
        return org.assertj.core.api.Assertions.catchThrowable(() -> Descriptor.parse(yaml));
    }
}
