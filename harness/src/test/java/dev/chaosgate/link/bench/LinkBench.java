package dev.chaosgate.link.bench;

import dev.chaosgate.link.LinkEngine;
import dev.chaosgate.link.ToxicStream;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Benchmarks of the link engine against direct loopback, measured in the same run so the figures
 * are ratios on this machine. Run {@code scripts/bench-link} from the repository root; each part
 * can be run alone by naming it: {@code throughput}, {@code roundtrip}, {@code latency}, {@code idle}.
 */
public final class LinkBench {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final PrintStream OUT = System.out;

    private LinkBench() {
    }

    /** The parts run when none is named. */
    private static final List<String> ALL = List.of("first", "roundtrip", "roundtrip-loaded", "throughput", "latency", "idle");

    public static void main(String[] args) throws Exception {
        List<String> parts = args.length == 0 ? ALL : Arrays.asList(args);
        if (parts.equals(List.of("idle-peers"))) {
            IdlePeers.run();
            return;
        }
        OUT.printf("chaosgate link benchmarks: %d cores, %s, java %s, load average %s%s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.arch"), System.getProperty("java.version"), loadAverage(),
                toxiproxy() == null ? "; no Toxiproxy given (-Dbench.toxiproxy=PATH of toxiproxy-server)" : "; " + otherLabel() + ": " + toxiproxy());
        for (String part : parts) {
            switch (part) {
                case "first" -> firstConnection();
                case "roundtrip" -> roundTripFresh(false);
                case "roundtrip-loaded" -> roundTripFresh(true);
                case "roundtrip-steady" -> roundTripSteady();
                case "throughput" -> throughput();
                case "latency" -> latencyAccuracy();
                case "idle" -> idleConnections();
                default -> throw new IllegalArgumentException("unknown benchmark '" + part
                        + "': use first, roundtrip, roundtrip-loaded, roundtrip-steady, throughput, latency or idle");
            }
        }
    }

    /** The Toxiproxy {@code toxiproxy-server} binary to measure beside chaosgate, or null. */
    private static String toxiproxy() {
        String path = System.getProperty("bench.toxiproxy", System.getenv("TOXIPROXY_SERVER"));
        return path == null || path.isBlank() ? null : path;
    }

    /**
     * What the other server is called in the output: {@code toxiproxy}, or another name given with
     * {@code -Dbench.toxiproxy.label} for another binary that answers the same API (the plain Go proxy).
     */
    private static String otherLabel() {
        return System.getProperty("bench.toxiproxy.label", "toxiproxy");
    }

    /** The servers measured: chaosgate, and Toxiproxy when given. */
    private static List<String> servers() {
        return toxiproxy() == null ? List.of("chaosgate") : List.of("chaosgate", otherLabel());
    }

    private static ServerProcess startServer(String which) throws IOException, InterruptedException {
        return which.equals("chaosgate") ? ServerProcess.chaosgate() : ServerProcess.toxiproxy(toxiproxy(), otherLabel());
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim().split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    // ---- 0. first connections through a freshly started server ----

    /**
     * Time to first byte of the first connections through a server started just before: connect,
     * send 64 bytes, read the first byte of the echo. Each server is a new process whose API has just
     * answered for the first time; the baseline is the same exchange with the echo server directly.
     */
    static void firstConnection() throws Exception {
        int servers = Integer.getInteger("bench.first.servers", 5);
        int connections = 5;
        try (Echo echo = new Echo()) {
            long[] direct = new long[servers * connections];
            for (int i = 0; i < direct.length; i++) {
                direct[i] = firstByte(echo.port());
            }
            OUT.printf("first connection, direct: time to first byte p50 %.2f ms, max %.2f ms (%d fresh connections)%n",
                    pct(direct, 50) / 1000, pct(direct, 100) / 1000, direct.length);
            for (String which : servers()) {
                long[] first = new long[servers];
                long[] later = new long[servers * (connections - 1)];
                long[] ready = new long[servers];
                long[] create = new long[servers];
                for (int s = 0; s < servers; s++) {
                    try (ServerProcess server = startServer(which)) {
                        ready[s] = server.readyNanos();
                        long start = System.nanoTime();
                        int port = server.createProxy("first", echo.port());
                        create[s] = System.nanoTime() - start;
                        first[s] = firstByte(port);
                        for (int c = 1; c < connections; c++) {
                            later[s * (connections - 1) + c - 1] = firstByte(port);
                        }
                    }
                }
                OUT.printf("first connection, %s: time to first byte of connection 1: p50 %.2f ms (each server: %s ms),"
                                + " %.1fx direct; connections 2-%d p50 %.2f ms, max %.2f ms; API ready after p50 %.0f ms,"
                                + " POST /proxies p50 %.1f ms%n",
                        which, pct(first, 50) / 1000, millis(first), pct(first, 50) / pct(direct, 50), connections,
                        pct(later, 50) / 1000, pct(later, 100) / 1000, pct(ready, 50) / 1000, pct(create, 50) / 1000);
            }
        }
    }

    /** Connects, sends 64 bytes and returns the ns until the first byte of the echo arrived. */
    private static long firstByte(int port) throws IOException {
        byte[] message = new byte[64];
        long start = System.nanoTime();
        try (Socket socket = new Socket(LOOPBACK, port)) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(message);
            InputStream in = socket.getInputStream();
            if (in.read() < 0) {
                throw new IOException("connection to port " + port + " closed before the first byte");
            }
            long nanos = System.nanoTime() - start;
            in.readNBytes(message.length - 1);
            return nanos;
        }
    }

    private static String millis(long[] nanos) {
        StringBuilder out = new StringBuilder();
        for (long n : nanos) {
            out.append(out.length() == 0 ? "" : ", ").append(String.format("%.1f", n / 1e6));
        }
        return out.toString();
    }

    // ---- 0b. round trips right after start, quiet or with a busy process on each core ----

    /**
     * 64-byte round trips through a freshly started server after a 200-trip warm-up, as a test
     * suite runs them, against the same round trips to the echo server directly, alternating blocks
     * so both see the same noise. {@code loaded}: one busy-loop process per core runs meanwhile.
     */
    static void roundTripFresh(boolean loaded) throws Exception {
        int rounds = Integer.getInteger("bench.roundtrip.rounds", 3);
        int warmUp = Integer.getInteger("bench.roundtrip.warmUp", 200);
        int blocks = 20;
        int perBlock = 250;
        String variant = loaded ? "loaded" : "quiet";
        try (Echo echo = new Echo(); BusyLoad load = loaded ? new BusyLoad(600) : null) {
            if (load != null) {
                OUT.printf("round trip, loaded: %d busy-loop processes running%n", load.size());
            }
            // Rounds outer, servers inner: each server's round r runs in the same minutes as the others', so a
            // change in the machine's load (other jobs on a CI runner) falls on all of them alike.
            List<String> servers = servers();
            double[][] addedP50 = new double[servers.size()][rounds];
            double[][] addedP99 = new double[servers.size()][rounds];
            double[][] slowDirect = new double[servers.size()][rounds];
            double[][] slowProxied = new double[servers.size()][rounds];
            double[][] proxiedP99 = new double[servers.size()][rounds];
            for (int r = 0; r < rounds; r++) {
                for (int s = 0; s < servers.size(); s++) {
                    String which = servers.get(s);
                    try (ServerProcess server = startServer(which)) {
                        int proxyPort = server.createProxy("roundtrip", echo.port());
                        Thread.sleep(Long.getLong("bench.roundtrip.pauseMillis", 0));
                        try (PingPong direct = new PingPong(echo.port()); PingPong proxied = new PingPong(proxyPort)) {
                            direct.run(warmUp, null, 0);
                            proxied.run(warmUp, null, 0);
                            long[] directNanos = new long[blocks * perBlock];
                            long[] proxiedNanos = new long[blocks * perBlock];
                            long measuredFrom = System.currentTimeMillis();
                            for (int block = 0; block < blocks; block++) {
                                direct.run(perBlock, directNanos, block * perBlock);
                                proxied.run(perBlock, proxiedNanos, block * perBlock);
                            }
                            if (Boolean.getBoolean("bench.roundtrip.window")) {
                                // Wall-clock window of the measured trips, to line up with a server's -Xlog:...:time or perf.
                                OUT.printf("  measured from %s to %s%n", java.time.Instant.ofEpochMilli(measuredFrom),
                                        java.time.Instant.now());
                            }
                            if (Boolean.getBoolean("bench.roundtrip.outliers")) {
                                StringBuilder slow = new StringBuilder();
                                for (int i = 0; i < proxiedNanos.length; i++) {
                                    if (proxiedNanos[i] > 500_000) {
                                        slow.append(' ').append(i).append(':').append(proxiedNanos[i] / 1000);
                                    }
                                }
                                OUT.println("  trips over 500 µs (index:µs):" + slow);
                            }
                            addedP50[s][r] = pct(proxiedNanos, 50) - pct(directNanos, 50);
                            addedP99[s][r] = pct(proxiedNanos, 99) - pct(directNanos, 99);
                            proxiedP99[s][r] = pct(proxiedNanos, 99);
                            slowDirect[s][r] = over(directNanos, 1_000_000);
                            slowProxied[s][r] = over(proxiedNanos, 1_000_000);
                            OUT.printf("round trip, %s, %s, fresh server %d, 64 B x %d after %d: direct p50 %.1f µs p99 %.1f µs;"
                                            + " through %s p50 %.1f µs p99 %.1f µs; added p50 %.1f µs, p99 %.1f µs;"
                                            + " trips over 1 ms: direct %d, %s %d%n",
                                    variant, which, r + 1, directNanos.length, warmUp, pct(directNanos, 50), pct(directNanos, 99),
                                    which, pct(proxiedNanos, 50), proxiedP99[s][r], addedP50[s][r], addedP99[s][r],
                                    (int) slowDirect[s][r], which, (int) slowProxied[s][r]);
                        }
                    }
                }
            }
            for (int s = 0; s < servers.size(); s++) {
                // With a busy process on each core the direct p99 itself jumps between rounds, so the
                // added p99 can mislead; the proxied p99 and the slow-trip counts are printed beside it.
                OUT.printf("round trip, %s, %s: median of %d fresh servers: added p50 %.1f µs, added p99 %.1f µs,"
                                + " p99 through %s %.1f µs; trips over 1 ms of %d: direct %.0f, %s %.0f%n",
                        variant, servers.get(s), rounds, median(addedP50[s]), median(addedP99[s]), servers.get(s),
                        median(proxiedP99[s]), blocks * perBlock, median(slowDirect[s]), servers.get(s), median(slowProxied[s]));
            }
        }
    }

    // ---- 1. throughput of a 100 MB transfer ----

    private static final long TRANSFER_BYTES = 100L * 1000 * 1000;

    static void throughput() throws Exception {
        List<String> targets = servers();
        List<ServerProcess> running = new ArrayList<>();
        try (Sink sink = new Sink()) {
            int[] ports = new int[targets.size()];
            for (int t = 0; t < targets.size(); t++) {
                ServerProcess server = startServer(targets.get(t));
                running.add(server);
                ports[t] = server.createProxy("throughput", sink.port());
            }
            // Warm-up every path (JIT, buffer pools), then alternate to share the machine's noise.
            transfer(sink, sink.port(), TRANSFER_BYTES / 4);
            for (int port : ports) {
                transfer(sink, port, TRANSFER_BYTES / 4);
            }
            int rounds = Integer.getInteger("bench.throughput.rounds", 5);
            double[] direct = new double[rounds];
            double[][] proxied = new double[targets.size()][rounds];
            for (int i = 0; i < rounds; i++) {
                direct[i] = transfer(sink, sink.port(), TRANSFER_BYTES);
                for (int t = 0; t < targets.size(); t++) {
                    proxied[t][i] = transfer(sink, ports[t], TRANSFER_BYTES);
                }
            }
            double d = median(direct);
            StringBuilder line = new StringBuilder(String.format("throughput  100 MB, median of %d rounds: direct %.0f MB/s", rounds, d));
            for (int t = 0; t < targets.size(); t++) {
                double p = median(proxied[t]);
                line.append(String.format("; %s %.0f MB/s (%.2f of direct)", targets.get(t), p, p / d));
            }
            if (targets.size() > 1) {
                line.append(String.format("; chaosgate / %s %.2f", targets.get(1), median(proxied[0]) / median(proxied[1])));
            }
            OUT.println(line);
        } finally {
            for (ServerProcess server : running) {
                server.close();
            }
        }
    }

    /** Sends {@code bytes} to the port and returns MB/s measured until the sink has them all. */
    private static double transfer(Sink sink, int port, long bytes) throws Exception {
        byte[] block = new byte[64 * 1024];
        Arrays.fill(block, (byte) 'x');
        sink.expect(bytes);
        long start = System.nanoTime();
        try (Socket socket = new Socket(LOOPBACK, port)) {
            socket.setSendBufferSize(1 << 20);
            OutputStream out = socket.getOutputStream();
            long left = bytes;
            while (left > 0) {
                int n = (int) Math.min(block.length, left);
                out.write(block, 0, n);
                left -= n;
            }
            sink.awaitAll();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return bytes / 1e6 / seconds;
    }

    /** Reads and discards everything any client sends, and signals when the expected count has arrived. */
    static final class Sink implements AutoCloseable {
        private final ServerSocket server;
        private final Thread acceptor;
        private volatile long expected;
        private long received;
        private final Object lock = new Object();

        Sink() throws IOException {
            server = new ServerSocket(0, 50, LOOPBACK);
            acceptor = new Thread(this::acceptLoop, "bench-sink");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        void expect(long bytes) {
            synchronized (lock) {
                expected = bytes;
                received = 0;
            }
        }

        void awaitAll() throws InterruptedException {
            synchronized (lock) {
                while (received < expected) {
                    lock.wait(10_000);
                }
            }
        }

        private void acceptLoop() {
            try {
                while (true) {
                    Socket socket = server.accept();
                    socket.setReceiveBufferSize(1 << 20);
                    Thread reader = new Thread(() -> drain(socket), "bench-sink-reader");
                    reader.setDaemon(true);
                    reader.start();
                }
            } catch (IOException closed) {
                // server closed
            }
        }

        private void drain(Socket socket) {
            byte[] buffer = new byte[256 * 1024];
            try (socket; InputStream in = socket.getInputStream()) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    synchronized (lock) {
                        received += n;
                        if (received >= expected) {
                            lock.notifyAll();
                        }
                    }
                }
            } catch (IOException ignored) {
                // peer gone
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    // ---- 2. added latency of a 64-byte round trip, steady state, in this JVM ----

    static void roundTripSteady() throws Exception {
        try (Echo echo = new Echo(); LinkEngine engine = new LinkEngine(1)) {
            int proxyPort = engine.createProxy("bench", "127.0.0.1:0", "127.0.0.1:" + echo.port(), true).listenPort();
            int blocks = 50;
            int perBlock = 1_000;
            try (PingPong direct = new PingPong(echo.port()); PingPong proxied = new PingPong(proxyPort)) {
                // Warm-up, then alternate small blocks so both paths see the same machine noise.
                direct.run(20_000, null, 0);
                proxied.run(20_000, null, 0);
                long[] directNanos = new long[blocks * perBlock];
                long[] proxiedNanos = new long[blocks * perBlock];
                for (int block = 0; block < blocks; block++) {
                    direct.run(perBlock, directNanos, block * perBlock);
                    proxied.run(perBlock, proxiedNanos, block * perBlock);
                }
                OUT.printf("round trip steady, 64 B x %d after 20,000: direct p50 %.1f µs p99 %.1f µs; through link p50 %.1f µs p99 %.1f µs; added p50 %.1f µs, p99 %.1f µs%n",
                        directNanos.length, pct(directNanos, 50), pct(directNanos, 99), pct(proxiedNanos, 50), pct(proxiedNanos, 99),
                        pct(proxiedNanos, 50) - pct(directNanos, 50), pct(proxiedNanos, 99) - pct(directNanos, 99));
            }
        }
    }

    /** Round-trip times in ns of 64-byte messages on one fresh connection. */
    private static long[] pingPong(int port, int count) throws IOException {
        long[] nanos = new long[count];
        try (PingPong connection = new PingPong(port)) {
            connection.run(count, nanos, 0);
        }
        return nanos;
    }

    /** One connection sending 64-byte messages and reading each echo before the next. */
    private static final class PingPong implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private final byte[] message = new byte[64];
        private final byte[] reply = new byte[64];

        PingPong(int port) throws IOException {
            socket = new Socket(LOOPBACK, port);
            socket.setTcpNoDelay(true);
            out = socket.getOutputStream();
            in = socket.getInputStream();
        }

        /** Runs {@code count} round trips, recording their ns into {@code nanos} from {@code offset} (null: discard). */
        void run(int count, long[] nanos, int offset) throws IOException {
            for (int i = 0; i < count; i++) {
                long start = System.nanoTime();
                out.write(message);
                int read = 0;
                while (read < reply.length) {
                    int n = in.read(reply, read, reply.length - read);
                    if (n < 0) {
                        throw new IOException("echo closed after " + i + " round trips");
                    }
                    read += n;
                }
                if (nanos != null) {
                    nanos[offset + i] = System.nanoTime() - start;
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Echoes every byte back, one thread per connection. */
    static final class Echo implements AutoCloseable {
        private final ServerSocket server;

        Echo() throws IOException {
            server = new ServerSocket(0, 50, LOOPBACK);
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        Socket socket = server.accept();
                        socket.setTcpNoDelay(true);
                        Thread worker = new Thread(() -> {
                            try (socket) {
                                socket.getInputStream().transferTo(socket.getOutputStream());
                            } catch (IOException ignored) {
                                // peer gone
                            }
                        }, "bench-echo");
                        worker.setDaemon(true);
                        worker.start();
                    }
                } catch (IOException closed) {
                    // server closed
                }
            }, "bench-echo-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    // ---- 3. accuracy of a 100 ms latency toxic ----

    static void latencyAccuracy() throws Exception {
        try (Echo echo = new Echo(); LinkEngine engine = new LinkEngine(1)) {
            int proxyPort = engine.createProxy("bench", "127.0.0.1:0", "127.0.0.1:" + echo.port(), true).listenPort();
            engine.addToxic("bench", "latency_downstream", "latency", ToxicStream.DOWNSTREAM, 1f, Map.of("latency", 100L, "jitter", 0L));
            pingPong(proxyPort, 3);
            int connections = 10;
            int perConnection = 30;
            ExecutorService pool = Executors.newFixedThreadPool(connections);
            List<Future<long[]>> futures = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                futures.add(pool.submit(() -> pingPong(proxyPort, perConnection)));
            }
            long[] all = new long[connections * perConnection];
            int at = 0;
            for (Future<long[]> future : futures) {
                for (long nanos : future.get(60, TimeUnit.SECONDS)) {
                    all[at++] = nanos - 100_000_000L;
                }
            }
            pool.shutdownNow();
            OUT.printf("latency     100 ms toxic, %d round trips on %d connections: error p50 %+.2f ms, p99 %+.2f ms, max %+.2f ms%n",
                    all.length, connections, pct(all, 50) / 1000, pct(all, 99) / 1000, pct(all, 100) / 1000);
        }
    }

    // ---- 4. 5,000 idle connections ----

    static void idleConnections() throws Exception {
        int count = Integer.getInteger("bench.idle.connections", 5000);
        // The peers (upstream acceptor and clients) run in a child JVM so that this process only
        // holds the link's own sockets: 4 sockets per proxied connection would not fit one fd limit.
        Process peers = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), LinkBench.class.getName(), "idle-peers")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (LinkEngine engine = new LinkEngine(1)) {
            BufferedReader fromPeers = new BufferedReader(new InputStreamReader(peers.getInputStream(), StandardCharsets.UTF_8));
            PrintStream toPeers = new PrintStream(peers.getOutputStream(), true, StandardCharsets.UTF_8);
            int upstreamPort = Integer.parseInt(fromPeers.readLine().trim());
            int proxyPort = engine.createProxy("idle", "127.0.0.1:0", "127.0.0.1:" + upstreamPort, true).listenPort();
            long heapBefore = usedHeapAfterGc();
            int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
            toPeers.println(proxyPort + " " + count);
            String ready = fromPeers.readLine();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (engine.counters("idle").connectionsOpen() < count && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            long open = engine.counters("idle").connectionsOpen();
            long heapAfter = usedHeapAfterGc();
            int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
            OUT.printf("idle        %s; %d connections open through one proxy: heap +%.1f MB (%.1f KB per connection), threads %d -> %d%n",
                    ready, open, (heapAfter - heapBefore) / 1e6, (heapAfter - heapBefore) / 1e3 / Math.max(1, open),
                    threadsBefore, threadsAfter);
            toPeers.println("exit");
        } finally {
            peers.waitFor(10, TimeUnit.SECONDS);
            peers.destroyForcibly();
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** The child side of {@link #idleConnections()}: an upstream that accepts and holds, and the idle clients. */
    static final class IdlePeers {
        static void run() throws Exception {
            List<SocketChannel> held = new ArrayList<>();
            try (ServerSocketChannel upstream = ServerSocketChannel.open()) {
                upstream.bind(new InetSocketAddress(LOOPBACK, 0), 8192);
                Thread acceptor = new Thread(() -> {
                    try {
                        while (true) {
                            SocketChannel accepted = upstream.accept();
                            synchronized (held) {
                                held.add(accepted);
                            }
                        }
                    } catch (IOException closed) {
                        // done
                    }
                }, "idle-upstream");
                acceptor.setDaemon(true);
                acceptor.start();
                System.out.println(((InetSocketAddress) upstream.getLocalAddress()).getPort());
                System.out.flush();
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                String[] request = in.readLine().trim().split(" ");
                int proxyPort = Integer.parseInt(request[0]);
                int count = Integer.parseInt(request[1]);
                List<SocketChannel> clients = new ArrayList<>();
                long start = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    clients.add(SocketChannel.open(new InetSocketAddress(LOOPBACK, proxyPort)));
                }
                System.out.printf("opened %d client connections in %d ms%n", count, (System.nanoTime() - start) / 1_000_000);
                System.out.flush();
                in.readLine();
                for (SocketChannel client : clients) {
                    client.close();
                }
            }
        }
    }

    // ---- statistics ----

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** How many samples are above {@code nanos}. */
    private static int over(long[] samples, long nanos) {
        int count = 0;
        for (long sample : samples) {
            if (sample > nanos) {
                count++;
            }
        }
        return count;
    }

    /** Percentile of nanosecond samples, in microseconds. */
    private static double pct(long[] nanos, double percentile) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int index = (int) Math.min(sorted.length - 1, Math.ceil(percentile / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1000.0;
    }
}
