package dev.nubo.cli;

/** Canned API bodies shaped as in docs/API.md. */
final class Samples {

    private Samples() {}

    static final String DEPLOYMENT = """
            {"service": "hello-java", "revision": "hello-java-00003",
             "digest": "sha256:9f2c1a77e0b5d3c4aa", "size": 18432,
             "url": "http://hello-java.localhost:8080/", "created": false}""";

    static String instance(String id, String state, int restarts) {
        return """
                {"id": "%s", "state": "%s", "pid": 4242, "port": 40123, "restarts": %d,
                 "createdAt": "2026-11-21T12:00:00Z", "readyAt": %s, "failure": null}"""
                .formatted(id, state, restarts, state.equals("READY") ? "\"2026-11-21T12:00:00.800Z\"" : "null");
    }

    static String revision(String id, String state, boolean serving, String instances) {
        return """
                {"id": "%s", "number": %d, "state": "%s", "serving": %b, "reason": null, "logTail": [],
                 "digest": "sha256:9f2c1a77e0b5d3c4aa", "createdAt": "2026-11-21T12:00:00Z", "readyAt": %s,
                 "config": {"runtime": "java"}, "instances": [%s]}"""
                .formatted(id, Integer.parseInt(id.substring(id.length() - 5)), state, serving,
                        state.equals("READY") ? "\"2026-11-21T12:00:00.800Z\"" : "null", instances);
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

    static String service(String serving, String revisions, String events) {
        return """
                {"name": "hello-java", "url": "http://hello-java.localhost:8080/", "runtime": "java",
                 "servingRevision": %s, "latestRevision": "hello-java-00003", "pinnedRevision": null,
                 "state": "ready", "instances": {"ready": 1, "desired": 1}, "createdAt": "2026-11-21T12:00:00Z",
                 "paths": ["/hello"], "revisions": [%s], "events": [%s]}"""
                .formatted(serving == null ? "null" : "\"" + serving + "\"", revisions, events);
    }

    static final String NOT_FOUND = """
            {"error": {"code": "service.not_found", "message": "no service named 'nope'",
                       "hint": "`nubo list` shows the services"}}""";
}
