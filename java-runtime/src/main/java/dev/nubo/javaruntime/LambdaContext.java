package dev.nubo.javaruntime;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;

/**
 * An invocation as AWS Lambda's {@code Context} describes it, mapped onto Nubo's: the request id is
 * the {@code awsRequestId}, the service is the function, its revision the version, and the instance
 * the log stream. There is no Cognito identity nor mobile client context, so those are null, as on
 * Lambda when invoked without them.
 */
record LambdaContext(InvocationContext invocation) implements Context {

    /** The account in Lambda's ARNs: Nubo has none, so zeros. */
    static final String ACCOUNT = "000000000000";

    @Override
    public String getAwsRequestId() {
        return invocation.requestId();
    }

    @Override
    public String getLogGroupName() {
        return logGroup(invocation.functionName());
    }

    static String logGroup(String service) {
        return "/nubo/" + service;
    }

    @Override
    public String getLogStreamName() {
        return invocation.lambda().instance();
    }

    @Override
    public String getFunctionName() {
        return invocation.functionName();
    }

    @Override
    public String getFunctionVersion() {
        return invocation.revision();
    }

    /** In Lambda's format, with the function's region ({@code AWS_REGION}) and zeros for the account. */
    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:" + invocation.lambda().region() + ":" + ACCOUNT + ":function:" + invocation.functionName()
                + ":" + invocation.revision();
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        return (int) Math.min(Integer.MAX_VALUE, invocation.remainingTime().toMillis());
    }

    @Override
    public int getMemoryLimitInMB() {
        return invocation.lambda().memoryMb();
    }

    @Override
    public String getXrayTraceId() {
        return invocation.lambda().traceHeader();
    }

    @Override
    public LambdaLogger getLogger() {
        return new Log(invocation.logger());
    }

    /** Lambda's logger over the invocation's log: stdout, every line tagged with the request id. */
    private record Log(RequestLog log) implements LambdaLogger {

        @Override
        public void log(String message) {
            log.log(message);
        }

        @Override
        public void log(byte[] message) {
            log.log(new String(message, StandardCharsets.UTF_8));
        }
    }
}
