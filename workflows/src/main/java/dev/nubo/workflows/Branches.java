package dev.nubo.workflows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.nubo.workflows.Journal.Ending;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Parallel branches and Map items, each a run of its own state machine on a virtual thread, recorded
 * nowhere ({@link Journal#NONE}): the Parallel or Map state as a whole is the recorded step. The
 * output is the list of their outputs, in order; the first to fail fails the state with its error
 * (and the others are interrupted).
 */
final class Branches {

    private Branches() {}

    static JsonNode parallel(Interpreter interpreter, State.Parallel state, JsonNode input, Scope scope) throws InterruptedException {
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < state.branches().size(); i++) {
            StateMachine branch = state.branches().get(i);
            runs.add(new Run(branch, input, scope.branch(state.name() + "[" + i + "]")));
        }
        return all(interpreter, runs, 0);
    }

    static JsonNode map(Interpreter interpreter, State.MapState state, JsonNode input, JsonNode context, Scope scope)
            throws InterruptedException {
        List<Item> items = items(interpreter, state, input, context, scope);
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            runs.add(new Run(state.processor(), items.get(i).input(), scope.item(i, items.get(i).value(), state.name())));
        }
        return all(interpreter, runs, state.maxConcurrency());
    }

    /** What ItemsPath selects, each item through the ItemSelector (which sees {@code $$.Map.Item}) if there is one. */
    static List<Item> items(Interpreter interpreter, State.MapState state, JsonNode input, JsonNode context, Scope scope) {
        JsonNode items = Paths.read(input, state.itemsPath(), context);
        if (!items.isArray()) {
            throw StatesError.runtime("state \"" + state.name() + "\": ItemsPath " + state.itemsPath() + " must select an array, not "
                    + Paths.abbreviated(items));
        }
        List<Item> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            JsonNode itemInput = items.get(i);
            if (state.itemSelector().isPresent()) {
                JsonNode itemContext = scope.item(i, items.get(i), state.name()).context(Cursor.enter(state.name(), input, interpreter.now()));
                itemInput = Paths.template(state.itemSelector().get(), input, itemContext);
            }
            out.add(new Item(items.get(i), itemInput));
        }
        return out;
    }

    /** One item of a Map: its value in the array, and the input its run gets. */
    record Item(JsonNode value, JsonNode input) {}

    private record Run(StateMachine machine, JsonNode input, Scope scope) {}

    private static JsonNode all(Interpreter interpreter, List<Run> runs, int maxConcurrency) throws InterruptedException {
        Semaphore slots = new Semaphore(maxConcurrency == 0 ? Integer.MAX_VALUE : maxConcurrency);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Ending>> endings = new ArrayList<>();
            for (Run run : runs) {
                endings.add(threads.submit(() -> {
                    slots.acquire();
                    try {
                        return interpreter.run(run.machine(), Cursor.enter(run.machine().startAt(), run.input(),
                                interpreter.now()), run.scope(), Journal.NONE);
                    } finally {
                        slots.release();
                    }
                }));
            }
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (Future<Ending> f : endings) {
                Ending ending;
                try {
                    ending = f.get();
                } catch (ExecutionException e) {
                    endings.forEach(other -> other.cancel(true));
                    if (e.getCause() instanceof StatesError se) {
                        throw se;
                    }
                    throw new IllegalStateException("a branch failed unexpectedly", e.getCause());
                }
                switch (ending) {
                    case Ending.Succeeded s -> out.add(s.output());
                    case Ending.Failed failed -> {
                        endings.forEach(other -> other.cancel(true));
                        throw new StatesError(failed.error(), failed.cause());
                    }
                    case Ending.Stopped s -> throw new InterruptedException("stopped");
                    case Ending.Suspended s -> throw new IllegalStateException("Definitions refuses .waitForTaskToken inside a branch");
                }
            }
            return out;
        }
    }
}
