package dev.nubo.workflows;

import static dev.nubo.workflows.Runs.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nubo.model.UserError;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Definitions in JSONata: Arguments, Output, Assign and variables, Conditions, evaluated by com.dashjoin:jsonata. */
class JsonataTest {

    static final String ORDER = """
            {"QueryLanguage": "JSONata", "StartAt": "Start", "States": {
              "Start": {"Type": "Pass", "Assign": {"customer": "{% $states.input.customer %}", "items": "{% $count($states.input.lines) %}"},
                        "Next": "Price"},
              "Price": {"Type": "Task", "Resource": "nubo:prices",
                        "Arguments": {"skus": "{% $states.input.lines.sku %}", "execution": "{% $states.context.Execution.Id %}"},
                        "Assign": {"total": "{% $sum($states.result.prices) %}"},
                        "Output": {"order": "{% $states.input.id %}", "prices": "{% $states.result.prices %}"}, "Next": "Big?"},
              "Big?": {"Type": "Choice", "Choices": [{"Condition": "{% $total > 100 %}", "Next": "Review"}], "Default": "Done"},
              "Review": {"Type": "Fail", "Error": "Order.TooBig", "Cause": "{% 'order of ' & $customer & ' costs ' & $total %}"},
              "Done": {"Type": "Succeed", "Output": {"order": "{% $states.input.order %}", "customer": "{% $customer %}",
                                                     "items": "{% $items %}", "total": "{% $total %}"}}}}""";

    @Test
    void passesArgumentsToATaskAndCarriesAssignedVariablesToTheStatesAfterIt() throws Exception {
        Runs runs = new Runs(call -> json("{'prices': [10, 20.5]}"));

        assertThat(runs.output(ORDER, "{'id': 'o-1', 'customer': 'ada', 'lines': [{'sku': 'a'}, {'sku': 'b'}]}"))
                .isEqualTo(json("{'order': 'o-1', 'customer': 'ada', 'items': 2, 'total': 30.5}"));
        assertThat(runs.calls.getFirst().input()).isEqualTo(json("{'skus': ['a', 'b'], 'execution': 'wf:exec-1'}"));
    }

    @Test
    void aConditionOnAVariableChoosesAndAFailStatesCauseIsAnExpression() throws Exception {
        Runs runs = new Runs(call -> json("{'prices': [99, 2]}"));

        assertThat(runs.run(ORDER, "{'id': 'o-2', 'customer': 'bob', 'lines': [{'sku': 'a'}]}"))
                .isEqualTo(new Journal.Ending.Failed("Order.TooBig", "order of bob costs 101"));
    }

    @Test
    void anExpressionThatFailsWhileRunningIsAQueryEvaluationErrorThatCatchHandles() throws Exception {
        Runs runs = new Runs(call -> json("{'prices': 'free'}"));
        String caught = ORDER.replace("\"Next\": \"Big?\"},", "\"Next\": \"Big?\", \"Catch\": [{\"ErrorEquals\": [\"States.QueryEvaluationError\"],"
                + " \"Next\": \"Oops\"}]}, \"Oops\": {\"Type\": \"Pass\", \"End\": true},");

        assertThat(runs.output(caught, "{'id': 'o-3', 'customer': 'cy', 'lines': []}").path("Error").asText())
                .isEqualTo("States.QueryEvaluationError");
    }

    @Test
    void refusesABadExpressionAndJsonPathFieldsInAJsonataStateNamingTheStateAndField() {
        assertThatThrownBy(() -> Definitions.parse(ORDER.replace("{% $count($states.input.lines) %}", "{% $count($states.input. %}")))
                .isInstanceOfSatisfying(UserError.class, e -> assertThat(e.httpStatus()).isEqualTo(400))
                .hasMessageStartingWith("state \"Start\": Assign {% $count($states.input. %} is not a JSONata expression: ");
        assertThatThrownBy(() -> Definitions.parse(ORDER.replace("\"Type\": \"Pass\", \"Assign\"", "\"Type\": \"Pass\", \"InputPath\": \"$.a\", \"Assign\"")))
                .hasMessage("state \"Start\": InputPath is not a field of a Pass state in JSONata (it is JSONPath; the state has QueryLanguage JSONata)");
        assertThatThrownBy(() -> Definitions.parse(ORDER.replace("{\"Condition\": \"{% $total > 100 %}\"", "{\"Variable\": \"$.total\"")))
                .hasMessage("state \"Big?\": Choices[0].Variable is not a field of a JSONata choice rule: it has Condition and Next");
        assertThatThrownBy(() -> Definitions.parse(ORDER.replace("\"customer\": \"{% $states.input.customer %}\"", "\"2x\": 1")))
                .hasMessageStartingWith("state \"Start\": Assign.2x is not a variable name");
        assertThatThrownBy(() -> Definitions.parse("{\"QueryLanguage\": \"JSONata\", \"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Parallel\","
                + " \"Branches\": [], \"End\": true}}}"))
                .hasMessage("state \"P\": QueryLanguage JSONata is not run by Nubo on a Parallel state yet (docs/WORKFLOWS.md):"
                        + " give the state QueryLanguage: JSONPath");
    }

    @Test
    void aStateMayChooseJsonataInAJsonPathDefinitionAndVariablesAreRecordedWithTheCursor() throws Exception {
        Runs runs = new Runs(call -> json("{}"));
        assertThat(runs.output("""
                {"StartAt": "Old", "States": {
                  "Old": {"Type": "Pass", "Parameters": {"n.$": "$.n"}, "Next": "New"},
                  "New": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $states.input.n * 2 %}", "End": true}}}""", "{'n': 21}"))
                .isEqualTo(json("42"));

        Cursor c = Cursor.enter("S", json("{}"), Instant.EPOCH).assigning(json("{'total': 30.5, 'who': 'ada'}"));
        assertThat(Cursor.parse(c.json()).variables()).isEqualTo(json("{'total': 30.5, 'who': 'ada'}"));
    }
}
