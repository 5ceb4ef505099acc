package dev.nubo.workflows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.Set;

/**
 * The fields of a Map state that only a distributed Map has ({@code ItemProcessor.ProcessorConfig},
 * {@code ToleratedFailure…}, {@code ItemBatcher}), read and checked with messages naming the state
 * and the field; {@code ItemReader} and {@code ResultWriter}, which read from and write to S3, are
 * refused by name: the items come from the input and the results go to the Map's output.
 */
final class DistributedFields {

    private static final Set<String> ONLY_DISTRIBUTED = Set.of("ToleratedFailureCount", "ToleratedFailurePercentage", "ItemBatcher");

    private DistributedFields() {}

    /** The distributed Map's fields, or empty for an inline Map (which must then have none of them). */
    static Optional<State.Distributed> read(StateFields f, String processorField, JsonNode processor) {
        for (String field : Set.of("ItemReader", "ResultWriter")) {
            if (f.node.has(field)) {
                throw f.error(field, "is not run by Nubo: it has no S3 to " + (field.equals("ItemReader") ? "read items from; give the items"
                        + " in the state's input and select them with ItemsPath" : "write results to; the results are the Map's output"));
            }
        }
        JsonNode config = processor.path("ProcessorConfig");
        String at = processorField + ".ProcessorConfig.";
        String mode = config.path("Mode").asText("INLINE");
        if (!Set.of("INLINE", "DISTRIBUTED").contains(mode)) {
            throw f.error(at + "Mode", "must be INLINE or DISTRIBUTED, not " + config.get("Mode"));
        }
        if (mode.equals("INLINE")) {
            for (String field : ONLY_DISTRIBUTED) {
                if (f.node.has(field)) {
                    throw f.error(field, "applies only to a distributed Map: give " + at + "Mode DISTRIBUTED");
                }
            }
            return Optional.empty();
        }
        String type = config.path("ExecutionType").asText("");
        if (!Set.of("STANDARD", "EXPRESS").contains(type)) {
            throw f.error(at + "ExecutionType", config.has("ExecutionType") ? "must be STANDARD or EXPRESS, not " + config.get("ExecutionType")
                    : "is missing: a distributed Map's items run as STANDARD (recorded) or EXPRESS (in memory) child executions");
        }
        int count = -1; // not given
        if (f.node.has("ToleratedFailureCount")) {
            JsonNode v = f.node.get("ToleratedFailureCount");
            if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 0) {
                throw f.error("ToleratedFailureCount", "must be a whole number, 0 or more, not " + v);
            }
            count = v.asInt();
        }
        double percentage = -1;
        if (f.node.has("ToleratedFailurePercentage")) {
            JsonNode v = f.node.get("ToleratedFailurePercentage");
            if (!v.isNumber() || v.asDouble() < 0 || v.asDouble() > 100) {
                throw f.error("ToleratedFailurePercentage", "must be a number from 0 to 100, not " + v);
            }
            percentage = v.asDouble();
        }
        int batchSize = 0;
        Optional<JsonNode> batchInput = Optional.empty();
        if (f.node.has("ItemBatcher")) {
            JsonNode batcher = f.node.get("ItemBatcher");
            for (String field : (Iterable<String>) batcher::fieldNames) {
                if (!Set.of("MaxItemsPerBatch", "BatchInput").contains(field)) {
                    throw f.error("ItemBatcher." + field, "is not run by Nubo: batches are bounded by MaxItemsPerBatch only");
                }
            }
            JsonNode max = batcher.path("MaxItemsPerBatch");
            if (!max.isIntegralNumber() || !max.canConvertToInt() || max.asInt() < 1) {
                throw f.error("ItemBatcher.MaxItemsPerBatch", "must be a whole number, at least 1, not " + (max.isMissingNode() ? "missing" : max));
            }
            batchSize = max.asInt();
            if (batcher.has("BatchInput") && !batcher.get("BatchInput").isObject()) {
                throw f.error("ItemBatcher.BatchInput", "must be an object (added to each batch's input beside Items), not " + batcher.get("BatchInput"));
            }
            batchInput = Optional.ofNullable(batcher.get("BatchInput"));
        }
        return Optional.of(new State.Distributed(type.equals("EXPRESS"), count, percentage, batchSize, batchInput));
    }
}
