package dev.chaosgate.link.toxic;

import static dev.chaosgate.link.testing.Timing.assertElapsed;
import static dev.chaosgate.link.testing.Timing.millisBetween;
import static dev.chaosgate.link.testing.Timing.millisSince;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chaosgate.link.ToxicStream;
import dev.chaosgate.link.testing.LinkTestSupport;
import dev.chaosgate.link.testing.TcpPeer;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TimeoutToxicTest extends LinkTestSupport {
    private static final long TOLERANCE = 60;

    @Test
    void closesTimeoutAfterTheLastDataNotAfterTheFirst() throws Exception {
        int port = proxyToSink("p");
        addToxic("p", "to", "timeout", ToxicStream.UPSTREAM, Map.of("timeout", 300L));
        Socket client = connect(port);
        TcpPeer server = sink.awaitPeer(SHORT);

        long first = System.nanoTime();
        long last = first;
        for (int i = 0; i < 5; i++) {
            if (i > 0) {
                Thread.sleep(100);
            }
            last = System.nanoTime();
            client.getOutputStream().write(new byte[] {(byte) i});
        }
        assertEof(client, Duration.ofSeconds(3));
        long closedAt = System.nanoTime();

        // Idle semantics: each chunk restarts the timer, so the close comes ~300 ms after the last write.
        assertElapsed("EOF after the last write", millisBetween(last, closedAt), 300, TOLERANCE);
        assertThat(millisBetween(first, closedAt)).as("writes spanned 400 ms, so no close at 300 ms").isGreaterThanOrEqualTo(640);
        server.awaitEnd(SHORT);
        assertThat(server.receivedCount()).as("the timeout toxic swallows the data").isZero();
    }

    @Test
    void anIdleConnectionClosesAtTheTimeout() throws Exception {
        int port = proxyToSink("p");
        addToxic("p", "to", "timeout", ToxicStream.DOWNSTREAM, Map.of("timeout", 300L));
        long start = System.nanoTime();
        TcpPeer client = connectRecording(port);
        TcpPeer server = sink.awaitPeer(SHORT);

        assertElapsed("idle close", millisBetween(start, client.awaitEnd(LONG)), 300, TOLERANCE);
        server.awaitEnd(SHORT);
        assertThat(client.failure()).as("closed, not reset").isNull();
    }

    @Test
    void zeroHoldsTheConnectionForeverAndDropsTheData() throws Exception {
        int port = proxyToSink("p");
        addToxic("p", "to", "timeout", ToxicStream.UPSTREAM, Map.of("timeout", 0L));
        Socket client = connect(port);
        TcpPeer server = sink.awaitPeer(SHORT);

        client.getOutputStream().write("lost".getBytes());
        assertSilentAndOpen(client, SHORT);
        assertThat(server.receivedCount()).isZero();
        assertThat(server.ended()).isFalse();
    }

    @Test
    void downstreamTimeoutSwallowsTheServersAnswers() throws Exception {
        int port = proxyToEcho("p");
        addToxic("p", "to", "timeout", ToxicStream.DOWNSTREAM, Map.of("timeout", 0L));
        Socket client = connect(port);

        client.getOutputStream().write("echo?".getBytes());
        assertSilentAndOpen(client, Duration.ofMillis(500));
    }

    @Test
    void removalClosesTheConnectionForBothSides() throws Exception {
        int port = proxyToSink("p");
        addToxic("p", "to", "timeout", ToxicStream.UPSTREAM, Map.of("timeout", 0L));
        Socket client = connect(port);
        TcpPeer server = sink.awaitPeer(SHORT);
        client.getOutputStream().write("lost".getBytes());
        Thread.sleep(100);

        engine.removeToxic("p", "to");
        assertEof(client, SHORT);
        server.awaitEnd(SHORT);
        assertThat(server.receivedCount()).isZero();
    }

    @Test
    void atToxicityZeroDataPassesAndAnUpdateToOneStartsTheTimer() throws Exception {
        // Toxiproxy's TestToxicity: a toxicity-0 timeout passes data; toxicity 1 then closes within ~100 ms.
        int port = proxyToEcho("p");
        engine.addToxic("p", "to", "timeout", ToxicStream.UPSTREAM, 0f, Map.of("timeout", 100L));
        Socket client = connect(port);
        assertThat(roundTripMillis(client, "through".getBytes())).isLessThan(500);
        assertSilentAndOpen(client, Duration.ofMillis(300));

        long start = System.nanoTime();
        engine.updateToxic("p", "to", 1f, Map.of());
        assertEof(client, SHORT);
        assertElapsed("close after the update", millisSince(start), 100, TOLERANCE);
    }

    @Test
    void removingAPrecedingLatencyToxicDoesNotHang() throws Exception {
        int port = proxyToSink("p");
        addToxic("p", "lat", "latency", ToxicStream.UPSTREAM, Map.of("latency", 5_000L, "jitter", 0L));
        addToxic("p", "to", "timeout", ToxicStream.UPSTREAM, Map.of("timeout", 0L));
        Socket client = connect(port);
        sink.awaitPeer(SHORT);
        client.getOutputStream().write(new byte[1024]);
        Thread.sleep(100);

        long start = System.nanoTime();
        engine.removeToxic("p", "lat");
        assertThat(millisSince(start)).isLessThan(1_000);
        assertSilentAndOpen(client, Duration.ofMillis(300));
    }

    @Test
    void aHugeTimeoutHoldsTheConnection() throws Exception {
        int port = proxyToSink("p");
        addToxic("p", "to", "timeout", ToxicStream.UPSTREAM, Map.of("timeout", Long.MAX_VALUE));
        Socket client = connect(port);
        sink.awaitPeer(SHORT);

        client.getOutputStream().write("lost".getBytes());
        assertSilentAndOpen(client, Duration.ofMillis(500));
    }

    @Test
    void removalAtToxicityZeroLeavesConnectionsItNeverTouchedOpen() throws Exception {
        // Toxiproxy closes them anyway (its cleanup ignores toxicity); chaosgate closes a connection on
        // removal only where the toxic applied and may have swallowed bytes.
        int port = proxyToEcho("p");
        engine.addToxic("p", "to", "timeout", ToxicStream.UPSTREAM, 0f, Map.of("timeout", 0L));
        Socket client = connect(port);
        assertThat(roundTripMillis(client, "a".getBytes())).isLessThan(500);

        engine.removeToxic("p", "to");
        assertThat(roundTripMillis(client, "b".getBytes())).isLessThan(500);
    }
}
