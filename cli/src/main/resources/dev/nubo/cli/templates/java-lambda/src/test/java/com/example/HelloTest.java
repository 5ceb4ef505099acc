package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class HelloTest {

    @Test
    void greetsByName() {
        assertEquals(Map.of("message", "Hello, Ada"), new Hello().handleRequest(Map.of("name", "Ada"), null));
    }

    @Test
    void greetsTheNameInTheQueryOfARequestToItsUrl() {
        Map<String, Object> request = Map.of("rawPath", "/", "queryStringParameters", Map.of("name", "Ada"));
        assertEquals(Map.of("message", "Hello, Ada"), new Hello().handleRequest(request, null));
    }
}
