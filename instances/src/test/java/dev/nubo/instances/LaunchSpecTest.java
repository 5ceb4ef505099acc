package dev.nubo.instances;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LaunchSpecTest {

    private static final Path DIR = Path.of("/srv/code");

    @Test
    void whatTheBuilderIsNotToldTakesItsDefault() {
        LaunchSpec spec = LaunchSpec.builder("hello-00001-a").service("hello").revision("hello-00001")
                .command(List.of("python3", "app.py")).workDir(DIR).logFile(DIR.resolve("a.log")).build();

        assertThat(spec.env()).isEmpty();
        assertThat(spec.readinessPath()).isEmpty();
        assertThat(spec.startTimeout()).isEqualTo(LaunchSpec.DEFAULT_START_TIMEOUT);
        assertThat(spec.memoryBytes()).isZero();
        assertThat(spec.proven()).isFalse();
        assertThat(spec.port()).isZero();
        assertThat(spec.warmStart()).isEmpty();
    }

    @Test
    void everyNamedValueLandsInItsComponent() {
        LaunchSpec spec = LaunchSpec.builder("hello-00001-a").service("hello").revision("hello-00001")
                .command(List.of("./bootstrap")).env(Map.of("A", "b")).workDir(DIR).logFile(DIR.resolve("a.log"))
                .readinessPath("/healthz").memoryBytes(128L << 20).cpuMillis(500).processes(64).proven(true).port(40001)
                .secretFiles(Map.of("/run/secrets/p", "pa55")).build();

        assertThat(spec).isEqualTo(new LaunchSpec("hello-00001-a", "hello", "hello-00001", List.of("./bootstrap"),
                Map.of("A", "b"), DIR, DIR.resolve("a.log"), java.util.Optional.of("/healthz"),
                LaunchSpec.DEFAULT_START_TIMEOUT, 128L << 20, 500, 64, true, 40001, List.of(), java.util.Optional.empty(),
                Map.of("/run/secrets/p", "pa55")));
    }

    @Test
    void aMissingValueIsNamedWithAnExample() {
        assertThatThrownBy(() -> LaunchSpec.builder("hello-00001-a").service("hello").revision("hello-00001")
                .command(List.of("python3", "app.py")).logFile(DIR.resolve("a.log")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the launch of instance hello-00001-a has no workDir; set it, e.g. .workDir(codeDir)");
    }
}
