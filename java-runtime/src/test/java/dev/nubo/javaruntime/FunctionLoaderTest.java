package dev.nubo.javaruntime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nubo.function.Handler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
                + " dev.nubo.function.Handler or dev.nubo.function.HttpHandler, nor Lambda's RequestHandler or"
                + " RequestStreamHandler (implement Handler<I, O> for JSON in and out, or HttpHandler for the raw request;"
                + " an AWS Lambda handler runs unchanged if it implements RequestHandler<I, O> or RequestStreamHandler, or"
                + " if `handler` in nubo.yaml names its method, as in " + SAMPLES + "NotAHandler::handleRequest)");
        assertFails(SAMPLES + "NotAHandler::handleRequest", "handler class " + SAMPLES + "NotAHandler has no public method"
                + " handleRequest that Lambda could call (give it parameters (I), (I, Context), (InputStream, OutputStream)"
                + " or (InputStream, OutputStream, Context), or implement RequestHandler<I, O>)");
        assertFails(SAMPLES + "NuboAndLambda", "handler class " + SAMPLES + "NuboAndLambda implements both Nubo's Handler"
                + " and Lambda's RequestHandler (implement one, so that the host knows which to call)");
        assertFails(SAMPLES + "LambdaGreeter::", "handler " + SAMPLES + "LambdaGreeter:: is neither a class name nor"
                + " Class::method (check `handler` in nubo.yaml, e.g. com.example.Hello or com.example.Hello::handleRequest)");
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
    void lambdaHandlersAreCalledThroughLambdasInterfacesOrTheirNamedMethod() {
        assertThat(FunctionLoader.load(CODE, SAMPLES + "LambdaReport")).isInstanceOf(LambdaFunction.class);
        assertThat(FunctionLoader.load(CODE, SAMPLES + "LambdaReport::handleRequest")).isInstanceOf(LambdaFunction.class);
        assertThat(FunctionLoader.load(CODE, SAMPLES + "LambdaStream")).isInstanceOf(LambdaFunction.class);
        assertThat(FunctionLoader.load(CODE, SAMPLES + "LambdaPlain::greet"))
                .extracting(f -> ((LambdaFunction) f).call()).isInstanceOf(LambdaMethodCall.class);
        assertThat(FunctionLoader.load(CODE, SAMPLES + "LambdaPlain::shout")).as("a static method")
                .extracting(f -> ((LambdaFunction) f).call()).isInstanceOf(LambdaMethodCall.class);
        assertThat(FunctionLoader.load(CODE, SAMPLES + "Greeter::handle")).isInstanceOf(JsonFunction.class);
    }

    @Test
    void sharesExactlyLambdasTwoPackagesEvenWhenTheFunctionBundlesItsOwnCopy(@TempDir Path dir) throws Exception {
        // The function's code holds its own RequestHandler, as a jar built with aws-lambda-java-core inside would.
        Path own = dir.resolve("com/amazonaws/services/lambda/runtime/RequestHandler.class");
        Files.createDirectories(own.getParent());
        try (var in = RequestHandler.class.getResourceAsStream("RequestHandler.class")) {
            Files.copy(in, own);
        }
        Path sample = HostProcess.TEST_CLASSES.resolve("dev/nubo/javaruntime/SampleHandlers$LambdaGreeter.class");
        Path copy = dir.resolve("dev/nubo/javaruntime/SampleHandlers$LambdaGreeter.class");
        Files.createDirectories(copy.getParent());
        Files.copy(sample, copy);

        UserFunction function = FunctionLoader.load(dir, SAMPLES + "LambdaGreeter");
        ClassLoader loader = function.handlerClass().getClassLoader();

        assertThat(function).isInstanceOf(LambdaFunction.class);
        assertThat(loader.loadClass(RequestHandler.class.getName())).isSameAs(RequestHandler.class);
        assertThat(loader.loadClass(LogLevel.class.getName())).isSameAs(LogLevel.class);
        assertThat(loader.getResource("com/amazonaws/services/lambda/runtime/Context.class")).isNotNull();
        assertThatThrownBy(() -> loader.loadClass("com.amazonaws.services.lambda.runtime.events.SQSEvent"))
                .isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void loadsLambdasClassPathTheCodeItsLibJarsAndEachLayersJavaLib(@TempDir Path dir) throws Exception {
        Path code = Files.createDirectories(dir.resolve("code"));
        jar(code.resolve("lib/handlers.jar"), "dev/nubo/javaruntime/SampleHandlers$LambdaGreeter.class");
        jar(dir.resolve("layer/java/lib/more.jar"), "dev/nubo/javaruntime/SampleHandlers$LambdaPlain.class");

        UserFunction fromLib = FunctionLoader.load(code, List.of(dir.resolve("layer")), SAMPLES + "LambdaGreeter");
        UserFunction fromLayer = FunctionLoader.load(code, List.of(dir.resolve("layer")), SAMPLES + "LambdaPlain::greet");

        assertThat(fromLib.handlerClass().getClassLoader().getName()).isEqualTo(FunctionLoader.LOADER_NAME);
        assertThat(fromLayer.handlerClass().getProtectionDomain().getCodeSource().getLocation().getPath()).endsWith("/layer/java/lib/more.jar");
        assertThatThrownBy(() -> FunctionLoader.load(code, List.of(), SAMPLES + "LambdaPlain::greet"))
                .isInstanceOf(InitFailure.class).hasMessageContaining("not found");
    }

    /** A jar holding one class of the test classes. */
    private static void jar(Path jar, String classFile) throws Exception {
        Files.createDirectories(jar.getParent());
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new java.util.jar.JarEntry(classFile));
            Files.copy(HostProcess.TEST_CLASSES.resolve(classFile), out);
            out.closeEntry();
        }
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
