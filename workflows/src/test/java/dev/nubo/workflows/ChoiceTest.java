package dev.nubo.workflows;

import static dev.nubo.workflows.Runs.json;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChoiceTest {

    /** Each row: a rule (single quotes for double), the input, and whether it matches. */
    @ParameterizedTest(name = "{0} on {1} is {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            {'Variable':'$.type','StringEquals':'Private'}                          | {'type':'Private'}        | true
            {'Variable':'$.type','StringEquals':'Private'}                          | {'type':'Public'}         | false
            {'Variable':'$.type','StringEquals':'1'}                                | {'type':1}                | false
            {'Variable':'$.a','StringLessThan':'b'}                                 | {'a':'a'}                 | true
            {'Variable':'$.a','StringGreaterThanEquals':'b'}                        | {'a':'b'}                 | true
            {'Variable':'$.a','StringLessThanEqualsPath':'$.b'}                     | {'a':'x','b':'x'}         | true
            {'Variable':'$.name','StringMatches':'log-*.txt'}                       | {'name':'log-1.txt'}      | true
            {'Variable':'$.name','StringMatches':'log-\\\\*.txt'}                   | {'name':'log-1.txt'}      | false
            {'Variable':'$.value','NumericEquals':0}                                | {'value':0.0}             | true
            {'Variable':'$.value','NumericLessThan':20}                             | {'value':19.5}            | true
            {'Variable':'$.value','NumericGreaterThan':20}                          | {'value':20}              | false
            {'Variable':'$.value','NumericGreaterThanEquals':20}                    | {'value':20}              | true
            {'Variable':'$.value','NumericLessThanEquals':20}                       | {'value':'20'}            | false
            {'Variable':'$.a','NumericGreaterThanPath':'$.b'}                       | {'a':3,'b':2}             | true
            {'Variable':'$.ok','BooleanEquals':true}                                | {'ok':true}               | true
            {'Variable':'$.ok','BooleanEqualsPath':'$.want'}                        | {'ok':true,'want':false}  | false
            {'Variable':'$.t','TimestampEquals':'2026-01-01T00:00:00Z'}             | {'t':'2026-01-01T01:00:00+01:00'} | true
            {'Variable':'$.t','TimestampLessThan':'2026-01-01T00:00:00Z'}           | {'t':'2025-12-31T23:59:59Z'} | true
            {'Variable':'$.t','TimestampGreaterThanPath':'$.u'}                     | {'t':'2026-01-02T00:00:00Z','u':'2026-01-01T00:00:00Z'} | true
            {'Variable':'$.t','TimestampGreaterThanEquals':'2026-01-01T00:00:00Z'}  | {'t':'not a time'}        | false
            {'Variable':'$.x','IsPresent':true}                                     | {'x':null}                | true
            {'Variable':'$.x','IsPresent':false}                                    | {'y':1}                   | true
            {'Variable':'$.x','IsNull':true}                                        | {'x':null}                | true
            {'Variable':'$.x','IsNumeric':true}                                     | {'x':'1'}                 | false
            {'Variable':'$.x','IsString':true}                                      | {'x':'1'}                 | true
            {'Variable':'$.x','IsBoolean':false}                                    | {'x':false}               | false
            {'Variable':'$.x','IsTimestamp':true}                                   | {'x':'2026-12-03T10:00:00Z'} | true
            {'And':[{'Variable':'$.v','NumericGreaterThanEquals':20},{'Variable':'$.v','NumericLessThan':30}]} | {'v':25} | true
            {'And':[{'Variable':'$.v','NumericGreaterThanEquals':20},{'Variable':'$.v','NumericLessThan':30}]} | {'v':30} | false
            {'Or':[{'Variable':'$.v','NumericEquals':1},{'Variable':'$.v','NumericEquals':2}]}                 | {'v':2}  | true
            {'Not':{'Variable':'$.type','StringEquals':'Private'}}                  | {'type':'Public'}         | true
            {'Variable':'$$.Execution.Name','StringEquals':'exec-1'}                | {}                        | true
            """)
    void comparesAsTheSpecificationSays(String rule, String input, boolean matches) throws Exception {
        String definition = ("{'StartAt':'C','States':{'C':{'Type':'Choice','Choices':[" + rule.replace("'Variable'", "'Next':'Yes','Variable'")
                .replaceFirst("^\\{'(And|Or|Not)'", "{'Next':'Yes','$1'") + "],'Default':'No'},"
                + "'Yes':{'Type':'Pass','Result':'yes','End':true},'No':{'Type':'Pass','Result':'no','End':true}}}").replace('\'', '"');
        assertThat(new Runs(call -> json("{}")).output(definition, input).asText()).isEqualTo(matches ? "yes" : "no");
    }
}
