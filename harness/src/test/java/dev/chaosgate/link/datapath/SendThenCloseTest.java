package dev.chaosgate.link.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaosgate.link.ToxicStream;
import dev.chaosgate.link.testing.LinkTestSupport;
import dev.chaosgate.link.testing.TestThreads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A peer that sends a few bytes and closes (or half-closes) at once, the way {@code printf … | nc -N},
 * statsd lines or HTTP/1.0 clients do: through the link, the other side must get every byte, then EOF,
 * on every one of 1,000 connections, each way, with and without toxics. The early bytes and the close
 * race the link's dial to the upstream, which is what used to lose them.
 *
 * <p>{@code -Dchaosgate.datapath.connections=N} runs N connections per case instead of 1,000.
 */
@Timeout(180)
class SendThenCloseTest extends LinkTestSupport {
    private static final int CONNECTIONS = Integer.getInteger("chaosgate.datapath.connections", 1_000);
    private static final int PARALLEL = 16;
    private static final int HEADER = 8;

    enum Ending { CLOSE, HALF_CLOSE }

    private ThreadPoolExecutor upstreamThreads;
    private ServerSocket upstream;
    private ExecutorService clients;
    /** Upstream connections the test could not serve for want of threads (a test failure, not a link one). */
    private final AtomicInteger upstreamOverflow = new AtomicInteger();

    @BeforeEach
    void startUpstream() throws IOException {
        upstreamThreads = TestThreads.bounded("upstream", 512);
        upstream = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
        clients = Executors.newFixedThreadPool(PARALLEL);
    }

    @AfterEach
    void stopUpstream() throws IOException {
        clients.shutdownNow();
        upstream.close();
        TestThreads.shutdown(upstreamThreads);
    }

    @ParameterizedTest(name = "client sends then {0}, toxics {1}")
    @CsvSource({"CLOSE, false", "HALF_CLOSE, false", "CLOSE, true", "HALF_CLOSE, true"})
    void everyByteTheClientSentReachesTheUpstreamThenEof(Ending ending, boolean toxics) throws Exception {
        int port = proxy(toxics);
        Map<Integer, CompletableFuture<Received>> byId = new ConcurrentHashMap<>();
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        serve(socket -> {
            Received got = readToEnd(socket);
            if (got.bytes().length < HEADER) {
                problems.add("an upstream connection got " + got.bytes().length + " bytes, less than a header, then " + describe(got));
            } else {
                byId.computeIfAbsent(got.id(), id -> new CompletableFuture<>()).complete(got);
            }
        });

        runClients(problems, id -> {
            try (Socket client = connectTo(port)) {
                client.getOutputStream().write(message(id));
                if (ending == Ending.HALF_CLOSE) {
                    client.shutdownOutput();
                    Received back = readToEnd(client);
                    if (back.bytes().length > 0 || back.error() != null) {
                        problems.add("connection " + id + ": the client got " + back.bytes().length + " bytes back, then " + describe(back));
                    }
                }
            }
            // One connection's upstream side at a time per client thread, so the upstream's threads stay few.
            Received got;
            try {
                got = byId.computeIfAbsent(id, k -> new CompletableFuture<>()).get(3, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                problems.add("connection " + id + ": the upstream never got its first bytes (3 s)");
                return;
            }
            if (!Arrays.equals(got.bytes(), message(id))) {
                problems.add("connection " + id + ": the upstream got " + got.bytes().length + " of " + message(id).length + " bytes");
            } else if (got.error() != null) {
                problems.add("connection " + id + ": the upstream's read ended with " + got.error() + " instead of EOF");
            }
        });

        assertThat(upstreamOverflow).as("upstream connections left unserved (more than 512 open at once)").hasValue(0);
        assertThat(problems).as("connections whose bytes or close were lost (of %d; %s, toxics %s)", CONNECTIONS, ending, toxics)
                .isEmpty();
        assertThat(byId).hasSize(CONNECTIONS);
    }

    @ParameterizedTest(name = "upstream sends then {0}, toxics {1}")
    @CsvSource({"CLOSE, false", "HALF_CLOSE, false", "CLOSE, true", "HALF_CLOSE, true"})
    void everyByteTheUpstreamSentReachesTheClientThenEof(Ending ending, boolean toxics) throws Exception {
        int port = proxy(toxics);
        AtomicInteger accepted = new AtomicInteger();
        serve(socket -> {
            int id = accepted.getAndIncrement();
            socket.getOutputStream().write(message(id));
            if (ending == Ending.HALF_CLOSE) {
                socket.shutdownOutput();
                readToEnd(socket);
            }
            socket.close();
        });
        Map<Integer, Received> byId = new ConcurrentHashMap<>();
        List<String> problems = Collections.synchronizedList(new ArrayList<>());

        runClients(problems, ignored -> {
            try (Socket client = connectTo(port)) {
                Received got = readToEnd(client);
                if (got.bytes().length < HEADER) {
                    problems.add("a client got " + got.bytes().length + " bytes, less than a header, then " + describe(got));
                    return;
                }
                byId.put(got.id(), got);
                if (!Arrays.equals(got.bytes(), message(got.id()))) {
                    problems.add("connection " + got.id() + ": the client got " + got.bytes().length + " of "
                            + message(got.id()).length + " bytes");
                } else if (got.error() != null) {
                    problems.add("connection " + got.id() + ": the client's read ended with " + got.error() + " instead of EOF");
                }
            }
        });

        assertThat(problems).as("connections whose bytes or close were lost (of %d; %s, toxics %s)", CONNECTIONS, ending, toxics)
                .isEmpty();
        assertThat(byId).as("distinct upstream connections seen by the clients").hasSize(CONNECTIONS);
    }

    // ---- helpers ----

    private int proxy(boolean toxics) {
        int port = engine.createProxy("p", "127.0.0.1:0", "127.0.0.1:" + upstream.getLocalPort(), true).listenPort();
        if (toxics) {
            for (ToxicStream stream : ToxicStream.values()) {
                String s = stream.wireName();
                addToxic("p", "noop_" + s, "noop", stream, Map.of());
                addToxic("p", "latency_" + s, "latency", stream, Map.of("latency", 2L, "jitter", 1L));
                addToxic("p", "slicer_" + s, "slicer", stream, Map.of("average_size", 64L, "size_variation", 32L, "delay", 10L));
                addToxic("p", "slow_close_" + s, "slow_close", stream, Map.of("delay", 3L));
                addToxic("p", "bandwidth_" + s, "bandwidth", stream, Map.of("rate", 100_000L));
            }
        }
        return port;
    }

    /** Id, length, then a pattern of that length: each connection's bytes differ. */
    private static byte[] message(int id) {
        int length = 1 + (id * 37) % 1_500;
        byte[] body = pattern(length, id);
        return ByteBuffer.allocate(HEADER + length).putInt(id).putInt(length).put(body).array();
    }

    private record Received(byte[] bytes, IOException error) {
        int id() {
            return bytes.length >= 4 ? ByteBuffer.wrap(bytes).getInt() : -1;
        }
    }

    private static String describe(Received got) {
        return got.error() == null ? "EOF" : got.error().toString();
    }

    private static Received readToEnd(Socket socket) throws IOException {
        socket.setSoTimeout(10_000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        InputStream in = socket.getInputStream();
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
            }
            return new Received(out.toByteArray(), null);
        } catch (IOException e) {
            return new Received(out.toByteArray(), e);
        }
    }

    private Socket connectTo(int port) throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        return socket;
    }

    private interface SocketWork {
        void run(Socket socket) throws IOException;
    }

    private interface IdWork {
        void run(int id) throws Exception;
    }

    /** Accepts in the background and runs {@code work} on each connection on its own thread. */
    private void serve(SocketWork work) {
        upstreamThreads.execute(() -> {
            while (!upstream.isClosed()) {
                Socket socket;
                try {
                    socket = upstream.accept();
                } catch (IOException e) {
                    return;
                }
                try {
                    upstreamThreads.execute(() -> {
                        try (socket) {
                            work.run(socket);
                        } catch (IOException ignored) {
                            // the client side reports what went missing
                        }
                    });
                } catch (RejectedExecutionException e) {
                    upstreamOverflow.incrementAndGet();
                    try {
                        socket.close();
                    } catch (IOException ignored) {
                        // counted above
                    }
                }
            }
        });
    }

    /**
     * Runs connections 0..CONNECTIONS-1, {@link #PARALLEL} at a time, failing on the first exception
     * and stopping early once {@code problems} holds 20, so a broken link fails fast.
     */
    private void runClients(List<String> problems, IdWork work) throws Exception {
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> runs = new ArrayList<>();
        for (int t = 0; t < PARALLEL; t++) {
            runs.add(clients.submit(() -> {
                int id;
                while ((id = next.getAndIncrement()) < CONNECTIONS && problems.size() < 20) {
                    work.run(id);
                }
                return null;
            }));
        }
        for (Future<?> run : runs) {
            run.get(150, TimeUnit.SECONDS);
        }
    }

}
