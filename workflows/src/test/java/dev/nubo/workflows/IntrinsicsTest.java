package dev.nubo.workflows;

import static dev.nubo.workflows.Runs.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Every intrinsic function, with the examples of the Step Functions developer guide where it has one. */
class IntrinsicsTest {

    static final JsonNode INPUT = json("""
            {'list': [1, 2, 3], 'dups': [1, 2, 2, 3, 1], 'o': {'a': 1}, 's': 'S', 'data': 'input data',
             'left': {'a': {'x': 1}, 'b': 2}, 'right': {'a': {'y': 1}, 'c': 3}}""");

    static {
        ((com.fasterxml.jackson.databind.node.ObjectNode) INPUT).put("s", "{\"b\": [true]}");
    }

    static Stream<Arguments> calls() {
        return Stream.of(
                Arguments.of("States.Format('{} and {}', 'a', 2)", "\"a and 2\""),
                Arguments.of("States.StringToJson($.s)", "{\"b\":[true]}"),
                Arguments.of("States.JsonToString($.o)", "\"{\\\"a\\\":1}\""),
                Arguments.of("States.Array(1, 'two', $.o)", "[1,\"two\",{\"a\":1}]"),
                Arguments.of("States.ArrayLength($.list)", "3"),
                Arguments.of("States.ArrayContains($.list, 2)", "true"),
                Arguments.of("States.ArrayContains($.list, 7)", "false"),
                Arguments.of("States.ArrayGetItem($.list, 1)", "2"),
                Arguments.of("States.ArrayRange(1, 9, 2)", "[1,3,5,7,9]"),
                Arguments.of("States.ArrayPartition($.list, 2)", "[[1,2],[3]]"),
                Arguments.of("States.ArrayUnique($.dups)", "[1,2,3]"),
                Arguments.of("States.Base64Encode('Data to encode')", "\"RGF0YSB0byBlbmNvZGU=\""),
                Arguments.of("States.Base64Decode('RGF0YSB0byBlbmNvZGU=')", "\"Data to encode\""),
                Arguments.of("States.Hash($.data, 'SHA-1')", "\"aaff4a450a104cd177d28d18d74485e8cae074b7\""),
                Arguments.of("States.JsonMerge($.left, $.right, false)", "{\"a\":{\"y\":1},\"b\":2,\"c\":3}"),
                Arguments.of("States.MathAdd(111, -1)", "110"),
                Arguments.of("States.StringSplit('1,2,3,4,5', ',')", "[\"1\",\"2\",\"3\",\"4\",\"5\"]"));
    }

    @ParameterizedTest
    @MethodSource("calls")
    void evaluatesEachIntrinsicAsTheDeveloperGuideShows(String call, String expected) {
        assertThat(Intrinsics.evaluate(call, INPUT, json("{}")).toString()).isEqualTo(expected);
    }

    @Test
    void mathRandomStaysInItsRangeAndUuidIsAVersion4Uuid() {
        for (int i = 0; i < 100; i++) {
            assertThat(Intrinsics.evaluate("States.MathRandom(1, 5)", INPUT, json("{}")).asInt()).isBetween(1, 5);
        }
        assertThat(Intrinsics.evaluate("States.UUID()", INPUT, json("{}")).asText())
                .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    }
}
