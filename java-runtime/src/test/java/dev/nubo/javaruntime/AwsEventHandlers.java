package dev.nubo.javaruntime;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.CloudFrontEvent;
import com.amazonaws.services.lambda.runtime.events.CodeCommitEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.SNSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Lambda handlers taking aws-lambda-java-events types, for {@link AwsEventsCompatibilityTest}. They
 * are loaded from a copy of the test classes whose {@code lib/} holds aws-lambda-java-events and
 * Joda-Time, as a function's jar bundles them, so the event classes are the function's own.
 */
public final class AwsEventHandlers {

    private AwsEventHandlers() {}

    /** Hands the event back: what Lambda's runtime made of the JSON, written as it writes results. */
    public abstract static class Echo<T> implements RequestHandler<T, T> {
        @Override
        public T handleRequest(T event, Context context) {
            return event;
        }
    }

    public static final class CloudFormationCustomResourceEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.CloudFormationCustomResourceEvent> {}
    public static final class CloudWatchLogsEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.CloudWatchLogsEvent> {}
    public static final class CodeCommitEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.CodeCommitEvent> {}
    public static final class ConfigEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.ConfigEvent> {}
    public static final class DynamodbEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.DynamodbEvent> {}
    public static final class KinesisEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.KinesisEvent> {}
    public static final class KinesisFirehoseEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.KinesisFirehoseEvent> {}
    public static final class LambdaDestinationEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.LambdaDestinationEvent> {}
    public static final class ScheduledEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.ScheduledEvent> {}
    public static final class SecretsManagerRotationEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.SecretsManagerRotationEvent> {}
    public static final class SNSEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.SNSEvent> {}
    public static final class LexEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.LexEvent> {}
    public static final class ConnectEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.ConnectEvent> {}
    public static final class SQSEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.SQSEvent> {}
    public static final class APIGatewayProxyRequestEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent> {}
    public static final class CloudFrontEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.CloudFrontEvent> {}
    public static final class S3EventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.S3Event> {}
    public static final class S3EventNotificationEcho extends Echo<com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification> {}
    public static final class APIGatewayV2HTTPEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent> {}
    public static final class APIGatewayCustomAuthorizerEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent> {}
    public static final class ApplicationLoadBalancerRequestEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.ApplicationLoadBalancerRequestEvent> {}
    public static final class CloudWatchCompositeAlarmEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.CloudWatchCompositeAlarmEvent> {}
    public static final class CloudWatchMetricAlarmEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.CloudWatchMetricAlarmEvent> {}
    public static final class CognitoUserPoolPreTokenGenerationEventV2Echo extends Echo<com.amazonaws.services.lambda.runtime.events.CognitoUserPoolPreTokenGenerationEventV2> {}
    public static final class KafkaEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.KafkaEvent> {}
    public static final class MSKFirehoseEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.MSKFirehoseEvent> {}
    public static final class RabbitMQEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.RabbitMQEvent> {}
    public static final class S3BatchEventV2Echo extends Echo<com.amazonaws.services.lambda.runtime.events.S3BatchEventV2> {}
    public static final class IoTButtonEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.IoTButtonEvent> {}
    public static final class CognitoEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.CognitoEvent> {}
    public static final class DynamodbTimeWindowEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.DynamodbTimeWindowEvent> {}
    public static final class KinesisTimeWindowEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.KinesisTimeWindowEvent> {}
    public static final class APIGatewayProxyResponseEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent> {}
    public static final class APIGatewayV2HTTPResponseEcho extends Echo<com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse> {}
    public static final class APIGatewayV2WebSocketResponseEcho extends Echo<com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse> {}
    public static final class APIGatewayV2ProxyResponseEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.APIGatewayV2ProxyResponseEvent> {}
    public static final class ApplicationLoadBalancerResponseEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.ApplicationLoadBalancerResponseEvent> {}
    public static final class S3BatchResponseEcho extends Echo<com.amazonaws.services.lambda.runtime.events.S3BatchResponse> {}
    public static final class SQSBatchResponseEcho extends Echo<com.amazonaws.services.lambda.runtime.events.SQSBatchResponse> {}
    public static final class SimpleIAMPolicyResponseEcho extends Echo<com.amazonaws.services.lambda.runtime.events.SimpleIAMPolicyResponse> {}
    public static final class MSKFirehoseResponseEcho extends Echo<com.amazonaws.services.lambda.runtime.events.MSKFirehoseResponse> {}
    public static final class S3BatchEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.S3BatchEvent> {}
    public static final class AppSyncLambdaAuthorizerEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.AppSyncLambdaAuthorizerEvent> {}
    public static final class AppSyncLambdaAuthorizerResponseEcho extends Echo<com.amazonaws.services.lambda.runtime.events.AppSyncLambdaAuthorizerResponse> {}
    public static final class TimeWindowEventResponseEcho extends Echo<com.amazonaws.services.lambda.runtime.events.TimeWindowEventResponse> {}
    public static final class CognitoUserPoolPreSignUpEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.CognitoUserPoolPreSignUpEvent> {}
    public static final class CognitoUserPoolPostConfirmationEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.CognitoUserPoolPostConfirmationEvent> {}
    public static final class CognitoUserPoolPreAuthenticationEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.CognitoUserPoolPreAuthenticationEvent> {}
    public static final class CognitoUserPoolPostAuthenticationEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.CognitoUserPoolPostAuthenticationEvent> {}
    public static final class CognitoUserPoolDefineAuthChallengeEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.CognitoUserPoolDefineAuthChallengeEvent> {}
    public static final class CognitoUserPoolCreateAuthChallengeEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.CognitoUserPoolCreateAuthChallengeEvent> {}
    public static final class CognitoUserPoolVerifyAuthChallengeResponseEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.CognitoUserPoolVerifyAuthChallengeResponseEvent> {}
    public static final class CognitoUserPoolMigrateUserEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.CognitoUserPoolMigrateUserEvent> {}
    public static final class CognitoUserPoolCustomMessageEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.CognitoUserPoolCustomMessageEvent> {}
    public static final class CognitoUserPoolPreTokenGenerationEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.CognitoUserPoolPreTokenGenerationEvent> {}
    public static final class KinesisAnalyticsFirehoseInputPreprocessingEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.KinesisAnalyticsFirehoseInputPreprocessingEvent> {}
    public static final class KinesisAnalyticsStreamsInputPreprocessingEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.KinesisAnalyticsStreamsInputPreprocessingEvent> {}
    public static final class KinesisAnalyticsInputPreprocessingResponseEcho extends Echo<com.amazonaws.services.lambda.runtime.events.KinesisAnalyticsInputPreprocessingResponse> {}
    public static final class KinesisAnalyticsOutputDeliveryEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.KinesisAnalyticsOutputDeliveryEvent> {}
    public static final class KinesisAnalyticsOutputDeliveryResponseEcho extends Echo<com.amazonaws.services.lambda.runtime.events.KinesisAnalyticsOutputDeliveryResponse> {}
    public static final class APIGatewayV2WebSocketEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent> {}
    public static final class APIGatewayV2ProxyRequestEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.APIGatewayV2ProxyRequestEvent> {}
    public static final class APIGatewayV2CustomAuthorizerEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent> {}
    public static final class ActiveMQEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.ActiveMQEvent> {}
    public static final class S3ObjectLambdaEventEcho extends Echo<com.amazonaws.services.lambda.runtime.events.S3ObjectLambdaEvent> {}
    /*
     * Handlers in the manner of AWS's java-events sample application: they reach into the records,
     * which throws when the event was decoded with the wrong names (Records, Sns, NewImage...).
     */

    public static final class SqsBodies implements RequestHandler<SQSEvent, List<String>> {
        @Override
        public List<String> handleRequest(SQSEvent event, Context context) {
            return event.getRecords().stream().map(m -> m.getMessageId() + ":" + m.getAttributes().get("SenderId")).toList();
        }
    }

    public static final class S3Objects implements RequestHandler<S3Event, String> {
        @Override
        public String handleRequest(S3Event event, Context context) {
            var s3 = event.getRecords().get(0).getS3();
            return s3.getBucket().getName() + "/" + s3.getObject().getUrlDecodedKey() + " at " + event.getRecords().get(0).getEventTime();
        }
    }

    public static final class DynamoImages implements RequestHandler<DynamodbEvent, List<String>> {
        @Override
        public List<String> handleRequest(DynamodbEvent event, Context context) {
            return event.getRecords().stream().map(r -> r.getEventName() + " " + r.getDynamodb().getKeys().get("Id").getN()
                    + " at " + r.getDynamodb().getApproximateCreationDateTime().toInstant()).toList();
        }
    }

    public static final class KinesisData implements RequestHandler<KinesisEvent, List<String>> {
        @Override
        public List<String> handleRequest(KinesisEvent event, Context context) {
            return event.getRecords().stream().map(r -> StandardCharsets.UTF_8.decode(r.getKinesis().getData()).toString()
                    + " at " + r.getKinesis().getApproximateArrivalTimestamp().toInstant()).toList();
        }
    }

    public static final class ScheduledTime implements RequestHandler<ScheduledEvent, String> {
        @Override
        public String handleRequest(ScheduledEvent event, Context context) {
            return event.getDetailType() + " " + event.getTime().getMillis() + " " + event.getResources();
        }
    }

    public static final class SnsMessages implements RequestHandler<SNSEvent, List<String>> {
        @Override
        public List<String> handleRequest(SNSEvent event, Context context) {
            return event.getRecords().stream().map(r -> r.getSNS().getSubject() + " at " + r.getSNS().getTimestamp().getMillis()).toList();
        }
    }

    public static final class CodeCommitRefs implements RequestHandler<CodeCommitEvent, String> {
        @Override
        public String handleRequest(CodeCommitEvent event, Context context) {
            return event.getRecords().get(0).getCodeCommit().getReferences().get(0).getRef();
        }
    }

    public static final class CloudFrontUris implements RequestHandler<CloudFrontEvent, String> {
        @Override
        public String handleRequest(CloudFrontEvent event, Context context) {
            var request = event.getRecords().get(0).getCf().getRequest();
            return request.getMethod() + " " + request.getUri() + " " + request.getHeaders().get("host").get(0).getValue();
        }
    }

    /** An HTTP API handler, as written for API Gateway or a function URL. */
    public static final class HttpApi implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
        @Override
        public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
            var http = event.getRequestContext().getHttp();
            return APIGatewayV2HTTPResponse.builder().withStatusCode(201)
                    .withHeaders(Map.of("Content-Type", "text/plain", "X-Path", event.getRawPath()))
                    .withCookies(List.of("session=abc; Path=/", "theme=dark"))
                    .withBody(http.getMethod() + " " + event.getRawPath() + "?" + event.getRawQueryString() + " "
                            + event.getQueryStringParameters() + " " + event.getCookies() + " "
                            + event.getHeaders().get("x-custom") + " " + event.getBody())
                    .build();
        }
    }
}
