package dev.chaosgate.reliability;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The TCP ports this JVM listens on. Connecting to a port only says that someone listens there, and
 * on a shared machine another process may have taken a port this JVM let go of minutes ago. So on
 * Linux the answer comes from this process's own sockets ({@link Listeners}); elsewhere it falls
 * back to connecting.
 */
final class ListeningPorts {
    private final Set<Integer> ports;

    private ListeningPorts(Set<Integer> ports) {
        this.ports = ports;
    }

    /** A snapshot of this process's listening ports, or null where {@code /proc} cannot tell. */
    static ListeningPorts now() {
        if (!Listeners.available()) {
            return null;
        }
        return new ListeningPorts(Listeners.ofThisProcess().stream().map(Listeners.Listener::port).collect(Collectors.toSet()));
    }

    /** Whether this process listens on {@code port}; without {@code /proc}, whether anyone on 127.0.0.1 does. */
    static boolean isListening(ListeningPorts snapshot, int port) {
        if (snapshot != null) {
            return snapshot.ports.contains(port);
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether this process listens on {@code port}, looked up now. */
    static boolean isListening(int port) {
        return isListening(now(), port);
    }
}
