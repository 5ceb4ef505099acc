package dev.nubo.server;

import dev.nubo.events.Eventing;
import dev.nubo.metrics.AlertNotifier;
import dev.nubo.metrics.AlertRule;
import dev.nubo.metrics.Alerting;
import dev.nubo.model.Json;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Sends one alert notification to its target and waits for it to be taken: a webhook gets it POSTed
 * as JSON, a Nubo service too (through the gateway, as {@code NAME.domain}), a broker as a CloudEvent
 * of type {@code dev.nubo.alert.firing} or {@code dev.nubo.alert.resolved}. Anything but a 2xx, or a
 * broker that is not there, is a failure the notifier retries.
 */
final class AlertSender implements AlertNotifier.Sender {

    private static final long TIMEOUT_MS = 10_000;

    private final HttpClient http;
    private final Eventing eventing;
    private final String gatewayHost;
    private final int gatewayPort;
    private final String domain;

    AlertSender(Vertx vertx, Eventing eventing, String gatewayHost, int gatewayPort, String domain) {
        this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) TIMEOUT_MS));
        this.eventing = eventing;
        this.gatewayHost = gatewayHost;
        this.gatewayPort = gatewayPort;
        this.domain = domain;
    }

    @Override
    public void send(Alerting.Notification n) throws Exception {
        byte[] json = Json.mapper().writeValueAsBytes(payload(n));
        switch (n.rule().target()) {
            case AlertRule.Target.Webhook w -> post(new RequestOptions().setAbsoluteURI(w.url().toString()), json, w.url().toString());
            case AlertRule.Target.Service s -> post(new RequestOptions().setHost(gatewayHost).setPort(gatewayPort).setURI("/")
                    .putHeader("Host", s.name() + "." + domain + ":" + gatewayPort), json, "service " + s.name());
            case AlertRule.Target.Broker b -> eventing.ingest(b.name(), List.of(CloudEventBuilder.v1()
                    .withId(java.util.UUID.randomUUID().toString()).withSource(URI.create("/nubo/alerts/" + n.rule().name()))
                    .withType("dev.nubo.alert." + n.event()).withSubject(n.rule().service()).withTime(n.at().atOffset(java.time.ZoneOffset.UTC))
                    .withDataContentType("application/json").withData(json).build())).get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
    }

    private void post(RequestOptions options, byte[] json, String where) throws java.io.IOException {
        int status = http.request(options.setMethod(HttpMethod.POST).setTimeout(TIMEOUT_MS).putHeader("Content-Type", "application/json"))
                .compose(r -> r.send(Buffer.buffer(json)).compose(response -> response.body().map(b -> response.statusCode())))
                .await();
        if (status / 100 != 2) {
            throw new java.io.IOException(where + " answered " + status);
        }
    }

    /** What every target gets: {@code {"alert", "service", "state": "firing"|"resolved", "condition", "value", "for", "at"}}. */
    static Map<String, Object> payload(Alerting.Notification n) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("alert", n.rule().name());
        out.put("service", n.rule().service());
        out.put("state", n.event());
        out.put("condition", n.rule().condition());
        out.put("value", n.value());
        out.put("for", dev.nubo.model.Quantities.formatDuration(n.rule().hold()));
        out.put("at", n.at().toString());
        return out;
    }
}
