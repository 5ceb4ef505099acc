package dev.nubo.server;

/** The public addresses of the running server, as users should type them. */
record Urls(String api, String gateway, String domain, int gatewayPort, java.util.Optional<String> secureGateway) {

    /** {@code http://hello.localhost:8080/}: the host name carries the service. */
    String service(String name) {
        return "http://" + name + "." + domain + (gatewayPort == 80 ? "" : ":" + gatewayPort) + "/";
    }
}
