package com.example;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/**
 * Steady calls to another service by name, counted here, by the caller: {@code POST /calls/NAME?path=/instance&perSecond=50}
 * starts them, {@code GET /calls} shows the counts (answers by body, failures with their first errors),
 * {@code DELETE /calls} stops them and waits for those in flight. Nubo's tests use it to show that a
 * redeploy of the callee loses no call; it is also a quick way to watch one by hand.
 */
@RestController
class Calls {

    private final RestClient client;
    private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
    private final java.util.concurrent.ExecutorService callers = Executors.newCachedThreadPool();
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Map<String, AtomicLong> answers = new java.util.concurrent.ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    private ScheduledFuture<?> running;

    Calls(@LoadBalanced RestClient.Builder loadBalanced) {
        this.client = loadBalanced.build();
    }

    @PostMapping("/calls/{service}")
    synchronized Map<String, Object> start(@PathVariable String service, @RequestParam(defaultValue = "/hello") String path,
            @RequestParam(defaultValue = "50") int perSecond) {
        if (running != null) {
            running.cancel(false);
        }
        // Each call on a thread of its own: a slow answer never slows the rate.
        running = ticks.scheduleAtFixedRate(() -> {
            inFlight.incrementAndGet();
            callers.execute(() -> call(service, path));
        }, 0,
                1_000_000 / Math.max(1, perSecond), TimeUnit.MICROSECONDS);
        return counts();
    }

    @GetMapping("/calls")
    Map<String, Object> counts() {
        Map<String, Object> counts = new TreeMap<>();
        Map<String, Long> byAnswer = new TreeMap<>();
        answers.forEach((answer, n) -> byAnswer.put(answer, n.get()));
        counts.put("ok", byAnswer.values().stream().mapToLong(Long::longValue).sum());
        counts.put("answers", byAnswer);
        counts.put("failed", failed.get());
        counts.put("errors", errors.stream().toList());
        counts.put("inFlight", inFlight.get());
        return counts;
    }

    @DeleteMapping("/calls")
    Map<String, Object> stop() throws InterruptedException {
        synchronized (this) {
            if (running != null) {
                running.cancel(false);
                running = null;
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return counts();
    }

    private void call(String service, String path) {
        try {
            String answer = client.get().uri("http://" + service + path).retrieve().body(String.class);
            answers.computeIfAbsent(String.valueOf(answer), a -> new AtomicLong()).incrementAndGet();
        } catch (RuntimeException e) {
            failed.incrementAndGet();
            if (errors.size() < 10) {
                errors.add(e.toString());
            }
        } finally {
            inFlight.decrementAndGet();
        }
    }
}
