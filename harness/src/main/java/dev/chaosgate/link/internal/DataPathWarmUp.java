package dev.chaosgate.link.internal;

import dev.chaosgate.link.ToxicDefinition;
import dev.chaosgate.link.toxic.ToxicRegistry;
import io.netty.channel.EventLoopGroup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Warms a fresh engine's data path before its server reports ready: bytes go through a throwaway
 * proxy over loopback, with no toxic and with each built-in toxic on both streams, so the classes
 * load, the JIT compiles the hot path and Netty's allocators and event loops are started before the
 * first real client connects (on a cold JVM that first connection took ~30 ms to its first byte).
 *
 * <p>Nothing of it is visible: the proxy is not one of the engine's proxies, it has its own counters,
 * its own seed and connection numbers, and it reports no events or traffic to the engine's listeners,
 * so a run with the same seed draws the same numbers with or without it. The JIT's work is done once
 * per JVM; a later engine only opens a few connections on its own event loops.
 */
public final class DataPathWarmUp {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    /** A request as a client sends it, so the request-head reader is warmed too. */
    private static final byte[] REQUEST = ("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Content-Type: application/json\r\nContent-Length: 16\r\n\r\n{\"warm\":\"up\"}\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    private static final Set<Transport> WARMED = EnumSet.noneOf(Transport.class);

    /** Round trips on the toxic-free path: enough for the JIT's optimising tier to compile it. */
    private static final int FAST_PATH_TRIPS = Integer.getInteger("chaosgate.link.warmUpTrips", 20_000);
    private static final int CONNECTIONS = 64;
    private static final int TOXIC_TRIPS = 10;
    /** Round trips per connection between two looks at what the JIT has compiled. */
    private static final int SETTLE_TRIPS = 1_000;
    private static final long BUDGET_NANOS = TimeUnit.MILLISECONDS.toNanos(Long.getLong("chaosgate.link.warmUpMillis", 3_000));
    /** How much longer than the budget the warm-up may take for the JIT to finish with the hot path. */
    private static final long DRAIN_EXTRA_NANOS = TimeUnit.MILLISECONDS.toNanos(1_000);

    private final EventLoopGroup group;
    private final Transport transport;
    private final ToxicRegistry registry;
    /** When the warm-up gives up; moved once by {@link #DRAIN_EXTRA_NANOS} for its last phase. */
    private long deadline;

    private DataPathWarmUp(EventLoopGroup group, Transport transport, ToxicRegistry registry) {
        this.group = group;
        this.transport = transport;
        this.registry = registry;
        this.deadline = System.nanoTime() + BUDGET_NANOS;
    }

    /**
     * Warms the data path of the given event loops; never throws (a failed warm-up only leaves the
     * first connections slower) and gives up after a few seconds on a very slow machine.
     */
    public static void run(EventLoopGroup group, Transport transport, ToxicRegistry registry, int eventLoops) {
        boolean full;
        synchronized (WARMED) {
            full = WARMED.add(transport);
        }
        try {
            new DataPathWarmUp(group, transport, registry).warm(full, eventLoops);
        } catch (IOException | RuntimeException e) {
            // A failed warm-up costs only speed.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void warm(boolean full, int eventLoops) throws IOException, InterruptedException {
        Echo echo = new Echo();
        String upstream = "127.0.0.1:" + echo.port();
        // Two throwaway proxies: one whose connections are read for request heads (as under a gateway)
        // and one whose are not (as in toxiproxy-server), so the compiled code has seen both ways.
        ProxyRuntime proxy = new ProxyRuntime(new ProxyRuntime.Shared(group, transport, registry, 0L, event -> { },
                DISCARDED_TRAFFIC), "chaosgate-warm-up", "127.0.0.1:0", upstream);
        ProxyRuntime plain = new ProxyRuntime(new ProxyRuntime.Shared(group, transport, registry, 0L, event -> { },
                ProxyRuntime.TrafficListener.NONE), "chaosgate-warm-up-plain", "127.0.0.1:0", upstream);
        try {
            proxy.start();
            plain.start();
            int port = proxy.info().listenPort();
            int plainPort = plain.info().listenPort();
            if (!full) {
                // Classes are loaded and compiled already: touch each new event loop (round-robin) once.
                for (int i = 0; i < 2 * eventLoops; i++) {
                    trips(i % 2 == 0 ? plainPort : port, 4);
                }
                return;
            }
            // New connections, two at a time, to compile the accept-and-dial path.
            Thread other = new Thread(() -> {
                for (int i = 0; i < CONNECTIONS / 2 && !late(); i++) {
                    safeTrips(port, 2);
                }
            }, "chaosgate-warm-up");
            other.setDaemon(true);
            other.start();
            for (int i = 0; i < CONNECTIONS / 2 && !late(); i++) {
                trips(plainPort, 2);
            }
            other.join(TimeUnit.NANOSECONDS.toMillis(Math.max(1, deadline - System.nanoTime())) + 1);
            for (ToxicDefinition toxic : passingToxics()) {
                if (late()) {
                    break;
                }
                proxy.addToxic(toxic);
                trips(port, TOXIC_TRIPS);
                proxy.removeToxic(toxic);
            }
            for (ToxicDefinition toxic : endingToxics()) {
                if (late()) {
                    break;
                }
                proxy.addToxic(toxic);
                tripUntilClosed(port);
                proxy.removeToxic(toxic);
            }
            // The toxic-free path, on two connections at once (both cores, and more invocations per second).
            Thread second = new Thread(() -> safeTrips(port, FAST_PATH_TRIPS / 2), "chaosgate-warm-up");
            second.setDaemon(true);
            second.start();
            safeTrips(plainPort, FAST_PATH_TRIPS / 2);
            second.join(TimeUnit.NANOSECONDS.toMillis(Math.max(1, deadline - System.nanoTime())) + 1);
            // Then as a client that thinks between requests: the loops fall asleep between trips,
            // and answers of other sizes, so the code for those has been seen before compiling.
            Thread paced = new Thread(() -> safePacedTrips(port), "chaosgate-warm-up");
            paced.setDaemon(true);
            paced.start();
            safePacedTrips(plainPort);
            paced.join(TimeUnit.NANOSECONDS.toMillis(Math.max(1, deadline - System.nanoTime())) + 1);
            // On a busy machine the JIT lags behind: keep the toxic-free path busy until a batch of
            // round trips makes it compile nothing new, so that work is not left for the first clients.
            deadline = Math.max(deadline, System.nanoTime()) + DRAIN_EXTRA_NANOS;
            awaitCompilations();
            long compiled = newestCompilation();
            while (compiled >= 0 && !late()) {
                Thread more = new Thread(() -> safeTrips(port, SETTLE_TRIPS), "chaosgate-warm-up");
                more.setDaemon(true);
                more.start();
                safeTrips(plainPort, SETTLE_TRIPS);
                more.join(TimeUnit.NANOSECONDS.toMillis(Math.max(1, deadline - System.nanoTime())) + 1);
                awaitCompilations();
                long now = newestCompilation();
                if (now == compiled) {
                    break;
                }
                compiled = now;
            }
        } finally {
            proxy.stop();
            plain.stop();
            echo.close();
        }
    }

    /**
     * Waits (within the budget) until the JIT has compiled what the warm-up made hot: compilations
     * still queued when the first client comes would take a core from it for milliseconds at a time.
     * The JIT's queues are read through the {@code compilerQueue} diagnostic command (what
     * {@code jcmd PID Compiler.queue} prints); where that is missing, the wait ends when the total
     * compilation time stops growing, which on a busy machine may only mean the compiler got no CPU.
     */
    private void awaitCompilations() throws InterruptedException {
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        long last = jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
        int quiet = 0;
        while (!late()) {
            Boolean empty = compileQueuesEmpty();
            if (empty == null) {
                if (last < 0) {
                    return;
                }
                Thread.sleep(20);
                long now = jit.getTotalCompilationTime();
                quiet = now == last ? quiet + 1 : 0;
                last = now;
                if (quiet >= 2) {
                    return;
                }
            } else if (empty) {
                return;
            } else {
                Thread.sleep(10);
            }
        }
    }

    /**
     * The highest id of the JIT's code in use, from the {@code compilerCodelist} diagnostic command
     * ({@code jcmd PID Compiler.codelist}): it grows with every compilation. -1 when this JVM cannot tell.
     */
    static long newestCompilation() {
        String list = diagnosticCommand("compilerCodelist");
        if (list == null) {
            return -1;
        }
        long newest = -1;
        for (String line : list.split("\n")) {
            // "<compile id> <level> <state> <method> [addresses]"
            int space = line.indexOf(' ');
            if (space > 0) {
                try {
                    newest = Math.max(newest, Long.parseLong(line.substring(0, space)));
                } catch (NumberFormatException e) {
                    // a line of another shape
                }
            }
        }
        return newest;
    }

    private static String diagnosticCommand(String operation) {
        try {
            Object answer = java.lang.management.ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), operation,
                    new Object[] {null}, new String[] {String[].class.getName()});
            return answer instanceof String text ? text : null;
        } catch (Exception | LinkageError e) {
            return null;
        }
    }

    /** Whether the JIT has nothing queued or compiling, or null when this JVM cannot tell. */
    static Boolean compileQueuesEmpty() {
        String text = diagnosticCommand("compilerQueue");
        if (text == null || !text.contains("compile queue")) {
            return null;
        }
        for (String line : text.split("\n")) {
            String trimmed = line.trim();
            if (!trimmed.isEmpty() && !trimmed.endsWith(":") && !trimmed.equals("Empty")) {
                return false;
            }
        }
        return true;
    }

    private boolean late() {
        return System.nanoTime() > deadline;
    }

    /** Toxics that let every byte through (with harmless values), each on both streams. */
    private List<ToxicDefinition> passingToxics() {
        List<ToxicDefinition> toxics = new ArrayList<>();
        for (String stream : List.of("upstream", "downstream")) {
            add(toxics, "latency", stream, Map.of("latency", 0L, "jitter", 0L));
            add(toxics, "bandwidth", stream, Map.of("rate", 1_000_000L));
            add(toxics, "slicer", stream, Map.of("average_size", 16L, "size_variation", 8L, "delay", 0L));
            add(toxics, "limit_data", stream, Map.of("bytes", 1L << 40));
            add(toxics, "slow_close", stream, Map.of("delay", 0L));
            add(toxics, "noop", stream, Map.of());
        }
        return toxics;
    }

    /** Toxics that end the connection, so the closing and resetting paths are loaded too. */
    private List<ToxicDefinition> endingToxics() {
        List<ToxicDefinition> toxics = new ArrayList<>();
        for (String stream : List.of("upstream", "downstream")) {
            add(toxics, "limit_data", stream, Map.of("bytes", 32L));
            add(toxics, "timeout", stream, Map.of("timeout", 1L));
            add(toxics, "reset_peer", stream, Map.of("timeout", 0L));
        }
        return toxics;
    }

    private void add(List<ToxicDefinition> toxics, String type, String stream, Map<String, Long> attributes) {
        registry.find(type).ifPresent(provider -> {
            // Unknown attribute names would be refused by a changed toxic: keep only what it declares.
            Map<String, Long> known = new java.util.LinkedHashMap<>();
            provider.attributes().forEach(attribute -> known.put(attribute.name(), attributes.getOrDefault(attribute.name(), 0L)));
            if (provider.validate(known) == null) {
                toxics.add(new ToxicDefinition("warm-up-" + type + "-" + stream, type, stream, 1f, known));
            }
        });
    }

    private void safeTrips(int port, int count) {
        try {
            trips(port, count);
        } catch (IOException e) {
            // speed only
        }
    }

    private static final int PACED_TRIPS = 400;

    /** Round trips with pauses longer than the loops' spinning between them, some with larger messages. */
    private void safePacedTrips(int port) {
        byte[] large = new byte[48 * 1024];
        try (Socket socket = new Socket(LOOPBACK, port)) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(2_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (int i = 0; i < PACED_TRIPS && !late(); i++) {
                byte[] message = i % 40 == 39 ? large : REQUEST;
                out.write(message);
                if (in.readNBytes(large, 0, message.length) < message.length) {
                    return;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(200_000);
            }
        } catch (IOException e) {
            // speed only
        }
    }

    /** One connection, {@code count} request/echo round trips, then a clean close. */
    private void trips(int port, int count) throws IOException {
        byte[] reply = new byte[REQUEST.length];
        try (Socket socket = new Socket(LOOPBACK, port)) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(2_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (int i = 0; i < count && !late(); i++) {
                out.write(REQUEST);
                if (in.readNBytes(reply, 0, reply.length) < reply.length) {
                    return;
                }
            }
        }
    }

    /** Sends until the link ends the connection (any way it does), for the toxics that end it. */
    private void tripUntilClosed(int port) {
        try (Socket socket = new Socket(LOOPBACK, port)) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            byte[] reply = new byte[REQUEST.length];
            for (int i = 0; i < 4 && !late(); i++) {
                out.write(REQUEST);
                if (in.readNBytes(reply, 0, reply.length) < reply.length) {
                    return;
                }
            }
        } catch (IOException expected) {
            // closed, reset or timed out: what these toxics do
        }
    }

    /**
     * An echo server on threads of its own, as a real upstream is: on the link's own event loops the
     * loops would never wait for an answer, and the code that waits would stay cold.
     */
    private static final class Echo implements AutoCloseable {
        private final ServerSocket server;

        Echo() throws IOException {
            server = new ServerSocket(0, 64, LOOPBACK);
            Thread acceptor = new Thread(this::accept, "chaosgate-warm-up-echo");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void accept() {
            try {
                while (true) {
                    Socket socket = server.accept();
                    Thread worker = new Thread(() -> {
                        try (socket) {
                            socket.setTcpNoDelay(true);
                            socket.getInputStream().transferTo(socket.getOutputStream());
                        } catch (IOException ignored) {
                            // the link closed or reset it
                        }
                    }, "chaosgate-warm-up-echo");
                    worker.setDaemon(true);
                    worker.start();
                }
            } catch (IOException closed) {
                // warm-up over
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    /** Reads request heads (so that path is warm too) and tells nobody. */
    private static final ProxyRuntime.TrafficListener DISCARDED_TRAFFIC = new ProxyRuntime.TrafficListener() {
        @Override
        public boolean wanted() {
            return true;
        }

        @Override
        public void accept(dev.chaosgate.link.LinkConnection connection) {
        }
    };
}
