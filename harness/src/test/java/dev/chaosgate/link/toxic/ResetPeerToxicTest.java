package dev.chaosgate.link.toxic;

import static dev.chaosgate.link.testing.Timing.assertElapsed;
import static dev.chaosgate.link.testing.Timing.millisBetween;
import static dev.chaosgate.link.testing.Timing.millisSince;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaosgate.link.ToxicStream;
import dev.chaosgate.link.testing.LinkTestSupport;
import dev.chaosgate.link.testing.TcpPeer;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ResetPeerToxicTest extends LinkTestSupport {
    private static final long TOLERANCE = 60;

    private static void assertResetOnRead(Socket client) {
        assertThatThrownBy(() -> client.getInputStream().read())
                .isInstanceOf(SocketException.class)
                .hasMessageContaining("Connection reset");
    }

    @Test
    void upstreamResetsTheClientTimeoutAfterItsFirstData() throws Exception {
        int port = proxyToEcho("p");
        addToxic("p", "rp", "reset_peer", ToxicStream.UPSTREAM, Map.of("timeout", 100L));
        Socket client = connect(port);

        long start = System.nanoTime();
        client.getOutputStream().write("hello".getBytes());
        assertResetOnRead(client);
        assertElapsed("reset after the first data", millisSince(start), 100, TOLERANCE);
    }

    @Test
    void downstreamResetsTheClientTimeoutAfterTheServersFirstData() throws Exception {
        int port = proxyToEcho("p");
        addToxic("p", "rp", "reset_peer", ToxicStream.DOWNSTREAM, Map.of("timeout", 100L));
        Socket client = connect(port);

        long start = System.nanoTime();
        client.getOutputStream().write("hello".getBytes());
        assertResetOnRead(client);
        assertElapsed("reset after the echo", millisSince(start), 100, TOLERANCE);
    }

    @Test
    void theServerIsResetToo() throws Exception {
        int port = proxyToSink("p");
        addToxic("p", "rp", "reset_peer", ToxicStream.UPSTREAM, Map.of("timeout", 0L));
        Socket client = connect(port);
        TcpPeer server = sink.awaitPeer(SHORT);

        client.getOutputStream().write("x".getBytes());
        assertResetOnRead(client);
        server.awaitEnd(SHORT);
        assertThat(server.failure()).as("the server's read fails with a reset")
                .isInstanceOf(SocketException.class).hasMessageContaining("Connection reset");
        assertThat(server.receivedCount()).as("the triggering data is dropped").isZero();
    }

    @Test
    void theResetPassesTheToxicsAfterItLikeAnyClose() throws Exception {
        // Toxiproxy's reset_peer closes its stub: the close travels the later toxics (here slow_close
        // holds it 300 ms) before the writer closes the socket with SO_LINGER 0.
        int port = proxyToSink("p");
        addToxic("p", "rp", "reset_peer", ToxicStream.UPSTREAM, Map.of("timeout", 0L));
        addToxic("p", "sc", "slow_close", ToxicStream.UPSTREAM, Map.of("delay", 300L));
        Socket client = connect(port);
        TcpPeer server = sink.awaitPeer(SHORT);

        long sent = System.nanoTime();
        client.getOutputStream().write("x".getBytes());
        long end = server.awaitEnd(SHORT);
        assertThat(server.failure()).as("the server's read fails with a reset")
                .isInstanceOf(SocketException.class).hasMessageContaining("Connection reset");
        assertElapsed("server reset after slow_close held the reset", millisBetween(sent, end), 300, TOLERANCE);
        assertResetOnRead(client);
        assertThat(millisSince(sent)).as("the client is reset behind the server").isGreaterThanOrEqualTo(290);
    }

    @Test
    void withoutDataTheConnectionStaysOpen() throws Exception {
        int port = proxyToEcho("p");
        addToxic("p", "rp", "reset_peer", ToxicStream.UPSTREAM, Map.of("timeout", 100L));
        Socket client = connect(port);

        assertSilentAndOpen(client, SHORT);
        client.getOutputStream().write("now".getBytes());
        assertResetOnRead(client);
    }

    @Test
    void timeoutZeroResetsAtOnce() throws Exception {
        int port = proxyToEcho("p");
        addToxic("p", "rp", "reset_peer", ToxicStream.UPSTREAM, Map.of("timeout", 0L));
        Socket client = connect(port);

        long start = System.nanoTime();
        client.getOutputStream().write("x".getBytes());
        assertResetOnRead(client);
        assertThat(millisSince(start)).isLessThan(500);
    }

    @Test
    void addedToAnOpenConnectionStillResets() throws Exception {
        // Toxiproxy closes such connections with a FIN (linger is only set at connect); chaosgate resets.
        int port = proxyToEcho("p");
        Socket client = connect(port);
        assertThat(roundTripMillis(client, "ok".getBytes())).isLessThan(500);

        addToxic("p", "rp", "reset_peer", ToxicStream.UPSTREAM, Map.of("timeout", 50L));
        client.getOutputStream().write("x".getBytes());
        assertResetOnRead(client);
    }

    @Test
    void atToxicityZeroDataPassesAndClosesStayClean() throws Exception {
        // Toxiproxy sets SO_LINGER 0 whenever reset_peer is present, turning normal closes into RSTs (#603).
        int port = proxyToSink("p");
        engine.addToxic("p", "rp", "reset_peer", ToxicStream.DOWNSTREAM, 0f, Map.of("timeout", 0L));
        TcpPeer client = connectRecording(port);
        TcpPeer server = sink.awaitPeer(SHORT);

        server.send("data".getBytes());
        client.awaitReceived(4, SHORT);
        server.close();
        client.awaitEnd(SHORT);
        assertThat(client.failure()).as("a FIN, not a reset").isNull();
        assertThat(client.received()).isEqualTo("data".getBytes());
    }

    @Test
    void aHugeTimeoutHoldsTheResetBackAndRemovalResetsAtOnce() throws Exception {
        int port = proxyToEcho("p");
        addToxic("p", "rp", "reset_peer", ToxicStream.UPSTREAM, Map.of("timeout", Long.MAX_VALUE));
        Socket client = connect(port);

        client.getOutputStream().write("x".getBytes());
        assertSilentAndOpen(client, Duration.ofMillis(300));
        // The triggering byte was swallowed, so the stream cannot resume: removal resets it now.
        engine.removeToxic("p", "rp");
        assertResetOnRead(client);
    }

    @Test
    void aClientCloseWithoutDataResetsTheServerAfterTheTimeout() throws Exception {
        // The first "chunk" may be the end of the stream: Toxiproxy then also waits and resets.
        int port = proxyToSink("p");
        addToxic("p", "rp", "reset_peer", ToxicStream.UPSTREAM, Map.of("timeout", 200L));
        Socket client = connect(port);
        TcpPeer server = sink.awaitPeer(SHORT);
        Thread.sleep(50);

        long closed = System.nanoTime();
        client.close();
        long end = server.awaitEnd(SHORT);
        assertElapsed("server reset after the client's close", millisBetween(closed, end), 200, TOLERANCE);
        assertThat(server.failure()).isInstanceOf(SocketException.class).hasMessageContaining("Connection reset");
    }
}
