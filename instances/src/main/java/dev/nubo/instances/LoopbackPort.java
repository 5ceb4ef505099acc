package dev.nubo.instances;

import dev.nubo.model.PlatformFault;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Picks a free port on 127.0.0.1 by binding port 0 and closing. Another process could take it before
 * the instance binds; the instance then fails to start and is retried on a fresh port, which is
 * cheaper than reserving ports and handing sockets to arbitrary programs.
 */
final class LoopbackPort {

    /** The address instances listen on and are probed at, as text: {@code 127.0.0.1} on an IPv4 machine. */
    static final String HOST = InetAddress.getLoopbackAddress().getHostAddress();

    private LoopbackPort() {}

    static int pick() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new PlatformFault("instances.no-port", "cannot bind a free port on 127.0.0.1: " + e.getMessage(), e);
        }
    }
}
