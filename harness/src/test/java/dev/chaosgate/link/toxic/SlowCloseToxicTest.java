package dev.chaosgate.link.toxic;

import static dev.chaosgate.link.testing.Timing.assertElapsed;
import static dev.chaosgate.link.testing.Timing.millisBetween;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chaosgate.link.ToxicStream;
import dev.chaosgate.link.testing.LinkTestSupport;
import dev.chaosgate.link.testing.TcpPeer;
import java.net.Socket;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SlowCloseToxicTest extends LinkTestSupport {
    private static final long TOLERANCE = 60;

    @Test
    void downstreamEofReachesTheClientDelayAfterTheServerClosed() throws Exception {
        int port = proxyToSink("p");
        addToxic("p", "sc", "slow_close", ToxicStream.DOWNSTREAM, Map.of("delay", 500L));
        TcpPeer client = connectRecording(port);
        TcpPeer server = sink.awaitPeer(SHORT);

        long sent = server.sendTimed("bye".getBytes());
        long closed = System.nanoTime();
        server.close();

        long arrived = client.awaitReceived(3, SHORT);
        long eof = client.awaitEnd(LONG);
        assertThat(client.received()).isEqualTo("bye".getBytes());
        assertThat(millisBetween(sent, arrived)).as("data is not delayed").isLessThan(300);
        assertElapsed("client EOF after the server's close", millisBetween(closed, eof), 500, TOLERANCE);
        assertThat(client.failure()).as("a clean close").isNull();
    }

    @Test
    void upstreamEofReachesTheServerDelayAfterTheClientClosed() throws Exception {
        int port = proxyToSink("p");
        addToxic("p", "sc", "slow_close", ToxicStream.UPSTREAM, Map.of("delay", 400L));
        Socket client = connect(port);
        TcpPeer server = sink.awaitPeer(SHORT);
        client.getOutputStream().write("hi".getBytes());
        server.awaitReceived(2, SHORT);

        long closed = System.nanoTime();
        client.close();
        long eof = server.awaitEnd(LONG);

        assertElapsed("server EOF after the client's close", millisBetween(closed, eof), 400, TOLERANCE);
        assertThat(server.received()).isEqualTo("hi".getBytes());
    }

    @Test
    void withoutTheToxicTheCloseIsPrompt() throws Exception {
        int port = proxyToSink("p");
        TcpPeer client = connectRecording(port);
        TcpPeer server = sink.awaitPeer(SHORT);

        long closed = System.nanoTime();
        server.close();
        assertThat(millisBetween(closed, client.awaitEnd(SHORT))).isLessThan(300);
    }

    @Test
    void slowCloseOnTheOtherStreamDoesNotDelayThisOne() throws Exception {
        int port = proxyToSink("p");
        addToxic("p", "sc", "slow_close", ToxicStream.UPSTREAM, Map.of("delay", 2_000L));
        TcpPeer client = connectRecording(port);
        TcpPeer server = sink.awaitPeer(SHORT);

        long closed = System.nanoTime();
        server.close();
        assertThat(millisBetween(closed, client.awaitEnd(SHORT))).isLessThan(500);
    }

    @Test
    void removingTheToxicDuringTheWaitClosesAtOnce() throws Exception {
        int port = proxyToSink("p");
        addToxic("p", "sc", "slow_close", ToxicStream.DOWNSTREAM, Map.of("delay", 10_000L));
        TcpPeer client = connectRecording(port);
        TcpPeer server = sink.awaitPeer(SHORT);
        server.close();
        Thread.sleep(200);
        assertThat(client.ended()).isFalse();

        long removed = System.nanoTime();
        engine.removeToxic("p", "sc");
        assertThat(millisBetween(removed, client.awaitEnd(SHORT))).isLessThan(1_000);
    }

    @Test
    void aHugeDelayHoldsTheEofUntilRemoved() throws Exception {
        int port = proxyToSink("p");
        addToxic("p", "sc", "slow_close", ToxicStream.DOWNSTREAM, Map.of("delay", Long.MAX_VALUE));
        TcpPeer client = connectRecording(port);
        TcpPeer server = sink.awaitPeer(SHORT);
        server.close();
        Thread.sleep(300);
        assertThat(client.ended()).isFalse();

        engine.removeToxic("p", "sc");
        client.awaitEnd(SHORT);
    }
}
