package dev.nubo.workflows;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a Task's {@code Resource} names, of the forms Nubo runs: a Nubo service ({@code nubo:NAME} or
 * {@code nubo:service:NAME}), a Lambda function ARN ({@code arn:aws:lambda:REGION:ACCOUNT:function:NAME}),
 * whose NAME is the Nubo service called, and the Lambda integration
 * {@code arn:aws:states:::lambda:invoke}, whose Parameters carry {@code FunctionName} and {@code Payload}
 * and whose result is Lambda's ({@code StatusCode}, {@code Payload}). Any of them may end in
 * {@code .waitForTaskToken}: the call hands the service {@code $$.Task.Token}, and the task's result is
 * what is later sent back with that token ({@code nubo workflow task-success|task-failure}).
 */
sealed interface Resource {

    /** Whether the result comes back later with the task token, rather than as the call's answer. */
    boolean waitForToken();

    /** Calls the service with the state's effective input as the body; the answer is the result. */
    record Service(String name, boolean waitForToken) implements Resource {}

    /** {@code arn:aws:states:::lambda:invoke}: the function is named by the input's {@code FunctionName}. */
    record LambdaInvoke(boolean waitForToken) implements Resource {}

    /** {@code arn:aws:states:::states:startExecution[.sync[:2]]}: another workflow's execution ({@link Children}). */
    record StartExecution(boolean sync, boolean version2, boolean waitForToken) implements Resource {}

    /** {@code arn:aws:states:::events:putEvents}: events into Nubo brokers ({@link PutEvents}). */
    record PutEvents(boolean waitForToken) implements Resource {}

    /** {@code arn:aws:states:::http:invoke}: an HTTP call of any URL, described by the input ({@link HttpInvoke}). */
    record Http() implements Resource {
        @Override
        public boolean waitForToken() {
            return false;
        }
    }

    String WAIT_FOR_TOKEN = ".waitForTaskToken";

    Pattern LAMBDA_ARN = Pattern.compile("arn:aws:lambda:[^:]*:[^:]*:function:([A-Za-z0-9_-]+)(:[A-Za-z0-9$_-]+)?");
    Pattern NUBO = Pattern.compile("nubo:(?:service:)?([a-z0-9]([a-z0-9-]*[a-z0-9])?)");

    static Optional<Resource> parse(String text) {
        boolean wait = text.endsWith(WAIT_FOR_TOKEN);
        String resource = wait ? text.substring(0, text.length() - WAIT_FOR_TOKEN.length()) : text;
        if (text.equals("arn:aws:states:::http:invoke")) {
            return Optional.of(new Http());
        }
        if (resource.equals("arn:aws:states:::events:putEvents")) {
            return Optional.of(new PutEvents(wait));
        }
        if (resource.startsWith("arn:aws:states:::states:startExecution")) {
            String mode = resource.substring("arn:aws:states:::states:startExecution".length());
            return switch (mode) {
                case "" -> Optional.of(new StartExecution(false, false, wait));
                case ".sync" -> wait ? Optional.empty() : Optional.of(new StartExecution(true, false, false));
                case ".sync:2" -> wait ? Optional.empty() : Optional.of(new StartExecution(true, true, false));
                default -> Optional.empty();
            };
        }
        if (resource.equals("arn:aws:states:::lambda:invoke")) {
            return Optional.of(new LambdaInvoke(wait));
        }
        Matcher nubo = NUBO.matcher(resource);
        if (nubo.matches()) {
            return Optional.of(new Service(nubo.group(1), wait));
        }
        Matcher arn = LAMBDA_ARN.matcher(resource);
        if (arn.matches()) {
            return Optional.of(new Service(serviceName(arn.group(1)), wait));
        }
        return Optional.empty();
    }

    /** A Lambda function's name as the Nubo service it means: Nubo's names are lower case, with hyphens. */
    static String serviceName(String function) {
        return function.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
