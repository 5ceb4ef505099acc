package dev.nubo.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nubo.model.Json;

/** Registrations shaped as Spring Cloud Netflix's Eureka client sends them (its InstanceInfo, as JSON). */
final class SpringClient {

    private SpringClient() {}

    static String body(String app, String id, int port, String status) {
        return """
                {"instance":{"instanceId":"%2$s","app":"%1$s","appGroupName":null,"ipAddr":"10.1.2.3","sid":"na",
                "homePageUrl":"http://box:%3$d/","statusPageUrl":"http://box:%3$d/actuator/info","healthCheckUrl":"http://box:%3$d/actuator/health",
                "secureHealthCheckUrl":null,"vipAddress":"%4$s","secureVipAddress":"%4$s","countryId":1,
                "dataCenterInfo":{"@class":"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"},
                "hostName":"box","status":"%5$s","overriddenStatus":"UNKNOWN",
                "leaseInfo":{"renewalIntervalInSecs":30,"durationInSecs":90,"registrationTimestamp":0,"lastRenewalTimestamp":0,"evictionTimestamp":0,"serviceUpTimestamp":0},
                "isCoordinatingDiscoveryServer":false,"metadata":{"management.port":"%3$d"},"lastUpdatedTimestamp":1764763200000,
                "lastDirtyTimestamp":1764763200000,"actionType":null,"asgName":null,"port":{"$":%3$d,"@enabled":"true"},
                "securePort":{"$":443,"@enabled":"false"}}}
                """.formatted(app.toUpperCase(), id, port, app.toLowerCase(), status);
    }

    static Registration registration(String app, String id, int port, String status) {
        try {
            JsonNode node = Json.mapper().readTree(body(app, id, port, status));
            return EurekaJson.registration(app, node);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
