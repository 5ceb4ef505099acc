package com.example;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /} answers the {@code greeting} its configuration holds. It names no config server:
 * Nubo's environment points its Spring Cloud Config client at Nubo. The Environment is read on each
 * request, so a refresh ({@code POST /actuator/refresh}) shows at once.
 */
@SpringBootApplication
@RestController
public class Application {

    private final Environment environment;

    public Application(Environment environment) {
        this.environment = environment;
    }

    public static void main(String[] args) {
        SpringApplication.run(Application.class, args);
    }

    @GetMapping("/")
    public Map<String, String> greeting() {
        return Map.of("greeting", environment.getProperty("greeting", "(none)"));
    }
}
