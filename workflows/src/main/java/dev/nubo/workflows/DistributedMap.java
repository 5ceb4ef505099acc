package dev.nubo.workflows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.store.ExecutionRecord;
import dev.nubo.workflows.Journal.Ending;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * A distributed Map ({@code ItemProcessor.ProcessorConfig.Mode: DISTRIBUTED}): each item, or each batch
 * of {@code ItemBatcher.MaxItemsPerBatch} items ({@code {"Items": […]}} and the {@code BatchInput}), runs
 * as a child execution of the item processor, at most {@code MaxConcurrency} at a time. STANDARD
 * children are recorded executions named after the Map's idempotency key (parent execution, state,
 * attempt) and the item's index, so a Map sent again after a crash finds the children it started:
 * those that ended are not run again, those still running are resumed by the server like any other.
 * EXPRESS children run in memory, and run again after a crash.
 *
 * <p>The output is each child's output in item order; a failed child's place holds its
 * {@code {"Error", "Cause"}}. Once more items failed than {@code ToleratedFailureCount} or
 * {@code ToleratedFailurePercentage} allow (none, when neither is given), the Map stops the children
 * still running, starts no more, and fails with {@code States.ExceedToleratedFailureThreshold}.
 */
final class DistributedMap {

    static final String EXCEEDED = "States.ExceedToleratedFailureThreshold";

    private DistributedMap() {}

    /** One child's input and how many items it carries. */
    private record Unit(JsonNode input, int items) {}

    /** What the children did so far, guarded by its own monitor, which the Map waits on. */
    private static final class Tally {
        int finished;
        int failedItems;
        int firstFailed = Integer.MAX_VALUE;
        String firstFailure = "";
        boolean exceeded;
        Optional<RuntimeException> broken = Optional.empty();
    }

    static JsonNode run(Interpreter interpreter, Children.Starter starter, State.MapState state, JsonNode input, JsonNode context,
            Scope scope, String key) throws InterruptedException {
        State.Distributed d = state.distributed().orElseThrow();
        List<Branches.Item> items = Branches.items(interpreter, state, input, context, scope);
        List<Unit> units = units(items, d);
        String base = Children.nameFor(key);
        Ending[] endings = new Ending[units.size()];
        Tally tally = new Tally();
        Map<Integer, String> open = new ConcurrentHashMap<>();
        Semaphore slots = new Semaphore(state.maxConcurrency() == 0 ? Integer.MAX_VALUE : state.maxConcurrency());
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        try {
            for (int i = 0; i < units.size(); i++) {
                int index = i;
                threads.submit(() -> {
                    try {
                        slots.acquire();
                        try {
                            synchronized (tally) {
                                if (tally.exceeded || tally.broken.isPresent()) {
                                    return null;
                                }
                            }
                            String name = base + "-" + index;
                            Ending ending = d.express() ? express(interpreter, state.processor(), units.get(index).input(), name, scope)
                                    : standard(starter, state.processor(), units.get(index).input(), name, scope, index, open);
                            finished(tally, d, items.size(), endings, index, ending, units.get(index).items());
                        } finally {
                            slots.release();
                        }
                    } catch (InterruptedException e) {
                        // the Map stopped waiting: it failed, or its execution was stopped or the server is closing
                    } catch (RuntimeException e) {
                        synchronized (tally) {
                            tally.broken = Optional.of(e);
                            tally.notifyAll();
                        }
                    }
                    return null;
                });
            }
            synchronized (tally) {
                while (tally.finished < units.size() && !tally.exceeded && tally.broken.isEmpty()) {
                    tally.wait();
                }
                if (tally.broken.isPresent()) {
                    throw tally.broken.get();
                }
                if (tally.exceeded) {
                    throw new StatesError(EXCEEDED, tally.failedItems + " of " + items.size() + " items failed, more than state \""
                            + state.name() + "\" tolerates (" + tolerance(d) + "); the first: " + tally.firstFailure);
                }
            }
        } finally {
            // Whatever is still open is no longer waited for: stopped (unless the server is closing, when it resumes later).
            open.values().forEach(starter::abandon);
            threads.shutdownNow();
            threads.close();
        }
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (Ending e : endings) {
            out.add(switch (e) {
                case Ending.Succeeded s -> s.output();
                case Ending.Failed f -> JsonNodeFactory.instance.objectNode().put("Error", f.error()).put("Cause", f.cause());
                default -> throw new IllegalStateException("a child that did not end: " + e);
            });
        }
        return out;
    }

    private static List<Unit> units(List<Branches.Item> items, State.Distributed d) {
        List<Unit> units = new ArrayList<>();
        if (d.batchSize() == 0) {
            items.forEach(item -> units.add(new Unit(item.input(), 1)));
            return units;
        }
        for (int from = 0; from < items.size(); from += d.batchSize()) {
            List<Branches.Item> batch = items.subList(from, Math.min(items.size(), from + d.batchSize()));
            ObjectNode input = JsonNodeFactory.instance.objectNode();
            d.batchInput().ifPresent(b -> input.set("BatchInput", b));
            ArrayNode list = input.putArray("Items");
            batch.forEach(item -> list.add(item.input()));
            units.add(new Unit(input, batch.size()));
        }
        return units;
    }

    private static Ending express(Interpreter interpreter, StateMachine processor, JsonNode input, String name, Scope parent)
            throws InterruptedException {
        String id = parent.workflow() + ":" + name;
        Scope scope = new Scope(id, name, input, interpreter.now(), parent.workflow(), Optional.empty(), id);
        Ending ending = interpreter.run(processor, Cursor.enter(processor.startAt(), input, interpreter.now()), scope, Journal.NONE);
        if (ending instanceof Ending.Stopped || ending instanceof Ending.Suspended) {
            throw new InterruptedException("express item " + id + " ended " + ending);
        }
        return ending;
    }

    private static Ending standard(Children.Starter starter, StateMachine processor, JsonNode input, String name, Scope parent, int index,
            Map<Integer, String> open) throws InterruptedException {
        open.put(index, parent.workflow() + ":" + name);
        ExecutionRecord child = starter.item(parent.executionId(), processor, input, name);
        open.remove(index);
        if (child.status().equals(ExecutionStatus.SUCCEEDED.name())) {
            return new Ending.Succeeded(Children.parse(child.output().orElse("null")));
        }
        return new Ending.Failed(child.error().filter(e -> !e.isEmpty()).orElse("States." + child.status()),
                child.cause().orElse("execution " + child.id() + " ended " + child.status()));
    }

    private static void finished(Tally tally, State.Distributed d, int total, Ending[] endings, int index, Ending ending, int items) {
        synchronized (tally) {
            endings[index] = ending;
            tally.finished++;
            if (ending instanceof Ending.Failed f) {
                tally.failedItems += items;
                if (index < tally.firstFailed) {
                    tally.firstFailed = index;
                    tally.firstFailure = (d.batchSize() == 0 ? "item " : "batch ") + index + ": " + f.error() + ": " + f.cause();
                }
                boolean none = d.toleratedCount() < 0 && d.toleratedPercentage() < 0;
                tally.exceeded = none || d.toleratedCount() >= 0 && tally.failedItems > d.toleratedCount()
                        || d.toleratedPercentage() >= 0 && tally.failedItems * 100.0 / total > d.toleratedPercentage();
            }
            tally.notifyAll();
        }
    }

    private static String tolerance(State.Distributed d) {
        List<String> given = new ArrayList<>();
        if (d.toleratedCount() >= 0) {
            given.add("ToleratedFailureCount " + d.toleratedCount());
        }
        if (d.toleratedPercentage() >= 0) {
            given.add("ToleratedFailurePercentage " + d.toleratedPercentage());
        }
        return given.isEmpty() ? "no failure: give ToleratedFailureCount or ToleratedFailurePercentage to tolerate some" : String.join(", ", given);
    }
}
