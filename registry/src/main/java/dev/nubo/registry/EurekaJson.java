package dev.nubo.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.model.UserError;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Eureka's JSON, as its server writes it and Spring Cloud Netflix's client reads it: every document
 * wrapped in a root named after it ({@code instance}, {@code application}, {@code applications}),
 * ports as {@code {"$": 8080, "@enabled": "true"}}, timestamps as strings of epoch millis,
 * {@code versions__delta} and {@code apps__hashcode} on the list of applications.
 */
final class EurekaJson {

    /** Metadata key with which an app may name the Nubo instance it runs in (its {@code $NUBO_INSTANCE}). */
    static final String NUBO_INSTANCE = "nubo.instance";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String HINT = "send the instance as Spring Cloud's Eureka client does: "
            + "{\"instance\": {\"instanceId\", \"app\", \"hostName\", \"ipAddr\", \"port\": {\"$\": 8080}, \"status\": \"UP\"}}";

    private EurekaJson() {}

    /** The registration in a {@code POST /eureka/apps/APP} body; a 400 naming the field when it is not one. */
    static Registration registration(String appInPath, JsonNode body) {
        JsonNode instance = body.path("instance");
        if (!instance.isObject()) {
            throw bad("the body has no \"instance\" object");
        }
        String app = text(instance, "app").orElse(appInPath);
        if (!app.equalsIgnoreCase(appInPath)) {
            throw bad("the instance's app '" + app + "' is not the app in the path, '" + appInPath + "'");
        }
        String host = text(instance, "hostName").or(() -> text(instance, "ipAddr"))
                .orElseThrow(() -> bad("the instance has no \"hostName\" (nor \"ipAddr\")"));
        String id = text(instance, "instanceId").orElse(host);
        JsonNode portNode = instance.path("port");
        JsonNode portValue = portNode.isObject() ? portNode.path("$") : portNode;
        int port = portValue.isNumber() ? portValue.asInt() : portValue.isTextual() ? parsePort(portValue.asText()) : -1;
        if (port < 1 || port > 65535) {
            throw bad("the instance's \"port\" is missing or not a port (1-65535): " + portNode);
        }
        Status status = text(instance, "status").map(s -> Status.parse(s, "the instance's \"status\"")).orElse(Status.UP);
        int lease = instance.path("leaseInfo").path("durationInSecs").asInt(90);
        long dirty = instance.path("lastDirtyTimestamp").asLong(0);
        Optional<String> nubo = text(instance.path("metadata"), NUBO_INSTANCE);
        return new Registration(app.toUpperCase(Locale.ROOT), id, host, port, status, nubo, lease > 0 ? lease : 90, dirty,
                (ObjectNode) instance.deepCopy(), true);
    }

    /** {@code {"applications": {...}}}: the whole registry. */
    static ObjectNode applications(Registry.Snapshot snapshot) {
        Map<String, List<ObjectNode>> apps = new LinkedHashMap<>();
        snapshot.instances().forEach(i -> apps.computeIfAbsent(i.app(), a -> new java.util.ArrayList<>()).add(instance(i, "ADDED")));
        return applications(snapshot, apps);
    }

    /** {@code {"applications": {...}}} holding only the changed instances, each with its {@code actionType}. */
    static ObjectNode delta(Registry.Delta delta) {
        Map<String, List<ObjectNode>> apps = new LinkedHashMap<>();
        delta.changes().forEach(c -> apps.computeIfAbsent(c.instance().app(), a -> new java.util.ArrayList<>())
                .add(instance(c.instance(), c.action().name())));
        return applications(delta.now(), apps);
    }

    private static ObjectNode applications(Registry.Snapshot snapshot, Map<String, List<ObjectNode>> apps) {
        ObjectNode inner = NODES.objectNode();
        inner.put("versions__delta", Long.toString(snapshot.version()));
        inner.put("apps__hashcode", snapshot.appsHashCode());
        ArrayNode list = inner.putArray("application");
        apps.forEach((name, instances) -> list.add(appNode(name, instances)));
        ObjectNode root = NODES.objectNode();
        root.set("applications", inner);
        return root;
    }

    /** {@code {"application": {"name": ..., "instance": [...]}}}. */
    static ObjectNode application(String name, List<Listed> instances) {
        ObjectNode root = NODES.objectNode();
        root.set("application", appNode(name, instances.stream().map(i -> instance(i, "ADDED")).toList()));
        return root;
    }

    private static ObjectNode appNode(String name, List<ObjectNode> instances) {
        ObjectNode app = NODES.objectNode();
        app.put("name", name);
        app.putArray("instance").addAll(instances);
        return app;
    }

    /** {@code {"instance": {...}}}. */
    static ObjectNode instanceDocument(Listed listed) {
        ObjectNode root = NODES.objectNode();
        root.set("instance", instance(listed, "ADDED"));
        return root;
    }

    /**
     * The instance as Eureka's server lists it: what its client registered (so unknown fields go back
     * as they came), with the registry's own view of its status, host and lease on top.
     */
    static ObjectNode instance(Listed l, String action) {
        ObjectNode o = l.registered().deepCopy();
        String url = "http://" + l.host() + ":" + l.port() + "/";
        o.put("instanceId", l.id());
        o.put("hostName", l.host());
        o.put("app", l.app());
        if (l.nuboInstance().isPresent() || !o.hasNonNull("ipAddr")) {
            o.put("ipAddr", l.host());   // an app in a Nubo instance is reached where the instance listens
        }
        o.put("status", l.status().name());
        o.remove("overriddenstatus");
        o.put("overriddenStatus", l.overridden().name());
        if (!o.path("port").isObject()) {
            o.set("port", port(l.port(), true));
        }
        if (!o.has("securePort")) {
            o.set("securePort", port(443, false));
        }
        putIfAbsent(o, "countryId", NODES.numberNode(1));
        if (!o.path("dataCenterInfo").isObject()) {
            ObjectNode dc = o.putObject("dataCenterInfo");
            dc.put("@class", "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo");
            dc.put("name", "MyOwn");
        }
        ObjectNode lease = o.putObject("leaseInfo");
        lease.put("renewalIntervalInSecs", 30);
        lease.put("durationInSecs", l.leaseSeconds());
        lease.put("registrationTimestamp", l.registeredAt());
        lease.put("lastRenewalTimestamp", l.updated());
        lease.put("evictionTimestamp", 0);
        lease.put("serviceUpTimestamp", l.registeredAt());
        ObjectNode metadata = o.path("metadata").isObject() ? (ObjectNode) o.get("metadata") : o.putObject("metadata");
        metadata.remove("@class");
        l.nuboInstance().ifPresent(id -> metadata.put(NUBO_INSTANCE, id));
        putIfAbsent(o, "homePageUrl", NODES.textNode(url));
        putIfAbsent(o, "statusPageUrl", NODES.textNode(url));
        putIfAbsent(o, "healthCheckUrl", NODES.textNode(url));
        String vip = l.app().toLowerCase(Locale.ROOT);
        putIfAbsent(o, "vipAddress", NODES.textNode(vip));
        putIfAbsent(o, "secureVipAddress", NODES.textNode(vip));
        o.put("isCoordinatingDiscoveryServer", "false");
        o.put("lastUpdatedTimestamp", Long.toString(l.updated()));
        o.put("lastDirtyTimestamp", Long.toString(l.dirty()));
        o.put("actionType", action);
        return o;
    }

    private static ObjectNode port(int port, boolean enabled) {
        ObjectNode p = NODES.objectNode();
        p.put("$", port);
        p.put("@enabled", Boolean.toString(enabled));
        return p;
    }

    private static void putIfAbsent(ObjectNode o, String field, JsonNode value) {
        if (!o.hasNonNull(field)) {
            o.set(field, value);
        }
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isValueNode() && !v.asText().isBlank() ? Optional.of(v.asText()) : Optional.empty();
    }

    private static int parsePort(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static UserError bad(String what) {
        return UserError.badRequest("registry.bad_registration", "not a Eureka registration: " + what, HINT);
    }
}
