package dev.chaosgate.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The TCP sockets this JVM listens on, read from the kernel (Linux): the LISTEN entries of
 * {@code /proc/net/tcp} and {@code /proc/net/tcp6} whose inode is one of this process's file
 * descriptors ({@code /proc/self/fd}). What the kernel says, whatever the library that bound them
 * claims; other processes' sockets in the same network namespace are left out.
 */
public final class Listeners {
    private static final String LISTEN = "0A";

    private Listeners() {
    }

    /** A bound address and port. */
    public record Listener(InetAddress address, int port) implements Comparable<Listener> {
        public boolean loopback() {
            return address.isLoopbackAddress();
        }

        @Override
        public int compareTo(Listener other) {
            return Integer.compare(port, other.port) != 0 ? Integer.compare(port, other.port)
                    : address.getHostAddress().compareTo(other.address.getHostAddress());
        }

        @Override
        public String toString() {
            String host = address.getHostAddress();
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** Whether the kernel tables can be read here. */
    public static boolean available() {
        return Files.isReadable(Path.of("/proc/net/tcp")) && Files.isDirectory(Path.of("/proc/self/fd"));
    }

    /** Every socket this process listens on, now. */
    public static Set<Listener> ofThisProcess() {
        Set<String> inodes = socketInodes();
        Set<Listener> listeners = new TreeSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.isReadable(file)) {
                continue;
            }
            List<String> lines;
            try {
                lines = Files.readAllLines(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (String line : lines.subList(1, lines.size())) {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
                String[] fields = line.trim().split("\\s+");
                if (fields.length > 9 && fields[3].equals(LISTEN) && inodes.contains(fields[9])) {
                    listeners.add(parse(fields[1]));
                }
            }
        }
        return listeners;
    }

    /** {@code 0100007F:1F90} (IPv4) or 32 hex digits and a port (IPv6), each 32-bit word in host (little-endian) order. */
    static Listener parse(String local) {
        int colon = local.indexOf(':');
        String hex = local.substring(0, colon);
        int port = Integer.parseInt(local.substring(colon + 1), 16);
        byte[] address = new byte[hex.length() / 2];
        for (int word = 0; word < address.length / 4; word++) {
            for (int i = 0; i < 4; i++) {
                int at = word * 8 + (3 - i) * 2;
                address[word * 4 + i] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        try {
            // An IPv4-mapped IPv6 address (::ffff:127.0.0.1) comes back as the IPv4 address.
            return new Listener(InetAddress.getByAddress(address), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + local, e);
        }
    }

    private static Set<String> socketInodes() {
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
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
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return inodes;
    }
}
