package dev.nubo.cli;

/** Canned API bodies shaped as in docs/API.md. */
final class Samples {

    private Samples() {}

    static final String DEPLOYMENT = """
            {"service": "hello-java", "revision": "hello-java-00003",
             "digest": "sha256:9f2c1a77e0b5d3c4aa", "size": 18432,
             "url": "http://hello-java.localhost:8080/", "created": false}""";

    static String instance(String id, String state, int restarts) {
        return instance(id, state, restarts, false);
    }

    /** @param pooled whether its process came from the prewarmed pool */
    static String instance(String id, String state, int restarts, boolean pooled) {
        boolean ready = state.equals("READY");
        return """
                {"id": "%s", "state": "%s", "pid": 4242, "port": 40123, "restarts": %d,
                 "createdAt": "2026-11-21T12:00:00Z", "readyAt": %s, "startMs": %s, "pooled": %b, "failure": null}"""
                .formatted(id, state, restarts, ready ? "\"2026-11-21T12:00:00.800Z\"" : "null", ready ? "800" : "null",
                        pooled);
    }

    static String revision(String id, String state, boolean serving, String instances) {
        return revision(id, state, serving, serving ? 100 : 0, "", "null", instances);
    }

    /** @param tags the inside of a JSON array; @param scaling a JSON object, or null */
    static String revision(String id, String state, boolean serving, int percent, String tags, String scaling,
            String instances) {
        return """
                {"id": "%s", "number": %d, "state": "%s", "serving": %b, "percent": %d, "tags": [%s],
                 "reason": null, "logTail": [],
                 "digest": "sha256:9f2c1a77e0b5d3c4aa", "createdAt": "2026-11-21T12:00:00Z", "readyAt": %s,
                 "config": {"runtime": "java"}, "scaling": %s, "instances": [%s]}"""
                .formatted(id, Integer.parseInt(id.substring(id.length() - 5)), state, serving, percent, tags,
                        state.equals("READY") ? "\"2026-11-21T12:00:00.800Z\"" : "null", scaling, instances);
    }

    static String scaling(int desired, String reason, int inFlight, long requests, long held) {
        return """
                {"desired": %d, "mode": "STABLE", "reason": "%s", "inFlight": %d, "waiting": 0,
                 "requests": %d, "held": %d, "holdP50Ms": 40, "holdP99Ms": 180, "holdMaxMs": 210}"""
                .formatted(desired, reason, inFlight, requests, held);
    }

    static String failedRevision(String id) {
        return """
                {"id": "%s", "number": 3, "state": "FAILED", "serving": false,
                 "reason": "exited with code 1 before becoming ready",
                 "logTail": ["Exception in thread \\"main\\" java.lang.ClassNotFoundException: Hello", "\\tat Main.main"],
                 "digest": "sha256:9f2c1a77e0b5d3c4aa", "createdAt": "2026-11-21T12:00:00Z", "readyAt": null,
                 "instances": [{"id": "%s-x7k2p", "state": "FAILED", "pid": 0, "port": 0, "restarts": 3,
                                "createdAt": "2026-11-21T12:00:00Z", "readyAt": null, "failure": "crash loop"}]}"""
                .formatted(id, id);
    }

    /** A service with the default traffic, everything to the newest ready revision, which is {@code serving}. */
    static String service(String serving, String revisions, String events) {
        String routes = serving == null ? "" : route(serving, 100, "", "\"http://hello-java.localhost:8080/\"");
        return service(serving, null, traffic(LATEST, routes), revisions, events);
    }

    static String service(String serving, String pinned, String traffic, String revisions, String events) {
        return """
                {"name": "hello-java", "url": "http://hello-java.localhost:8080/", "runtime": "java",
                 "servingRevision": %s, "latestRevision": "hello-java-00003", "pinnedRevision": %s,
                 "state": "ready", "instances": {"ready": 1, "desired": 1}, "createdAt": "2026-11-21T12:00:00Z",
                 "paths": ["/hello"], "traffic": %s, "revisions": [%s], "events": [%s]}"""
                .formatted(quoted(serving), quoted(pinned), traffic, revisions, events);
    }

    static final String LATEST = """
            {"splits": [{"revision": "latest", "percent": 100}], "tags": {}}""";

    static String traffic(String configured, String... routes) {
        return """
                {"configured": %s, "routes": [%s]}""".formatted(configured, String.join(",", routes));
    }

    /** @param tags and @param urls the insides of JSON arrays */
    static String route(String revision, int percent, String tags, String urls) {
        return """
                {"revision": "%s", "percent": %d, "tags": [%s], "urls": [%s]}""".formatted(revision, percent, tags, urls);
    }

    private static String quoted(String s) {
        return s == null ? "null" : "\"" + s + "\"";
    }

    static final String NOT_FOUND = """
            {"error": {"code": "service.not_found", "message": "no service named 'nope'",
                       "hint": "`nubo list` shows the services"}}""";
}
