package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class HelloTest {

    @Test
    void greetsByName() {
        assertEquals(Map.of("message", "Hello, Ada"), new Hello().handle(new Hello.Request("Ada"), null));
    }

    @Test
    void greetsTheWorldWithoutAName() {
        assertEquals(Map.of("message", "Hello, world"), new Hello().handle(null, null));
    }
}
