package dev.nubo.examples.hello;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nubo.function.Context;
import dev.nubo.function.Logger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HelloTest {

    /** A context as the Java runtime would build it, with the log kept in a list. */
    record TestContext(Map<String, String> env, List<String> lines) implements Context {
        public String requestId() {
            return "req-1";
        }

        public String functionName() {
            return "hello-java";
        }

        public String revision() {
            return "hello-java-00001";
        }

        public Instant deadline() {
            return Instant.now().plusSeconds(30);
        }

        public Logger logger() {
            return lines::add;
        }
    }

    @Test
    void greetsByNameWithTheConfiguredGreetingAndLogsIt() {
        TestContext context = new TestContext(Map.of("GREETING", "Hello"), new ArrayList<>());

        Hello.Greeting greeting = new Hello().handle(new Hello.Request("Ada"), context);

        assertThat(greeting).isEqualTo(new Hello.Greeting("Hello, Ada!", "hello-java-00001"));
        assertThat(context.lines()).containsExactly("greeting Ada");
    }

    @Test
    void greetsTheWorldWhenNoNameIsGiven() {
        TestContext context = new TestContext(Map.of("GREETING", "Hi"), new ArrayList<>());

        assertThat(new Hello().handle(null, context).message()).isEqualTo("Hi, world!");
        assertThat(new Hello().handle(new Hello.Request(null), context).message()).isEqualTo("Hi, world!");
    }

    @Test
    void saysHelloWhenGreetingIsNotSet() {
        TestContext context = new TestContext(Map.of(), new ArrayList<>());

        assertThat(new Hello().handle(new Hello.Request("Grace"), context).message()).isEqualTo("Hello, Grace!");
    }
}
