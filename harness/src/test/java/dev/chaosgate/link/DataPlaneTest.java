package dev.chaosgate.link;

import static dev.chaosgate.link.testing.Timing.millisSince;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.chaosgate.link.testing.LinkTestSupport;
import dev.chaosgate.link.testing.TcpPeer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Proxy-level behaviour of the link engine over real loopback sockets. */
@Timeout(60)
class DataPlaneTest extends LinkTestSupport {
    private static final long CLASSIFY_LATENCY_MS = 300;

    // ---- plain relaying ----

    @Test
    void relaysLargeAndMultiPartMessagesIntact() throws Exception {
        int port = proxyToEcho("p");
        Socket client = connect(port);
        byte[] big = pattern(64 * 1024, 1);

        client.getOutputStream().write(big);
        assertThat(readExactly(client, big.length)).isEqualTo(big);

        client.getOutputStream().write("hello ".getBytes());
        Thread.sleep(20);
        client.getOutputStream().write("world".getBytes());
        assertThat(new String(readExactly(client, 11))).isEqualTo("hello world");
    }

    @Test
    void unreachableUpstreamAcceptsThenCloses() throws Exception {
        int port = engine.createProxy("p", "127.0.0.1:0", "127.0.0.1:" + unusedPort(), true).listenPort();

        Socket client = connect(port);
        assertThat(client.isConnected()).isTrue();
        assertEof(client, SHORT);
        await().atMost(SHORT).until(() -> engine.counters("p").connectionsAccepted() == 1);
        assertThat(engine.counters("p").connectionsOpen()).isZero();
    }

    @Test
    void disabledProxyRefusesConnectionsAndClosesLiveOnesAndReEnableBindsTheSamePort() throws Exception {
        int port = proxyToEcho("p");
        Socket live = connect(port);
        assertThat(roundTripMillis(live, "hi".getBytes())).isLessThan(500);

        engine.updateProxy("p", null, null, false);
        assertEof(live, SHORT);
        assertThat(engine.proxy("p").enabled()).isFalse();
        assertThatThrownBy(() -> connect(port)).isInstanceOf(ConnectException.class);

        engine.updateProxy("p", null, null, true);
        assertThat(engine.proxy("p").listenPort()).isEqualTo(port);
        Socket again = connect(port);
        assertThat(roundTripMillis(again, "back".getBytes())).isLessThan(500);
    }

    @Test
    void toxicsSurviveDisableAndEnable() throws Exception {
        int port = proxyToEcho("p");
        addToxic("p", "lat", "latency", ToxicStream.UPSTREAM, Map.of("latency", 150L, "jitter", 0L));
        engine.updateProxy("p", null, null, false);
        engine.updateProxy("p", null, null, true);

        Socket client = connect(port);
        assertThat(roundTripMillis(client, "x".getBytes())).isBetween(150L - 60, 150L * 2 + 60);
    }

    @Test
    void deleteClosesLiveConnectionsOnBothSides() throws Exception {
        int port = proxyToSink("p");
        Socket client = connect(port);
        TcpPeer server = sink.awaitPeer(SHORT);

        engine.deleteProxy("p");
        assertEof(client, SHORT);
        server.awaitEnd(SHORT);
        assertThatThrownBy(() -> connect(port)).isInstanceOf(ConnectException.class);
    }

    @Test
    void changingTheUpstreamDropsLiveConnections() throws Exception {
        int port = proxyToSink("p");
        Socket client = connect(port);
        sink.awaitPeer(SHORT);

        engine.updateProxy("p", null, echo.address(), null);
        assertEof(client, SHORT);
        Socket fresh = connect(engine.proxy("p").listenPort());
        assertThat(roundTripMillis(fresh, "echo".getBytes())).isLessThan(500);
    }

    @Test
    void countersCountConnectionsAndBytesEachWay() throws Exception {
        int port = proxyToSink("p");
        TcpPeer first = connectRecording(port);
        TcpPeer firstServer = sink.awaitPeer(SHORT);
        Socket second = connect(port);
        TcpPeer secondServer = sink.awaitPeer(SHORT);
        await().atMost(SHORT).until(() -> engine.counters("p").connectionsOpen() == 2);

        first.send(new byte[100]);
        second.getOutputStream().write(new byte[50]);
        firstServer.awaitReceived(100, SHORT);
        secondServer.awaitReceived(50, SHORT);
        firstServer.send(new byte[1_000]);
        first.awaitReceived(1_000, SHORT);

        ProxyCounters counters = engine.counters("p");
        assertThat(counters.connectionsAccepted()).isEqualTo(2);
        assertThat(counters.connectionsOpen()).isEqualTo(2);
        assertThat(counters.upstreamBytesIn()).isEqualTo(150);
        assertThat(counters.upstreamBytesOut()).isEqualTo(150);
        assertThat(counters.downstreamBytesIn()).isEqualTo(1_000);
        assertThat(counters.downstreamBytesOut()).isEqualTo(1_000);

        second.close();
        secondServer.awaitEnd(SHORT);
        await().atMost(SHORT).until(() -> engine.counters("p").connectionsOpen() == 1);
    }

    @Test
    void countersShowBytesAToxicHolds() throws Exception {
        int port = proxyToSink("p");
        addToxic("p", "cut", "bandwidth", ToxicStream.UPSTREAM, Map.of("rate", 0L));
        Socket client = connect(port);
        TcpPeer server = sink.awaitPeer(SHORT);

        client.getOutputStream().write(new byte[500]);
        await().atMost(SHORT).until(() -> engine.counters("p").upstreamBytesIn() == 500);
        assertThat(engine.counters("p").upstreamBytesOut()).isZero();
        engine.removeToxic("p", "cut");
        server.awaitReceived(500, SHORT);
        assertThat(engine.counters("p").upstreamBytesOut()).isEqualTo(500);
    }

    // ---- toxicity ----

    @Test
    void toxicityHalfDelaysAboutHalfTheConnectionsAndStaysWithEachConnection() throws Exception {
        int port = proxyToEcho("p");
        engine.addToxic("p", "lat", "latency", ToxicStream.UPSTREAM, 0.5f,
                Map.of("latency", CLASSIFY_LATENCY_MS, "jitter", 0L));

        List<Boolean> delayed = new ArrayList<>();
        for (int batch = 0; batch < 3; batch++) {
            delayed.addAll(delayedPattern(engine, "p", port, 40, true));
        }
        long count = delayed.stream().filter(d -> d).count();
        assertThat((double) count / delayed.size()).as("fraction of %d connections delayed", delayed.size())
                .isBetween(0.3, 0.7);
    }

    @Test
    void anUpdateReRollsToxicityOnLiveConnections() throws Exception {
        int port = proxyToEcho("p");
        engine.addToxic("p", "lat", "latency", ToxicStream.UPSTREAM, 0.5f, Map.of("latency", CLASSIFY_LATENCY_MS));
        List<Socket> sockets = openSequentially(engine, "p", port, 20);

        List<Boolean> before = delayedOnce(sockets);
        engine.updateToxic("p", "lat", 0.5f, Map.of());
        List<Boolean> after = delayedOnce(sockets);
        assertThat(after).as("decisions after a no-op update (before: %s)", before).isNotEqualTo(before);
    }

    @Test
    void toxicityZeroNeverAndOneAlwaysApplies() throws Exception {
        int port = proxyToEcho("p");
        engine.addToxic("p", "never", "latency", ToxicStream.UPSTREAM, 0f, Map.of("latency", CLASSIFY_LATENCY_MS));
        assertThat(delayedPattern(engine, "p", port, 10, false)).containsOnly(false);

        engine.updateToxic("p", "never", 1f, Map.of());
        assertThat(delayedPattern(engine, "p", port, 10, false)).containsOnly(true);
    }

    @Test
    void theSameSeedGivesTheSameToxicityDecisionsAndAnotherSeedDifferentOnes() throws Exception {
        List<Boolean> first = toxicityDecisions(SEED);
        List<Boolean> second = toxicityDecisions(SEED);
        List<Boolean> other = toxicityDecisions(SEED + 1);

        assertThat(first.stream().filter(d -> d).count()).as("some but not all delayed: %s", first).isBetween(5L, 35L);
        assertThat(second).as("same seed").isEqualTo(first);
        assertThat(other).as("different seed").isNotEqualTo(first);
    }

    @Test
    void theSameSeedGivesTheSameSlicerSizesAndAnotherSeedDifferentOnes() throws Exception {
        List<Integer> first = null;
        List<Integer> second = null;
        // A read can merge two slices when the reader is descheduled for the whole 10 ms gap on a busy
        // machine; retry the pair a couple of times before calling it a difference.
        for (int attempt = 0; attempt < 3; attempt++) {
            first = slicerReads(SEED);
            second = slicerReads(SEED);
            if (first.equals(second)) {
                break;
            }
        }
        List<Integer> other = slicerReads(SEED ^ 0x5DEECE66DL);

        assertThat(first).as("slices of 64 B at average 6 / variation 5").hasSizeGreaterThan(5);
        assertThat(second).as("same seed").isEqualTo(first);
        assertThat(other).as("different seed").isNotEqualTo(first);
    }

    // ---- changing toxics on live connections ----

    @Test
    void noDataDroppedWhileALatencyToxicIsAddedAndRemovedInALoop() throws Exception {
        // Toxiproxy's TestNoDataDropped: 65,535 sequenced 2-byte writes.
        int port = proxyToSink("p");
        Socket client = connect(port);
        TcpPeer server = sink.awaitPeer(SHORT);
        int count = 65_535;
        AtomicBoolean writing = new AtomicBoolean(true);
        Future<?> writer = background(() -> {
            try {
                OutputStream out = client.getOutputStream();
                byte[] value = new byte[2];
                for (int i = 0; i < count; i++) {
                    value[0] = (byte) (i >>> 8);
                    value[1] = (byte) i;
                    out.write(value);
                }
            } finally {
                writing.set(false);
            }
            return null;
        });

        int changes = 0;
        while (writing.get() && changes < 400) {
            addToxic("p", "lat", "latency", ToxicStream.UPSTREAM, Map.of("latency", 5L, "jitter", 3L));
            Thread.sleep(1);
            engine.removeToxic("p", "lat");
            changes += 2;
        }
        writer.get(20, TimeUnit.SECONDS);
        if (engine.toxics("p").size() > 0) {
            engine.removeToxic("p", "lat");
        }

        server.awaitReceived(2 * count, Duration.ofSeconds(20));
        ByteBuffer received = ByteBuffer.wrap(server.received());
        assertThat(received.remaining()).isEqualTo(2 * count);
        for (int i = 0; i < count; i++) {
            int value = received.getShort() & 0xFFFF;
            if (value != i) {
                throw new AssertionError("value " + i + " arrived as " + value + " (" + changes + " toxic changes)");
            }
        }
        assertThat(changes).as("toxic changes during the transfer").isPositive();
    }

    @Test
    void noDataDroppedOrReorderedWhileMixedToxicsComeAndGoOnBothStreams() throws Exception {
        int port = proxyToEcho("p");
        Socket client = connect(port);
        client.setSoTimeout(200);
        AtomicBoolean mutating = new AtomicBoolean(true);
        AtomicLong written = new AtomicLong(-1);
        int minBytes = 4 << 20;
        int maxBytes = 32 << 20;

        Future<?> writer = background(() -> {
            OutputStream out = client.getOutputStream();
            ByteBuffer block = ByteBuffer.allocate(16 * 1024);
            int next = 0;
            long total = 0;
            try {
                while (total < maxBytes && (total < minBytes || mutating.get())) {
                    block.clear();
                    while (block.hasRemaining()) {
                        block.putInt(next++);
                    }
                    out.write(block.array());
                    total += block.capacity();
                }
            } finally {
                written.set(total);
            }
            return null;
        });
        Future<Long> reader = background(() -> {
            InputStream in = client.getInputStream();
            byte[] buffer = new byte[64 * 1024 + 4];
            int carried = 0;
            long read = 0;
            int expected = 0;
            while (written.get() < 0 || read < written.get()) {
                int n;
                try {
                    n = in.read(buffer, carried, buffer.length - 4 - carried);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                if (n < 0) {
                    throw new AssertionError("EOF after " + read + " bytes");
                }
                read += n;
                int available = carried + n;
                int whole = available - available % 4;
                ByteBuffer values = ByteBuffer.wrap(buffer, 0, whole);
                while (values.hasRemaining()) {
                    int value = values.getInt();
                    if (value != expected) {
                        throw new AssertionError("int #" + expected + " arrived as " + value);
                    }
                    expected++;
                }
                carried = available - whole;
                System.arraycopy(buffer, whole, buffer, 0, carried);
            }
            return read;
        });

        String[] types = {"latency", "slicer", "noop", "bandwidth"};
        List<Map<String, Long>> attributes = List.of(
                Map.of("latency", 3L, "jitter", 2L),
                Map.of("average_size", 2048L, "size_variation", 1024L, "delay", 5L),
                Map.of(),
                Map.of("rate", 50_000L));
        Deque<String> active = new ArrayDeque<>();
        int changes = 0;
        try {
            for (int i = 0; i < 200; i++) {
                String name = "t" + i;
                ToxicStream stream = (i / 4) % 2 == 0 ? ToxicStream.UPSTREAM : ToxicStream.DOWNSTREAM;
                addToxic("p", name, types[i % 4], stream, attributes.get(i % 4));
                active.addLast(name);
                changes++;
                if (active.size() > 3) {
                    engine.removeToxic("p", active.removeFirst());
                    changes++;
                }
                Thread.sleep(1);
            }
        } finally {
            mutating.set(false);
        }
        while (!active.isEmpty()) {
            engine.removeToxic("p", active.removeFirst());
            changes++;
        }

        writer.get(30, TimeUnit.SECONDS);
        long read = reader.get(30, TimeUnit.SECONDS);
        assertThat(read).isEqualTo(written.get()).isGreaterThanOrEqualTo(minBytes);
        assertThat(changes).isGreaterThanOrEqualTo(390);
        ProxyCounters counters = engine.counters("p");
        assertThat(counters.upstreamBytesOut()).isEqualTo(written.get());
        assertThat(counters.downstreamBytesOut()).isEqualTo(written.get());
    }

    @Test
    void removingAToxicNeverBlocksOnAClientThatDoesNotRead() throws Exception {
        int port = proxyToSink("p");
        addToxic("p", "cut", "bandwidth", ToxicStream.DOWNSTREAM, Map.of("rate", 0L));
        Socket client = stalledClient(port);
        TcpPeer server = sink.awaitPeer(SHORT);
        Future<?> flood = flood(server, 64 << 20);

        await().atMost(Duration.ofSeconds(5)).until(() -> engine.counters("p").downstreamBytesIn() >= 256 << 10);
        assertThat(engine.counters("p").downstreamBytesOut()).as("held by the rate-0 toxic").isZero();
        long start = System.nanoTime();
        engine.removeToxic("p", "cut");
        assertThat(millisSince(start)).as("removing the rate-0 toxic").isLessThan(1_000);

        start = System.nanoTime();
        addToxic("p", "lat", "latency", ToxicStream.DOWNSTREAM, Map.of("latency", 10_000L));
        engine.updateToxic("p", "lat", null, Map.of("latency", 20_000L));
        engine.removeToxic("p", "lat");
        assertThat(millisSince(start)).as("add, update and remove with a stalled client").isLessThan(1_000);

        start = System.nanoTime();
        engine.deleteProxy("p");
        assertThat(millisSince(start)).as("deleting the proxy").isLessThan(1_000);
        flood.cancel(true);
    }

    @Test
    void removingALatencyToxicThatHoldsDataForAStalledClientDoesNotBlock() throws Exception {
        int port = proxyToSink("p");
        addToxic("p", "lat", "latency", ToxicStream.DOWNSTREAM, Map.of("latency", 10_000L));
        stalledClient(port);
        TcpPeer server = sink.awaitPeer(SHORT);
        Future<?> flood = flood(server, 64 << 20);

        await().atMost(Duration.ofSeconds(5)).until(() -> engine.counters("p").downstreamBytesIn() >= 256 << 10);
        assertThat(engine.counters("p").downstreamBytesOut()).as("held by the latency toxic").isZero();
        long start = System.nanoTime();
        engine.removeToxic("p", "lat");
        assertThat(millisSince(start)).as("removing the latency toxic").isLessThan(1_000);
        flood.cancel(true);
    }

    // ---- helpers ----

    /** A client with a tiny receive buffer that never reads. */
    private Socket stalledClient(int port) throws IOException {
        Socket client = new Socket();
        track(client);
        client.setReceiveBufferSize(4096);
        client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
        return client;
    }

    /** Has the upstream peer write up to {@code bytes} in the background (blocking once the proxy stops reading). */
    private Future<?> flood(TcpPeer server, int bytes) {
        return background(() -> {
            byte[] block = new byte[64 * 1024];
            try {
                for (int sent = 0; sent < bytes; sent += block.length) {
                    server.send(block);
                }
            } catch (IOException ignored) {
                // closed at the end of the test
            }
            return null;
        });
    }

    /**
     * Opens {@code count} connections one after another (so their sequence numbers follow the open
     * order), sends a byte on each at once, and reports which echoes came back late (rolled the
     * latency toxic). With {@code sticky}, does it twice and requires the same answer per connection.
     */
    private List<Boolean> delayedPattern(LinkEngine on, String proxy, int port, int count, boolean sticky) throws Exception {
        List<Socket> sockets = openSequentially(on, proxy, port, count);
        try {
            List<Boolean> delayed = delayedOnce(sockets);
            if (sticky) {
                assertThat(delayedOnce(sockets)).as("the same connections are delayed again").isEqualTo(delayed);
            }
            return delayed;
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    /** Opens connections one at a time, each registered before the next, so sequence numbers follow the order. */
    private List<Socket> openSequentially(LinkEngine on, String proxy, int port, int count) throws Exception {
        await().atMost(SHORT).pollInterval(Duration.ofMillis(2)).until(() -> on.counters(proxy).connectionsOpen() == 0);
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sockets.add(connect(port));
            long opened = i + 1;
            await().atMost(SHORT).pollInterval(Duration.ofMillis(1)).until(() -> on.counters(proxy).connectionsOpen() == opened);
        }
        return sockets;
    }

    private static List<Boolean> delayedOnce(List<Socket> sockets) throws Exception {
        int n = sockets.size();
        long[] sent = new long[n];
        long[] arrived = new long[n];
        Arrays.fill(arrived, -1);
        for (int i = 0; i < n; i++) {
            sent[i] = System.nanoTime();
            sockets.get(i).getOutputStream().write('?');
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int pending = n;
        while (pending > 0 && System.nanoTime() < deadline) {
            for (int i = 0; i < n; i++) {
                if (arrived[i] < 0) {
                    InputStream in = sockets.get(i).getInputStream();
                    if (in.available() > 0) {
                        assertThat(in.read()).isEqualTo('?');
                        arrived[i] = System.nanoTime();
                        pending--;
                    }
                }
            }
            Thread.sleep(2);
        }
        assertThat(pending).as("echoes still missing after 5 s").isZero();
        List<Boolean> delayed = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            delayed.add((arrived[i] - sent[i]) / 1_000_000 >= CLASSIFY_LATENCY_MS / 2);
        }
        return delayed;
    }

    private List<Boolean> toxicityDecisions(long seed) throws Exception {
        try (LinkEngine other = new LinkEngine(seed)) {
            int port = other.createProxy("repro", "127.0.0.1:0", echo.address(), true).listenPort();
            other.addToxic("repro", "lat", "latency", ToxicStream.UPSTREAM, 0.5f, Map.of("latency", CLASSIFY_LATENCY_MS));
            return delayedPattern(other, "repro", port, 40, false);
        }
    }

    private List<Integer> slicerReads(long seed) throws Exception {
        try (LinkEngine other = new LinkEngine(seed)) {
            int port = other.createProxy("repro", "127.0.0.1:0", sink.address(), true).listenPort();
            other.addToxic("repro", "slicer", "slicer", ToxicStream.UPSTREAM, 1f,
                    Map.of("average_size", 6L, "size_variation", 5L, "delay", 10_000L));
            try (Socket client = connect(port)) {
                TcpPeer server = sink.awaitPeer(SHORT);
                client.getOutputStream().write(pattern(64, 9));
                server.awaitReceived(64, LONG);
                return server.reads().stream().map(TcpPeer.Read::size).toList();
            }
        }
    }
}
