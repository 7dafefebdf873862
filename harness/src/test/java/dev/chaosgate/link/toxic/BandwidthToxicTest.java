package dev.chaosgate.link.toxic;

import static dev.chaosgate.link.testing.Timing.assertElapsed;
import static dev.chaosgate.link.testing.Timing.millisBetween;
import static dev.chaosgate.link.testing.Timing.millisSince;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaosgate.link.ApiError;
import dev.chaosgate.link.LinkException;
import dev.chaosgate.link.ToxicStream;
import dev.chaosgate.link.testing.LinkTestSupport;
import dev.chaosgate.link.testing.TcpPeer;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class BandwidthToxicTest extends LinkTestSupport {
    private static final long TOLERANCE = 60;

    @Test
    void upstreamRateIsKilobytesOfThousandBytesPerSecond() throws Exception {
        int port = proxyToSink("p");
        addToxic("p", "bw", "bandwidth", ToxicStream.UPSTREAM, Map.of("rate", 200L));
        Socket client = connect(port);
        TcpPeer server = sink.awaitPeer(SHORT);
        byte[] data = pattern(100_000, 1);

        long start = System.nanoTime();
        client.getOutputStream().write(data);
        long done = server.awaitReceived(data.length, LONG);

        // 100,000 B at 200 KB/s (200,000 B/s) = 500 ms.
        assertElapsed("100 KB at 200 KB/s", millisBetween(start, done), 500, TOLERANCE);
        assertThat(server.received()).isEqualTo(data);
    }

    @Test
    void downstreamRateLimitsWhatTheClientReceives() throws Exception {
        int port = proxyToSink("p");
        addToxic("p", "bw", "bandwidth", ToxicStream.DOWNSTREAM, Map.of("rate", 100L));
        TcpPeer client = connectRecording(port);
        TcpPeer server = sink.awaitPeer(SHORT);
        byte[] data = pattern(50_000, 2);

        long start = server.sendTimed(data);
        long done = client.awaitReceived(data.length, LONG);

        // Toxiproxy measured 50,000 B at 100 KB/s -> 505 ms.
        assertElapsed("50 KB at 100 KB/s", millisBetween(start, done), 500, TOLERANCE);
        assertThat(client.received()).isEqualTo(data);
    }

    @Test
    void lowRateSendsLargeChunksInSlicesRatherThanAllAtTheEnd() throws Exception {
        int port = proxyToSink("p");
        addToxic("p", "bw", "bandwidth", ToxicStream.UPSTREAM, Map.of("rate", 20L));
        Socket client = connect(port);
        TcpPeer server = sink.awaitPeer(SHORT);
        byte[] data = pattern(10_000, 3);

        long start = System.nanoTime();
        client.getOutputStream().write(data);
        // 20 KB/s: 2,000 B per 100 ms slice, 10,000 B take 500 ms; the first slice comes after ~100 ms.
        long first = server.awaitReceived(1, LONG);
        long done = server.awaitReceived(data.length, LONG);
        assertThat(millisBetween(start, first)).as("first slice").isLessThan(350);
        assertElapsed("10 KB at 20 KB/s", millisBetween(start, done), 500, TOLERANCE);
        assertThat(server.reads().size()).as("reads").isGreaterThanOrEqualTo(2);
        assertThat(server.received()).isEqualTo(data);
    }

    @Test
    void rateZeroStallsUntilTheToxicIsRemovedThenReleasesEverything() throws Exception {
        int port = proxyToSink("p");
        addToxic("p", "cut", "bandwidth", ToxicStream.UPSTREAM, Map.of("rate", 0L));
        Socket client = connect(port);
        TcpPeer server = sink.awaitPeer(SHORT);
        byte[] data = pattern(50_000, 4);

        client.getOutputStream().write(data);
        Thread.sleep(500);
        assertThat(server.receivedCount()).as("bytes through a rate-0 link").isZero();
        assertThat(server.ended()).isFalse();

        long start = System.nanoTime();
        engine.removeToxic("p", "cut");
        server.awaitReceived(data.length, SHORT);
        assertThat(millisSince(start)).isLessThan(1_000);
        assertThat(server.received()).isEqualTo(data);
    }

    @Test
    void rateZeroBothWaysCutsTheConnectionAndRestoringItLosesNothing() throws Exception {
        // Testcontainers' setConnectionCut(true) then (false).
        int port = proxyToEcho("p");
        Socket client = connect(port);
        assertThat(roundTripMillis(client, "before".getBytes())).isLessThan(500);

        addToxic("p", "CUT_CONNECTION_DOWNSTREAM", "bandwidth", ToxicStream.DOWNSTREAM, Map.of("rate", 0L));
        addToxic("p", "CUT_CONNECTION_UPSTREAM", "bandwidth", ToxicStream.UPSTREAM, Map.of("rate", 0L));
        client.getOutputStream().write("during".getBytes());
        assertSilentAndOpen(client, Duration.ofMillis(400));

        engine.removeToxic("p", "CUT_CONNECTION_DOWNSTREAM");
        engine.removeToxic("p", "CUT_CONNECTION_UPSTREAM");
        assertThat(readExactly(client, 6)).isEqualTo("during".getBytes());
        assertThat(roundTripMillis(client, "after".getBytes())).isLessThan(500);
    }

    @Test
    void updatingRateZeroToARateReleasesTheHeldBytes() throws Exception {
        int port = proxyToSink("p");
        addToxic("p", "bw", "bandwidth", ToxicStream.UPSTREAM, Map.of("rate", 0L));
        Socket client = connect(port);
        TcpPeer server = sink.awaitPeer(SHORT);
        byte[] data = pattern(20_000, 5);
        client.getOutputStream().write(data);
        Thread.sleep(200);
        assertThat(server.receivedCount()).isZero();

        engine.updateToxic("p", "bw", null, Map.of("rate", 1_000L));
        server.awaitReceived(data.length, SHORT);
        assertThat(server.received()).isEqualTo(data);
    }

    @Test
    void negativeRateIsRejectedRatherThanCrashing() {
        proxyToSink("p");
        assertThatThrownBy(() -> addToxic("p", "bw", "bandwidth", ToxicStream.UPSTREAM, Map.of("rate", -1L)))
                .isInstanceOfSatisfying(LinkException.class, e -> assertThat(e.error()).isEqualTo(ApiError.INVALID_VALUE));
        assertThat(engine.toxics("p")).isEmpty();
    }

    @Test
    void aHugeRateIsEffectivelyUnlimited() throws Exception {
        int port = proxyToSink("p");
        addToxic("p", "bw", "bandwidth", ToxicStream.UPSTREAM, Map.of("rate", Long.MAX_VALUE));
        Socket client = connect(port);
        TcpPeer server = sink.awaitPeer(SHORT);
        byte[] data = pattern(4 << 20, 6);

        long start = System.nanoTime();
        client.getOutputStream().write(data);
        server.awaitReceived(data.length, LONG);
        assertThat(millisSince(start)).isLessThan(3_000);
        assertThat(server.received()).isEqualTo(data);
        // Not cut into 1-byte slices (an overflowed slice size): reads stay large.
        assertThat(server.reads().size()).isLessThan(2_000);
    }

    @Test
    void heldBytesAreAllDeliveredBeforeTheClose() throws Exception {
        int port = proxyToSink("p");
        addToxic("p", "bw", "bandwidth", ToxicStream.DOWNSTREAM, Map.of("rate", 100L));
        TcpPeer client = connectRecording(port);
        TcpPeer server = sink.awaitPeer(SHORT);
        byte[] data = pattern(50_000, 7);

        long start = server.sendTimed(data);
        server.close();
        long eof = client.awaitEnd(LONG);
        assertThat(client.received()).isEqualTo(data);
        assertThat(client.failure()).isNull();
        assertElapsed("EOF behind 50 KB at 100 KB/s", millisBetween(start, eof), 500, TOLERANCE);
    }
}
