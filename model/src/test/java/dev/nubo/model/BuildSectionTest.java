package dev.nubo.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class BuildSectionTest {

    static final String BASE = "name: app\nruntime: process\ncommand: [sh, run.sh]\n";

    @Test
    void readsTheThreeFormsAndTheServerAcceptsThem() {
        assertThat(BuildSection.of(BASE)).isEqualTo(BuildSection.detected());
        assertThat(BuildSection.of(BASE + "build: none\n").off()).isTrue();
        assertThat(BuildSection.of(BASE + "build: {command: make dist, output: dist}\n"))
                .isEqualTo(new BuildSection(List.of("sh", "-c", "make dist"), List.of("dist"), false));
        assertThat(BuildSection.of(BASE + "build:\n  command: [make, dist]\n  output: [dist, docs]\n").command())
                .containsExactly("make", "dist");
        assertThat(Descriptor.parse(BASE + "build: {command: make}\n").name()).isEqualTo("app");
    }

    @Test
    void mistakesNameTheField() {
        assertThatThrownBy(() -> Descriptor.parse(BASE + "build: [make]\n")).isInstanceOf(UserError.class)
                .hasMessage("nubo.yaml: `build` must be a mapping or `none`, found a list");
        assertThatThrownBy(() -> Descriptor.parse(BASE + "build: {command: []}\n")).isInstanceOf(UserError.class)
                .hasMessage("nubo.yaml: `build.command` must be a command line or a non-empty list of strings, found a list");
        assertThatThrownBy(() -> Descriptor.parse(BASE + "build: {output: ../out}\n")).isInstanceOf(UserError.class)
                .hasMessage("nubo.yaml: `build.output` must be a path inside the deployed directory (got '../out')");
    }
}
