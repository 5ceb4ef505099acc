package dev.nubo.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nubo.model.UserError;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DefinitionsTest {

    /** A one-state machine around {@code state} (a JSON object, single quotes for double). */
    static String one(String state) {
        return ("{'StartAt':'A','States':{'A':" + state + ",'Done':{'Type':'Succeed'}}}").replace('\'', '"');
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                Arguments.of(one("{'Type':'Task','Resource':'nubo:charge','End':true,'Retry':[{'ErrorEquals':[]}]}"),
                        "state \"A\": Retry[0].ErrorEquals must not be empty: list the error names it handles, or States.ALL"),
                Arguments.of(one("{'Type':'Task','Resource':'nubo:charge','End':true,'Retry':[{'ErrorEquals':['States.ALL'],'BackoffRate':0.5}]}"),
                        "state \"A\": Retry[0].BackoffRate must be at least 1.0, not 0.5"),
                Arguments.of(one("{'Type':'Task','Resource':'nubo:x','End':true,'Retry':[{'ErrorEquals':['States.ALL','Boom']}]}"),
                        "state \"A\": Retry[0].ErrorEquals States.ALL must be alone in the last entry"),
                Arguments.of(one("{'Type':'Task','Resource':'nubo:x','End':true,'Catch':[{'ErrorEquals':['States.ALL']}]}"),
                        "state \"A\": Catch[0].Next is missing: name the state that handles the error"),
                Arguments.of(one("{'Type':'Task','Resource':'http://x','End':true}"),
                        "state \"A\": Resource \"http://x\" is not something Nubo can call: use nubo:SERVICE, "
                                + "arn:aws:lambda:REGION:ACCOUNT:function:SERVICE or arn:aws:states:::lambda:invoke"),
                Arguments.of(one("{'Type':'Pass','Next':'Nowhere'}"),
                        "state \"A\": Next \"Nowhere\" names no state of this state machine; its states are"),
                Arguments.of(one("{'Type':'Pass'}"), "state \"A\": End is missing: give Next (a state) or End: true"),
                Arguments.of(one("{'Type':'Pass','Next':'Done','End':true}"), "state \"A\": Next must not be given with End: true"),
                Arguments.of(one("{'Type':'Pasta','End':true}"), "state \"A\": Type \"Pasta\" is not a state type"),
                Arguments.of(one("{'Type':'Pass','End':true,'Resultpath':'$.x'}"), "state \"A\": Resultpath is not a field of a Pass state"),
                Arguments.of(one("{'Type':'Task','Resource':'nubo:x','End':true,'HeartbeatSeconds':5}"),
                        "state \"A\": HeartbeatSeconds is run by Nubo only for a task that waits for its token"),
                Arguments.of(one("{'Type':'Task','Resource':'nubo:x.waitForTaskToken','Parameters':{'t.$':'$$.Task.Token'},'End':true,"
                        + "'HeartbeatSeconds':5,'TimeoutSeconds':5}"), "state \"A\": HeartbeatSeconds must be smaller than TimeoutSeconds (5)"),
                Arguments.of(one("{'Type':'Task','Resource':'nubo:x','End':true,'HeartbeatSecondsPath':'$.h'}"),
                        "state \"A\": HeartbeatSecondsPath is run by Nubo only for a task that waits for its token"),
                Arguments.of(one("{'Type':'Task','Resource':'nubo:x','End':true,'TimeoutSeconds':5,'TimeoutSecondsPath':'$.t'}"),
                        "state \"A\": TimeoutSecondsPath must not be given with TimeoutSeconds: give one of them"),
                Arguments.of(one("{'Type':'Task','Resource':'nubo:x','End':true,'TimeoutSecondsPath':'$.t[0]'}"),
                        "state \"A\": TimeoutSecondsPath \"$.t[0]\" is not a reference path"),
                Arguments.of("{\"StartAt\":\"A\",\"TimeoutSeconds\":0,\"States\":{\"A\":{\"Type\":\"Succeed\"}}}",
                        "TimeoutSeconds of the state machine must be a whole number of seconds, at least 1, not 0"),
                Arguments.of(one("{'Type':'Pass','End':true,'InputPath':'x'}"), "state \"A\": InputPath \"x\" is not a path: a path starts with $"),
                Arguments.of(one("{'Type':'Pass','End':true,'ResultPath':'$.a[*]'}"), "state \"A\": ResultPath \"$.a[*]\" is not a reference path"),
                Arguments.of(one("{'Type':'Wait','Next':'Done'}"),
                        "state \"A\": must have exactly one of Seconds, Timestamp, SecondsPath, TimestampPath; it has []"),
                Arguments.of(one("{'Type':'Wait','Seconds':-1,'Next':'Done'}"), "state \"A\": Seconds must be a whole number of seconds, 0 or more, not -1"),
                Arguments.of(one("{'Type':'Wait','Timestamp':'tomorrow','Next':'Done'}"), "state \"A\": Timestamp must be an ISO-8601 timestamp"),
                Arguments.of(one("{'Type':'Choice','Choices':[]}"), "state \"A\": Choices must be a list of at least one rule"),
                Arguments.of(one("{'Type':'Choice','Choices':[{'Variable':'$.x','NumericEquals':'1','Next':'Done'}]}"),
                        "state \"A\": Choices[0].NumericEquals must be a number, not \"1\""),
                Arguments.of(one("{'Type':'Choice','Choices':[{'Variable':'$.x','NumberEquals':1,'Next':'Done'}]}"),
                        "state \"A\": Choices[0].NumberEquals is not a comparison operator"),
                Arguments.of(one("{'Type':'Choice','Choices':[{'And':[{'Variable':'$.x','IsPresent':'yes'}],'Next':'Done'}]}"),
                        "state \"A\": Choices[0].And[0].IsPresent must be true or false, not \"yes\""),
                Arguments.of(one("{'Type':'Choice','Choices':[{'Variable':'$.x','BooleanEquals':true}]}"),
                        "state \"A\": Choices[0].Next is missing"),
                Arguments.of(one("{'Type':'Parallel','End':true,'Branches':[{'StartAt':'B','States':{'B':{'Type':'Pass','Next':'Done'}}}]}"),
                        "state \"A\": Branches[0]: state \"B\": Next \"Done\" names no state of this state machine"),
                Arguments.of(one("{'Type':'Map','End':true,'ItemProcessor':{'ProcessorConfig':{'Mode':'DISTRIBUTED'},'StartAt':'B','States':{'B':{'Type':'Succeed'}}}}"),
                        "state \"A\": ItemProcessor.ProcessorConfig.ExecutionType is missing: a distributed Map's items run as STANDARD"),
                Arguments.of(one("{'Type':'Map','End':true,'ToleratedFailureCount':1,'ItemProcessor':{'StartAt':'B','States':{'B':{'Type':'Succeed'}}}}"),
                        "state \"A\": ToleratedFailureCount applies only to a distributed Map: give ItemProcessor.ProcessorConfig.Mode DISTRIBUTED"),
                Arguments.of(one("{'Type':'Map','End':true,'ToleratedFailurePercentage':101,'ItemProcessor':{'ProcessorConfig':{'Mode':'DISTRIBUTED',"
                        + "'ExecutionType':'STANDARD'},'StartAt':'B','States':{'B':{'Type':'Succeed'}}}}"),
                        "state \"A\": ToleratedFailurePercentage must be a number from 0 to 100, not 101"),
                Arguments.of(one("{'Type':'Map','End':true,'ItemBatcher':{'MaxItemsPerBatch':0},'ItemProcessor':{'ProcessorConfig':{'Mode':'DISTRIBUTED',"
                        + "'ExecutionType':'EXPRESS'},'StartAt':'B','States':{'B':{'Type':'Succeed'}}}}"),
                        "state \"A\": ItemBatcher.MaxItemsPerBatch must be a whole number, at least 1, not 0"),
                Arguments.of(one("{'Type':'Map','End':true,'ItemReader':{'Resource':'arn:aws:states:::s3:getObject'},'ItemProcessor':{'StartAt':'B',"
                        + "'States':{'B':{'Type':'Succeed'}}}}"), "state \"A\": ItemReader is not run by Nubo: it has no S3 to read items from"),
                Arguments.of(one("{'Type':'Pass','End':true}"), "state \"Done\" can never run"),
                Arguments.of(one("{'Type':'Task','Resource':'nubo:ask.waitForTaskToken','Next':'Done'}"),
                        "state \"A\": Parameters must pass the task token to the service, e.g. \"token.$\": \"$$.Task.Token\""),
                Arguments.of(one("{'Type':'Map','End':true,'ItemProcessor':{'StartAt':'B','States':{'B':{'Type':'Task',"
                        + "'Resource':'nubo:ask.waitForTaskToken','Parameters':{'t.$':'$$.Task.Token'},'End':true}}}}"),
                        "state \"B\": Resource ends in .waitForTaskToken, which Nubo runs only outside Parallel and Map states yet"),
                Arguments.of("{\"StartAt\":\"X\",\"States\":{\"A\":{\"Type\":\"Succeed\"}}}", "StartAt \"X\" names no state; the states are [A]"),
                Arguments.of("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Parallel\",\"End\":true,\"Branches\":[{\"StartAt\":\"A\",\"States\":"
                        + "{\"A\":{\"Type\":\"Succeed\"}}}]}}}", "state \"A\" is defined twice"),
                Arguments.of("{\"StartAt\": ", "the definition is neither JSON nor YAML"),
                Arguments.of("{\"QueryLanguage\":\"XPath\",\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Succeed\"}}}",
                        "QueryLanguage must be \"JSONata\" or \"JSONPath\", not \"XPath\""));
    }

    @ParameterizedTest
    @MethodSource("mistakes")
    void refusesAMistakeNamingTheStateAndTheField(String definition, String message) {
        assertThatThrownBy(() -> Definitions.parse(definition))
                .isInstanceOfSatisfying(UserError.class, e -> assertThat(e.httpStatus()).isEqualTo(400))
                .hasMessageContaining(message);
    }

    @Test
    void readsYamlAsWellAsJson() {
        StateMachine machine = Definitions.parse("""
                StartAt: Hello
                States:
                  Hello:
                    Type: Pass
                    Result: {greeting: hi}
                    End: true
                """);
        assertThat(machine.startAt()).isEqualTo("Hello");
        assertThat(machine.state("Hello")).isInstanceOf(State.Pass.class);
    }

    @Test
    void readsEveryTaskResourceFormIntoTheServiceItCalls() {
        assertThat(Resource.parse("nubo:charge")).contains(new Resource.Service("charge", false));
        assertThat(Resource.parse("nubo:service:charge")).contains(new Resource.Service("charge", false));
        assertThat(Resource.parse("arn:aws:lambda:us-east-1:123456789012:function:Charge_Card")).contains(new Resource.Service("charge-card", false));
        assertThat(Resource.parse("arn:aws:lambda:us-east-1:123456789012:function:charge:prod")).contains(new Resource.Service("charge", false));
        assertThat(Resource.parse("arn:aws:states:::lambda:invoke")).contains(new Resource.LambdaInvoke(false));
        assertThat(Resource.parse("arn:aws:states:::sqs:sendMessage")).isEmpty();
        assertThat(Resource.parse("nubo:approvals.waitForTaskToken")).contains(new Resource.Service("approvals", true));
        assertThat(Resource.parse("arn:aws:states:::lambda:invoke.waitForTaskToken")).contains(new Resource.LambdaInvoke(true));
    }
}
