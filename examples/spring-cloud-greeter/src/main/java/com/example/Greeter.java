package com.example;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/**
 * {@code GET /hello} answers with this service's name; {@code GET /call/NAME?path=/hello} calls the
 * service NAME by its name in the registry (Spring Cloud LoadBalancer picks an instance) and answers
 * with what it said. Deployed under two names, one calls the other.
 */
@SpringBootApplication
@RestController
public class Greeter {

    private final RestClient client;
    private final String name;

    Greeter(@LoadBalanced RestClient.Builder loadBalanced, @Value("${spring.application.name}") String name) {
        this.client = loadBalanced.build();
        this.name = name;
    }

    public static void main(String[] args) {
        SpringApplication.run(Greeter.class, args);
    }

    @Bean
    @LoadBalanced
    static RestClient.Builder loadBalancedRestClient() {
        return RestClient.builder();
    }

    /**
     * The builder everything else gets, the Eureka client's own calls to the registry included:
     * without it the Eureka client would take the load-balanced one and look up the registry's own
     * address as a service (spring-cloud-netflix issues 4380 and 4591).
     */
    @Bean
    @Primary
    static RestClient.Builder restClient() {
        return RestClient.builder();
    }

    @GetMapping("/hello")
    String hello() {
        return "hello from " + name;
    }

    /** Which of Nubo's instances answered ({@code $NUBO_INSTANCE}): a caller can see a redeploy move it over. */
    @GetMapping("/instance")
    String instance(@Value("${NUBO_INSTANCE:unknown}") String instance) {
        return instance;
    }

    @GetMapping("/call/{service}")
    String call(@PathVariable String service, @RequestParam(defaultValue = "/hello") String path) {
        return client.get().uri("http://" + service + path).retrieve().body(String.class);
    }
}
