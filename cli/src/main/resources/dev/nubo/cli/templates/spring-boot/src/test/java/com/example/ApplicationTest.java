package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ApplicationTest {

    @Test
    void greetsByName() {
        assertEquals(Map.of("message", "Hello, Ada"), new Application().hello("Ada"));
    }
}
