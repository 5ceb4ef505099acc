package dev.nubo.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * An instance as a client registered it ({@code POST /eureka/apps/APP}), checked by
 * {@link EurekaJson#registration}.
 *
 * @param nuboInstance the Nubo instance it says it runs in (metadata {@code nubo.instance}), if it says
 * @param raw          the {@code instance} object as sent, kept to be echoed back
 * @param local        whether it came from this machine (a loopback address): only then can its port
 *                     say which Nubo instance it runs in
 */
record Registration(String app, String id, String host, int port, Status status, Optional<String> nuboInstance,
        int leaseSeconds, long dirty, ObjectNode raw, boolean local) {

    Registration fromRemote(boolean remote) {
        return new Registration(app, id, host, port, status, nuboInstance, leaseSeconds, dirty, raw, !remote);
    }
}
