package dev.nubo.workflows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One state of a state machine, by type, as {@link Definitions} parsed and validated it. {@code next}
 * is empty where the state ends the machine ({@code End}, Succeed, Fail) or chooses (Choice).
 */
sealed interface State {

    String name();

    Io io();

    /**
     * The data fields every state may have (each only where the language allows it). An empty path is
     * JSON null: an empty object for {@code InputPath}/{@code OutputPath}, the input unchanged for {@code ResultPath}.
     */
    record Io(Optional<String> inputPath, Optional<JsonNode> parameters, Optional<JsonNode> resultSelector,
            Optional<String> resultPath, Optional<String> outputPath, Optional<Query> query) {
        static final Io DEFAULT = new Io(Optional.of("$"), Optional.empty(), Optional.empty(), Optional.of("$"), Optional.of("$"));

        /** A JSONPath state's fields. */
        Io(Optional<String> inputPath, Optional<JsonNode> parameters, Optional<JsonNode> resultSelector, Optional<String> resultPath,
           Optional<String> outputPath) {
            this(inputPath, parameters, resultSelector, resultPath, outputPath, Optional.empty());
        }

        /** A JSONata state's fields (its paths are the identity). */
        static Io jsonata(Query query) {
            return new Io(Optional.of("$"), Optional.empty(), Optional.empty(), Optional.of("$"), Optional.of("$"), Optional.of(query));
        }
    }

    /**
     * The data fields of a state in JSONata ({@code QueryLanguage: JSONata}): templates whose
     * {@code {% %}} strings are evaluated ({@link Queries}). {@code Arguments} is what a Task sends,
     * {@code Output} what the state passes on (by default a Task's result, else its input), {@code Assign}
     * the variables it sets for the states after it.
     */
    record Query(Optional<JsonNode> arguments, Optional<JsonNode> output, Optional<JsonNode> assign) {}

    /** Retry and Catch, on the states that do work: Task, Parallel and Map. */
    record Recovery(List<Retrier> retry, List<Catcher> catchers) {}

    record Pass(String name, Io io, Optional<JsonNode> result, Optional<String> next) implements State {}

    /** {@code timeoutSecondsPath} and {@code heartbeatSecondsPath}, when given, read the seconds from the state's input instead. */
    record Task(String name, Io io, Resource resource, OptionalInt timeoutSeconds, OptionalInt heartbeatSeconds, Recovery recovery,
                Optional<String> next, Optional<String> timeoutSecondsPath, Optional<String> heartbeatSecondsPath)
            implements State {

        Task(String name, Io io, Resource resource, OptionalInt timeoutSeconds, OptionalInt heartbeatSeconds, Recovery recovery,
             Optional<String> next) {
            this(name, io, resource, timeoutSeconds, heartbeatSeconds, recovery, next, Optional.empty(), Optional.empty());
        }

        /** The call's timeout for a state entered with {@code input}: TimeoutSeconds, or what TimeoutSecondsPath selects. */
        OptionalInt timeout(JsonNode input) {
            OptionalInt fromPath = seconds(timeoutSecondsPath, "TimeoutSecondsPath", input);
            return fromPath.isPresent() ? fromPath : timeoutSeconds;
        }

        /** The heartbeat interval for a state entered with {@code input}: HeartbeatSeconds, or what HeartbeatSecondsPath selects. */
        OptionalInt heartbeat(JsonNode input) {
            OptionalInt fromPath = seconds(heartbeatSecondsPath, "HeartbeatSecondsPath", input);
            return fromPath.isPresent() ? fromPath : heartbeatSeconds;
        }

        private OptionalInt seconds(Optional<String> path, String field, JsonNode input) {
            if (path.isEmpty()) {
                return OptionalInt.empty();
            }
            JsonNode v = Paths.read(input, path.get(), com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode());
            if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1) {
                throw StatesError.runtime("state \"" + name + "\": " + field + " must select a whole number of seconds, at least 1, not " + v);
            }
            return OptionalInt.of(v.asInt());
        }
    }

    record Choice(String name, Io io, List<Condition.Branch> choices, Optional<String> defaultNext) implements State {}

    /** {@code how} is the field that says how long: Seconds, Timestamp, SecondsPath or TimestampPath. */
    record Wait(String name, Io io, String how, JsonNode value, Optional<String> next) implements State {}

    record Succeed(String name, Io io) implements State {}

    record Fail(String name, Io io, Optional<String> error, Optional<String> cause, Optional<String> errorPath,
            Optional<String> causePath) implements State {}

    record Parallel(String name, Io io, List<StateMachine> branches, Recovery recovery, Optional<String> next) implements State {}

    /**
     * {@code maxConcurrency} 0 is no limit; {@code distributed}, for {@code ProcessorConfig.Mode: DISTRIBUTED},
     * runs each item (or batch) as a child execution ({@link DistributedMap}).
     */
    record MapState(String name, Io io, String itemsPath, Optional<JsonNode> itemSelector, StateMachine processor,
            int maxConcurrency, Recovery recovery, Optional<String> next, Optional<Distributed> distributed) implements State {

        MapState(String name, Io io, String itemsPath, Optional<JsonNode> itemSelector, StateMachine processor, int maxConcurrency,
                 Recovery recovery, Optional<String> next) {
            this(name, io, itemsPath, itemSelector, processor, maxConcurrency, recovery, next, Optional.empty());
        }
    }

    /**
     * A distributed Map's own fields: whether its children are express (in memory) or standard (recorded)
     * executions, how many failed items it tolerates (as a count and as a percentage of all items, -1
     * where not given; with neither, none), and, with {@code ItemBatcher}, how many items go to one child ({@code batchSize} 0: one
     * item each, not wrapped) with what {@code BatchInput}.
     */
    record Distributed(boolean express, int toleratedCount, double toleratedPercentage, int batchSize, Optional<JsonNode> batchInput) {}
}
