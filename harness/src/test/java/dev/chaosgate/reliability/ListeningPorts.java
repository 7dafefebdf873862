package dev.chaosgate.reliability;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The TCP ports this JVM listens on. Connecting to a port only says that someone listens there, and
 * on a shared machine another process may have taken a port this JVM let go of minutes ago. So on
 * Linux the answer comes from this process's own sockets: the inodes of {@code /proc/self/fd} that
 * {@code /proc/net/tcp} and {@code tcp6} list in the LISTEN state. Elsewhere it falls back to
 * connecting.
 */
final class ListeningPorts {
    private static final Path FD_DIR = Path.of("/proc/self/fd");
    private static final List<Path> TABLES = List.of(Path.of("/proc/self/net/tcp"), Path.of("/proc/self/net/tcp6"));
    private static final String LISTEN = "0A";

    private final Set<Integer> ports;

    private ListeningPorts(Set<Integer> ports) {
        this.ports = ports;
    }

    /** A snapshot of this process's listening ports, or null where {@code /proc} cannot tell. */
    static ListeningPorts now() {
        if (!Files.isDirectory(FD_DIR) || !Files.isReadable(TABLES.get(0))) {
            return null;
        }
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(FD_DIR)) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException e) {
                    // closed while listed
                }
            }
            Set<Integer> ports = new HashSet<>();
            for (Path table : TABLES) {
                if (!Files.isReadable(table)) {
                    continue;
                }
                for (String line : Files.readAllLines(table)) {
                    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 9 && f[3].equals(LISTEN) && inodes.contains(f[9])) {
                        ports.add(Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1), 16));
                    }
                }
            }
            return new ListeningPorts(ports);
        } catch (IOException e) {
            return null;
        }
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
