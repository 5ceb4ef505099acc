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
                "runtime: node\nhandler: index.handler", "runtime: python\nhandler: main.handler", "runtime: provided", "runtime: static")) {
            Descriptor.Runtime runtime = Descriptor.parse("name: a\n" + yaml + "\n").runtime();
            assertThat("runtime: " + runtime.kind()).isEqualTo(yaml.lines().findFirst().orElseThrow());
        }
    }

    @Test
    void anUnknownRuntimeListsTheKnownOnes() {
        assertThatThrownBy(() -> Descriptor.parse("name: a\nruntime: ruby\n"))
                .hasMessage("nubo.yaml: `runtime` must be one of process, java, node, python, provided, static (got 'ruby')");
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

    @Test
    void aStaticSiteReadsItsRootSpaAndNotFoundPageAndRefusesACommand() {
        assertThat(Descriptor.parse("name: a\nruntime: static\nroot: dist\nspa: true\nnotFound: 404.html\n").runtime())
                .isEqualTo(new Descriptor.Static("dist", true, java.util.Optional.of("404.html")));
        assertThat(Descriptor.parse("name: a\nruntime: static\n").runtime()).isEqualTo(new Descriptor.Static(".", false, java.util.Optional.empty()));
        assertThatThrownBy(() -> Descriptor.parse("name: a\nruntime: static\ncommand: [x]\n"))
                .hasMessage("nubo.yaml: `command` does not apply to runtime static");
        assertThatThrownBy(() -> Descriptor.parse("name: a\nruntime: static\nroot: ../elsewhere\n"))
                .hasMessage("nubo.yaml: `root` must be a path inside the deployed directory (got '../elsewhere')");
        assertThatThrownBy(() -> Descriptor.parse("name: a\nruntime: static\nspa: yes please\n"))
                .hasMessage("nubo.yaml: `spa` must be true or false, found 'yes please'");
        assertThatThrownBy(() -> Descriptor.parse("name: a\nruntime: process\ncommand: [x]\nspa: true\n"))
                .hasMessage("nubo.yaml: `spa` does not apply to runtime process");
    }

    private static Throwable catchThrowable(String yaml) {
        return org.assertj.core.api.Assertions.catchThrowable(() -> Descriptor.parse(yaml));
    }
}
