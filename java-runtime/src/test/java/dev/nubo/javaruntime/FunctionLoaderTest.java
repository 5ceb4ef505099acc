package dev.nubo.javaruntime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nubo.function.Handler;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading in this JVM: quicker than a process for every message the host can fail with. */
class FunctionLoaderTest {

    private static final Path CODE = HostProcess.TEST_CLASSES;
    private static final String SAMPLES = "dev.nubo.javaruntime.SampleHandlers$";

    @Test
    void loadsTheHandlerInItsOwnLoaderSharingOnlyTheApiWithTheHost() throws Exception {
        UserFunction function = FunctionLoader.load(CODE, SAMPLES + "Greeter");
        ClassLoader own = function.handlerClass().getClassLoader();

        assertThat(function).isInstanceOf(JsonFunction.class);
        assertThat(own.getName()).isEqualTo("nubo-function");
        assertThat(function.handlerClass()).isNotSameAs(SampleHandlers.Greeter.class);
        assertThat(own.loadClass(Handler.class.getName())).isSameAs(Handler.class);
        assertThat(own.getResource("dev/nubo/function/Handler.class")).isNotNull();
        assertThat(own.getResource("dev/nubo/javaruntime/JavaHost.class")).isNull();
        assertThatThrownBy(() -> own.loadClass(ObjectMapper.class.getName())).isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void acceptsANestedClassWrittenAsInSource() {
        assertThat(FunctionLoader.load(CODE, "dev.nubo.javaruntime.SampleHandlers.Echo")).isInstanceOf(HttpFunction.class);
    }

    @Test
    void failuresNameTheClassTheCauseAndTheFix() {
        assertFails(SAMPLES + "NotAHandler", "handler class " + SAMPLES + "NotAHandler does not implement"
                + " dev.nubo.function.Handler or dev.nubo.function.HttpHandler (implement Handler<I, O> for JSON in"
                + " and out, or HttpHandler for the raw request)");
        assertFails(SAMPLES + "NoDefaultConstructor", "handler class " + SAMPLES + "NoDefaultConstructor has no public"
                + " no-argument constructor (add `public NoDefaultConstructor() {}`; the host creates one instance and"
                + " calls it for every request)");
        assertFails("dev.nubo.javaruntime.HandlerInputTypeTest$Base", "handler class"
                + " dev.nubo.javaruntime.HandlerInputTypeTest$Base is abstract (point `handler` in nubo.yaml at a"
                + " concrete class)");
        assertThatThrownBy(() -> FunctionLoader.load(CODE, SAMPLES + "ConstructorThrows"))
                .isInstanceOf(InitFailure.class)
                .hasMessage("handler class " + SAMPLES + "ConstructorThrows constructor threw"
                        + " java.lang.IllegalStateException: boom")
                .satisfies(e -> assertThat(((InitFailure) e).showCause()).isTrue());
    }

    @Test
    void codeThatIsNotAJarIsNamed(@TempDir Path dir) throws Exception {
        Path notAJar = Files.writeString(dir.resolve("app.txt"), "hello");
        assertThatThrownBy(() -> FunctionLoader.load(notAJar, "com.example.Hello"))
                .isInstanceOf(InitFailure.class)
                .hasMessageStartingWith("code " + notAJar + " is neither a jar nor a classes directory (");
    }

    private static void assertFails(String handler, String message) {
        assertThatThrownBy(() -> FunctionLoader.load(CODE, handler)).isInstanceOf(InitFailure.class).hasMessage(message);
    }
}
