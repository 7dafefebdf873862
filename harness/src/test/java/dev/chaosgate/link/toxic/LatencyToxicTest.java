package dev.chaosgate.link.toxic;

import static dev.chaosgate.link.testing.Timing.assertElapsed;
import static dev.chaosgate.link.testing.Timing.assertElapsedBetween;
import static dev.chaosgate.link.testing.Timing.millisBetween;
import static dev.chaosgate.link.testing.Timing.millisSince;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chaosgate.link.ToxicStream;
import dev.chaosgate.link.testing.LinkTestSupport;
import dev.chaosgate.link.testing.TcpPeer;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class LatencyToxicTest extends LinkTestSupport {
    private static final long TOLERANCE = 60;

    private static Map<String, Long> latency(long ms) {
        return Map.of("latency", ms, "jitter", 0L);
    }

    @Test
    void upstreamLatencyDelaysEachRoundTripOnce() throws Exception {
        int port = proxyToEcho("p");
        addToxic("p", "lat", "latency", ToxicStream.UPSTREAM, latency(200));
        Socket client = connect(port);

        for (int i = 0; i < 3; i++) {
            assertElapsed("round trip " + i, roundTripMillis(client, new byte[] {(byte) i}), 200, TOLERANCE);
        }
    }

    @Test
    void downstreamLatencyDelaysEachRoundTripOnce() throws Exception {
        int port = proxyToEcho("p");
        addToxic("p", "lat", "latency", ToxicStream.DOWNSTREAM, latency(200));
        Socket client = connect(port);

        for (int i = 0; i < 3; i++) {
            assertElapsed("round trip " + i, roundTripMillis(client, new byte[] {(byte) i}), 200, TOLERANCE);
        }
    }

    @Test
    void latencyBothWaysAdds() throws Exception {
        int port = proxyToEcho("p");
        addToxic("p", "up", "latency", ToxicStream.UPSTREAM, latency(150));
        addToxic("p", "down", "latency", ToxicStream.DOWNSTREAM, latency(150));
        Socket client = connect(port);

        assertElapsed("round trip", roundTripMillis(client, "ping".getBytes()), 300, TOLERANCE);
        assertElapsed("second round trip", roundTripMillis(client, "pong".getBytes()), 300, TOLERANCE);
    }

    @Test
    void chainedLatenciesOnOneStreamAdd() throws Exception {
        int port = proxyToEcho("p");
        addToxic("p", "first", "latency", ToxicStream.UPSTREAM, latency(200));
        addToxic("p", "second", "latency", ToxicStream.UPSTREAM, latency(100));
        Socket client = connect(port);

        assertElapsed("round trip", roundTripMillis(client, "x".getBytes()), 300, TOLERANCE);
    }

    @Test
    void delayCountsFromArrivalSoItDoesNotAccumulateAcrossChunks() throws Exception {
        int port = proxyToSink("p");
        addToxic("p", "lat", "latency", ToxicStream.UPSTREAM, latency(200));
        Socket client = connect(port);
        TcpPeer server = sink.awaitPeer(SHORT);

        long[] sent = new long[3];
        long start = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            long due = start + i * 50_000_000L;
            while (System.nanoTime() < due) {
                Thread.sleep(1);
            }
            sent[i] = System.nanoTime();
            client.getOutputStream().write(new byte[] {(byte) i, (byte) i, (byte) i, (byte) i});
        }
        server.awaitReceived(12, LONG);

        long[] arrived = new long[3];
        for (int i = 0; i < 3; i++) {
            arrived[i] = server.timeWhenReceived(4 * (i + 1));
            // Each chunk waits 200 ms from its own arrival (not from the previous chunk's release).
            assertElapsed("chunk " + i, millisBetween(sent[i], arrived[i]), 200, TOLERANCE);
        }
        // Cumulative delays would release the chunks 200 ms apart (400 ms from first to last);
        // per-arrival delays keep the writers' 50 ms spacing (~100 ms).
        assertElapsedBetween("first to last arrival", millisBetween(arrived[0], arrived[2]), 0, 300);
        assertThat(server.received()).containsExactly(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2);
    }

    @Test
    void jitterStaysWithinItsBoundsAndVaries() throws Exception {
        int port = proxyToEcho("p");
        addToxic("p", "lat", "latency", ToxicStream.UPSTREAM, Map.of("latency", 60L, "jitter", 40L));
        Socket client = connect(port);

        List<Long> samples = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            samples.add(roundTripMillis(client, new byte[] {(byte) i}));
        }
        // Delays are uniform in [latency - jitter, latency + jitter) = [20, 100) ms; timers never fire
        // early, so the lower bound is tight; the upper one allows a busy machine 2x plus slack.
        assertThat(samples).as("round trips (ms)").allSatisfy(ms -> assertThat(ms).isBetween(20L - 2, 2 * 100L + TOLERANCE));
        long min = samples.stream().mapToLong(Long::longValue).min().orElseThrow();
        long max = samples.stream().mapToLong(Long::longValue).max().orElseThrow();
        assertThat(max - min).as("spread of %s", samples).isGreaterThanOrEqualTo(20);
    }

    @Test
    void jitterLargerThanLatencyNeverWaitsNegatively() throws Exception {
        int port = proxyToEcho("p");
        addToxic("p", "lat", "latency", ToxicStream.DOWNSTREAM, Map.of("latency", 10L, "jitter", 50L));
        Socket client = connect(port);

        for (int i = 0; i < 10; i++) {
            assertThat(roundTripMillis(client, new byte[] {(byte) i})).isBetween(0L, 60L + TOLERANCE);
        }
    }

    @Test
    void addedToALiveConnectionAppliesToItsNextBytesAndRemovalRestoresSpeed() throws Exception {
        int port = proxyToEcho("p");
        Socket client = connect(port);
        assertThat(roundTripMillis(client, "a".getBytes())).isLessThan(150);

        addToxic("p", "lat", "latency", ToxicStream.DOWNSTREAM, latency(200));
        assertElapsed("with latency", roundTripMillis(client, "b".getBytes()), 200, TOLERANCE);

        engine.removeToxic("p", "lat");
        assertThat(roundTripMillis(client, "c".getBytes())).isLessThan(150);
    }

    @Test
    void removalReleasesHeldChunksAtOnce() throws Exception {
        int port = proxyToEcho("p");
        addToxic("p", "lat", "latency", ToxicStream.DOWNSTREAM, latency(10_000));
        Socket client = connect(port);
        client.getOutputStream().write("held".getBytes());
        Thread.sleep(150);

        long start = System.nanoTime();
        engine.removeToxic("p", "lat");
        assertThat(readExactly(client, 4)).isEqualTo("held".getBytes());
        assertThat(millisSince(start)).isLessThan(1_000);
    }

    @Test
    void updateKeepsOrderAndAppliesTheNewDelay() throws Exception {
        int port = proxyToEcho("p");
        addToxic("p", "lat", "latency", ToxicStream.UPSTREAM, latency(300));
        Socket client = connect(port);
        assertElapsed("before update", roundTripMillis(client, "1".getBytes()), 300, TOLERANCE);

        engine.updateToxic("p", "lat", null, Map.of("latency", 100L));
        assertElapsed("after update", roundTripMillis(client, "2".getBytes()), 100, TOLERANCE);
    }

    @Test
    void latencyDoesNotLimitThroughputAndKeepsBytesInOrder() throws Exception {
        int port = proxyToSink("p");
        addToxic("p", "lat", "latency", ToxicStream.UPSTREAM, Map.of("latency", 20L, "jitter", 10L));
        Socket client = connect(port);
        TcpPeer server = sink.awaitPeer(SHORT);
        byte[] data = pattern(8 << 20, 7);

        long start = System.nanoTime();
        client.getOutputStream().write(data);
        server.awaitReceived(data.length, LONG);

        // 8 MB behind a 10-30 ms delay: well under the 5 s a throttled link would need at < 2 MB/s.
        assertThat(millisSince(start)).isLessThan(5_000);
        assertThat(server.received()).isEqualTo(data);
    }

    @Test
    void aHugeLatencyHoldsDataUntilRemovedInsteadOfOverflowing() throws Exception {
        int port = proxyToEcho("p");
        addToxic("p", "lat", "latency", ToxicStream.DOWNSTREAM, latency(Long.MAX_VALUE));
        Socket client = connect(port);

        client.getOutputStream().write("forever".getBytes());
        assertSilentAndOpen(client, Duration.ofMillis(500));
        engine.removeToxic("p", "lat");
        assertThat(readExactly(client, 7)).isEqualTo("forever".getBytes());
    }

    @Test
    void aHugeJitterNeitherFailsTheConnectionNorSkipsTheDelay() throws Exception {
        int port = proxyToEcho("p");
        addToxic("p", "lat", "latency", ToxicStream.DOWNSTREAM, Map.of("latency", 0L, "jitter", Long.MAX_VALUE));
        Socket client = connect(port);

        client.getOutputStream().write("x".getBytes());
        // The delay is uniform in (-huge, +huge): either none at all or practically forever.
        client.setSoTimeout(300);
        try {
            assertThat(client.getInputStream().read()).isEqualTo('x');
        } catch (SocketTimeoutException held) {
            engine.removeToxic("p", "lat");
            client.setSoTimeout(1_000);
            assertThat(client.getInputStream().read()).isEqualTo('x');
        }
    }

    @Test
    void theEndOfTheStreamWaitsBehindDelayedData() throws Exception {
        int port = proxyToSink("p");
        addToxic("p", "lat", "latency", ToxicStream.DOWNSTREAM, latency(200));
        TcpPeer client = connectRecording(port);
        TcpPeer server = sink.awaitPeer(SHORT);

        long sent = server.sendTimed("last".getBytes());
        server.close();
        long eof = client.awaitEnd(LONG);
        assertThat(client.received()).isEqualTo("last".getBytes());
        assertThat(client.failure()).isNull();
        assertElapsed("data before the EOF", millisBetween(sent, client.timeWhenReceived(4)), 200, TOLERANCE);
        assertThat(eof).isGreaterThanOrEqualTo(client.timeWhenReceived(4));
    }
}
