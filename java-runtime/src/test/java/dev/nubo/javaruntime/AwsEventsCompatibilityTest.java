package dev.nubo.javaruntime;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.function.HttpRequest;
import dev.nubo.function.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.joda.time.DateTime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Lambda compatibility suite for Java: every event and response class of aws-lambda-java-events
 * that AWS's own tests cover, decoded from AWS's sample JSON (src/test/resources/aws-events, see its
 * README) by a handler that takes that class, and written back as Lambda writes results. The handlers
 * are loaded as a user's function is, from code whose {@code lib/} bundles aws-lambda-java-events and
 * Joda-Time: the event classes are the function's own, the serialization the host's (AWS's library).
 * A class survives when what comes out is the sample (nulls aside, which Lambda leaves out), as in
 * AWS's {@code SerializationRoundTripTest}; the three classes AWS's tests list as lossy must at least
 * decode.
 */
class AwsEventsCompatibilityTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ISO_TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T.+");
    /**
     * Values compare equal, and so do two times that are the same instant: Lambda's Joda module
     * writes {@code 2016-01-01T23:59:59.000+0000} as {@code 2016-01-01T23:59:59.000Z} (AWS's test
     * compares them the same way).
     */
    private static final Comparator<JsonNode> SAME_INSTANT = (a, b) -> {
        if (a.equals(b)) {
            return 0;
        }
        boolean times = a.isTextual() && b.isTextual() && ISO_TIME.matcher(a.textValue()).matches()
                && ISO_TIME.matcher(b.textValue()).matches();
        return times && DateTime.parse(a.textValue()).isEqual(DateTime.parse(b.textValue())) ? 0 : 1;
    };

    @TempDir
    static Path function;
    /** One function's class loader for all handlers, as in a host (AWS's serialization keeps state per process). */
    private static ClassLoader loader;

    /** The test classes as a function's code, with the function's own jars in lib/. */
    @BeforeAll
    static void packageTheFunction() throws IOException {
        Path classes = HostProcess.TEST_CLASSES;
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path target = function.resolve(classes.relativize(file).toString());
                Files.createDirectories(target.getParent());
                Files.copy(file, target);
            }
        }
        Path lib = Files.createDirectories(function.resolve("lib"));
        Files.copy(jarOf(SQSEvent.class), lib.resolve("aws-lambda-java-events.jar"));
        Files.copy(jarOf(DateTime.class), lib.resolve("joda-time.jar"));
        loader = FunctionLoader.classLoader(function, List.of());
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                roundTrip("CloudFormationCustomResourceEvent", "cloudformation_event.json"),
                roundTrip("CloudWatchLogsEvent", "cloudwatchlogs_event.json"),
                roundTrip("CodeCommitEvent", "codecommit_event.json"),
                roundTrip("ConfigEvent", "config_event.json"),
                roundTrip("DynamodbEvent", "ddb/dynamo_event_roundtrip.json"),
                roundTrip("KinesisEvent", "kinesis/kinesis_event_roundtrip.json"),
                roundTrip("KinesisFirehoseEvent", "firehose_event.json"),
                roundTrip("LambdaDestinationEvent", "lambda_destination_event.json"),
                roundTrip("ScheduledEvent", "cloudwatch_event.json"),
                roundTrip("SecretsManagerRotationEvent", "secrets_rotation_event.json"),
                roundTrip("SNSEvent", "sns_event.json"),
                roundTrip("LexEvent", "lex_event_roundtrip.json"),
                roundTrip("ConnectEvent", "connect_event.json"),
                roundTrip("SQSEvent", "sqs/sqs_event_nobody.json"),
                roundTrip("APIGatewayProxyRequestEvent", "apigw_rest_event.json"),
                roundTrip("CloudFrontEvent", "cloudfront_event.json"),
                roundTrip("S3Event", "s3_event.json"),
                roundTrip("S3EventNotification", "s3_event.json"),
                roundTrip("APIGatewayV2HTTPEvent", "apigw_http_event.json"),
                roundTrip("APIGatewayCustomAuthorizerEvent", "apigw_auth.json"),
                roundTrip("ApplicationLoadBalancerRequestEvent", "elb_event.json"),
                roundTrip("CloudWatchCompositeAlarmEvent", "cloudwatch_composite_alarm.json"),
                roundTrip("CloudWatchMetricAlarmEvent", "cloudwatch_metric_alarm.json"),
                roundTrip("CognitoUserPoolPreTokenGenerationEventV2", "cognito_user_pool_pre_token_generation_event_v2.json"),
                roundTrip("KafkaEvent", "kafka_event_roundtrip.json"),
                roundTrip("MSKFirehoseEvent", "msk_firehose_event_roundtrip.json"),
                roundTrip("RabbitMQEvent", "rabbitmq_event_roundtrip.json"),
                roundTrip("S3BatchEventV2", "s3_batch_event_v2.json"),
                roundTrip("IoTButtonEvent", "iot_button_event.json"),
                roundTrip("CognitoEvent", "cognito_sync_event.json"),
                roundTrip("DynamodbTimeWindowEvent", "ddb/dynamo_time_window_event.json"),
                roundTrip("KinesisTimeWindowEvent", "kinesis/kinesis_time_window_event.json"),
                roundTrip("APIGatewayProxyResponseEvent", "response/apigw_proxy_response.json"),
                roundTrip("APIGatewayV2HTTPResponse", "response/apigw_v2_http_response.json"),
                roundTrip("APIGatewayV2WebSocketResponse", "response/apigw_v2_websocket_response.json"),
                roundTrip("APIGatewayV2ProxyResponseEvent", "response/apigw_v2_websocket_response.json"),
                roundTrip("ApplicationLoadBalancerResponseEvent", "response/alb_response.json"),
                roundTrip("S3BatchResponse", "response/s3_batch_response.json"),
                roundTrip("SQSBatchResponse", "response/sqs_batch_response.json"),
                roundTrip("SimpleIAMPolicyResponse", "response/simple_iam_policy_response.json"),
                roundTrip("MSKFirehoseResponse", "response/msk_firehose_response.json"),
                roundTrip("S3BatchEvent", "s3_batch_event.json"),
                roundTrip("AppSyncLambdaAuthorizerEvent", "appsync_authorizer_event.json"),
                roundTrip("AppSyncLambdaAuthorizerResponse", "appsync_authorizer_response.json"),
                roundTrip("TimeWindowEventResponse", "time_window_event_response.json"),
                roundTrip("CognitoUserPoolPreSignUpEvent", "cognito/cognito_userpool_presignup.json"),
                roundTrip("CognitoUserPoolPostConfirmationEvent", "cognito/cognito_userpool_postconfirmation.json"),
                roundTrip("CognitoUserPoolPreAuthenticationEvent", "cognito/cognito_userpool_preauthentication.json"),
                roundTrip("CognitoUserPoolPostAuthenticationEvent", "cognito/cognito_userpool_postauthentication.json"),
                roundTrip("CognitoUserPoolDefineAuthChallengeEvent", "cognito/cognito_userpool_define_auth_challenge.json"),
                roundTrip("CognitoUserPoolCreateAuthChallengeEvent", "cognito/cognito_userpool_create_auth_challenge.json"),
                roundTrip("CognitoUserPoolVerifyAuthChallengeResponseEvent", "cognito/cognito_userpool_verify_auth_challenge.json"),
                roundTrip("CognitoUserPoolMigrateUserEvent", "cognito/cognito_userpool_migrate_user.json"),
                roundTrip("CognitoUserPoolCustomMessageEvent", "cognito/cognito_userpool_custom_message.json"),
                roundTrip("CognitoUserPoolPreTokenGenerationEvent", "cognito/cognito_userpool_pre_token_generation.json"),
                roundTrip("KinesisAnalyticsFirehoseInputPreprocessingEvent", "kinesis/kinesis_analytics_firehose_input_preprocessing.json"),
                roundTrip("KinesisAnalyticsStreamsInputPreprocessingEvent", "kinesis/kinesis_analytics_streams_input_preprocessing.json"),
                roundTrip("KinesisAnalyticsInputPreprocessingResponse", "kinesis/kinesis_analytics_input_preprocessing_response.json"),
                roundTrip("KinesisAnalyticsOutputDeliveryEvent", "kinesis/kinesis_analytics_output_delivery.json"),
                roundTrip("KinesisAnalyticsOutputDeliveryResponse", "kinesis/kinesis_analytics_output_delivery_response.json"),
                roundTrip("APIGatewayV2WebSocketEvent", "apigw_websocket_event.json"),
                roundTrip("APIGatewayV2ProxyRequestEvent", "apigw_websocket_event.json"),
                lossy("APIGatewayV2CustomAuthorizerEvent", "apigw_auth_v2.json"),
                lossy("ActiveMQEvent", "mq_event.json"),
                lossy("S3ObjectLambdaEvent", "s3_object_lambda_event.json"));
    }

    @ParameterizedTest(name = "{0} from {1}")
    @MethodSource("cases")
    void eventClassDecodesAwsSampleAndWritesItBackAsLambdaDoes(String eventClass, String fixture, boolean lossless) throws Exception {
        byte[] sample = fixture(fixture);

        HttpResponse response = invoke(eventClass + "Echo", sample);

        assertThat(response.status()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        JsonNode out = JSON.readTree(response.body());
        if (lossless) {
            JsonNode expected = withoutNulls(JSON.readTree(sample));
            assertThat(out.equals(SAME_INSTANT, expected)).as("%s%nis not%n%s", out, expected).isTrue();
        } else {
            assertThat(out.isObject()).isTrue();
        }
    }

    @Test
    void awsSampleStyleHandlersReachIntoTheirRecords() throws Exception {
        assertThat(call("SqsBodies", "sqs/sqs_event_nobody.json"))
                .isEqualTo("[\"d9144555-9a4f-4ec3-99a0-fc4e625a8db2:AROAIFU457DVZ5L2J53F2\"]");
        assertThat(call("S3Objects", "s3_event.json")).isEqualTo("\"example-bucket/test/key at 1970-01-01T00:00:00.000Z\"");
        assertThat(call("DynamoImages", "ddb/dynamo_event.json")).startsWith("[\"INSERT 101 at 2015-04-09T00:00:00Z\"");
        assertThat(call("KinesisData", "kinesis_event.json")).startsWith("[\"Hello, this is a test 123. at 2015-04-09T00:00:00Z\"");
        assertThat(call("ScheduledTime", "cloudwatch_event.json"))
                .isEqualTo("\"Scheduled Event 1601481514000 [arn:aws:events:eu-central-1:123456789012:rule/demoschedule]\"");
        assertThat(call("SnsMessages", "sns_event.json")).startsWith("[\"Test sns message at ");
        assertThat(call("CodeCommitRefs", "codecommit_event.json")).isEqualTo("\"refs/heads/master\"");
        assertThat(call("CloudFrontUris", "cloudfront_event.json")).isEqualTo("\"GET /test d123.cf.net\"");
    }

    @Test
    void anApiGatewayV2HandlerAnswersAnHttpRequestAsOnAFunctionUrl() {
        UserFunction loaded = FunctionLoader.load(loader, function, AwsEventHandlers.class.getName() + "$HttpApi");
        HttpRequest request = new HttpRequest("POST", "/orders/7", "a=1&a=2", Map.of("cookie", List.of("s=1; t=2"),
                "x-custom", List.of("yes"), "content-type", List.of("text/plain"), "host", List.of("orders.localhost:8080")),
                "hello".getBytes(StandardCharsets.UTF_8));

        HttpResponse response = call(loaded, request);

        assertThat(response.status()).isEqualTo(201);
        assertThat(response.headers()).containsEntry("X-Path", List.of("/orders/7")).containsEntry("Content-Type", List.of("text/plain"))
                .containsEntry("Set-Cookie", List.of("session=abc; Path=/", "theme=dark"));
        assertThat(new String(response.body(), StandardCharsets.UTF_8))
                .isEqualTo("POST /orders/7?a=1&a=2 {a=1,2} [s=1, t=2] yes hello");
    }

    private static Arguments roundTrip(String eventClass, String fixture) {
        return Arguments.of(eventClass, fixture, true);
    }

    /** AWS's own tests list these as losing a field on the way (see docs/LAMBDA.md). */
    private static Arguments lossy(String eventClass, String fixture) {
        return Arguments.of(eventClass, fixture, false);
    }

    private static String call(String handler, String fixture) {
        HttpResponse response = invoke(handler, fixture(fixture));
        assertThat(response.status()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    /** A direct invocation ({@code nubo invoke}): the body is the event. */
    private static HttpResponse invoke(String handler, byte[] event) {
        UserFunction loaded = FunctionLoader.load(loader, function, AwsEventHandlers.class.getName() + "$" + handler);
        return call(loaded, new HttpRequest("POST", "/", "", Map.of("nubo-event", List.of("direct")), event));
    }

    private static HttpResponse call(UserFunction loaded, HttpRequest request) {
        Thread.currentThread().setContextClassLoader(loaded.handlerClass().getClassLoader());
        try {
            Instant now = Instant.now();
            var context = new InvocationContext("req-1", "events", "events-00001", now.plusSeconds(30), new RequestLog("req-1"),
                    Map.of(), new InvocationContext.Lambda(now, "events-00001-abcde", 256, "us-east-1", "Root=1-x"));
            return loaded.invoke(request, context);
        } catch (Exception e) {
            throw new AssertionError(loaded.handlerClass().getName() + " threw", e);
        } finally {
            Thread.currentThread().setContextClassLoader(AwsEventsCompatibilityTest.class.getClassLoader());
        }
    }

    private static byte[] fixture(String name) {
        try (InputStream in = AwsEventsCompatibilityTest.class.getResourceAsStream("/aws-events/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lambda writes results without null properties (Include.NON_NULL), so the sample's nulls are not expected back. */
    private static JsonNode withoutNulls(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (field.getValue().isNull()) {
                    it.remove();
                } else {
                    withoutNulls(field.getValue());
                }
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(AwsEventsCompatibilityTest::withoutNulls);
        }
        return node;
    }

    private static Path jarOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
