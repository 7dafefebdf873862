package dev.chaosgate.link.toxic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaosgate.link.ToxicStream;
import dev.chaosgate.link.testing.LinkTestSupport;
import dev.chaosgate.link.testing.TcpPeer;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class LimitDataToxicTest extends LinkTestSupport {
    private static final Duration QUIET = Duration.ofMillis(300);

    private static Map<String, Long> limit(long bytes) {
        return Map.of("bytes", bytes);
    }

    private TcpPeer upstreamLimited(long bytes, Socket[] client) throws Exception {
        int port = proxyToSink("p");
        addToxic("p", "ld", "limit_data", ToxicStream.UPSTREAM, limit(bytes));
        client[0] = connect(port);
        return sink.awaitPeer(SHORT);
    }

    @Test
    void underTheLimitEverythingPassesAndTheConnectionStaysOpen() throws Exception {
        Socket[] client = new Socket[1];
        TcpPeer server = upstreamLimited(100, client);
        byte[] data = pattern(50, 1);

        client[0].getOutputStream().write(data);
        server.awaitReceived(50, SHORT);
        assertSilentAndOpen(client[0], QUIET);
        assertThat(server.ended()).isFalse();
        assertThat(server.received()).isEqualTo(data);
    }

    @Test
    void exactlyTheLimitPassesThenTheConnectionCloses() throws Exception {
        Socket[] client = new Socket[1];
        TcpPeer server = upstreamLimited(16, client);
        byte[] data = pattern(16, 2);

        client[0].getOutputStream().write(data);
        server.awaitEnd(SHORT);
        assertThat(server.received()).isEqualTo(data);
        assertEof(client[0], SHORT);
    }

    @Test
    void overTheLimitTheCrossingChunkIsCutAtTheLimit() throws Exception {
        Socket[] client = new Socket[1];
        TcpPeer server = upstreamLimited(10, client);
        byte[] data = pattern(16, 3);

        client[0].getOutputStream().write(data);
        server.awaitEnd(SHORT);
        assertThat(server.received()).isEqualTo(Arrays.copyOf(data, 10));
        assertThat(server.failure()).isNull();
        assertEof(client[0], SHORT);
    }

    @Test
    void theLimitCountsAcrossChunks() throws Exception {
        Socket[] client = new Socket[1];
        TcpPeer server = upstreamLimited(25, client);
        byte[] data = pattern(30, 4);

        for (int i = 0; i < 3; i++) {
            client[0].getOutputStream().write(data, i * 10, 10);
            if (i < 2) {
                server.awaitReceived(10 * (i + 1), SHORT);
                assertThat(server.ended()).isFalse();
            }
        }
        server.awaitEnd(SHORT);
        assertThat(server.received()).isEqualTo(Arrays.copyOf(data, 25));
    }

    @Test
    void zeroWaitsForTheFirstChunkDropsItAndCloses() throws Exception {
        Socket[] client = new Socket[1];
        TcpPeer server = upstreamLimited(0, client);

        assertSilentAndOpen(client[0], QUIET);
        assertThat(server.ended()).isFalse();

        client[0].getOutputStream().write("x".getBytes());
        server.awaitEnd(SHORT);
        assertThat(server.receivedCount()).isZero();
        assertEof(client[0], SHORT);
    }

    @Test
    void downstreamLimitCutsTheServersAnswer() throws Exception {
        int port = proxyToEcho("p");
        addToxic("p", "ld", "limit_data", ToxicStream.DOWNSTREAM, limit(10));
        Socket client = connect(port);
        byte[] data = pattern(16, 5);

        client.getOutputStream().write(data);
        assertThat(readExactly(client, 10)).isEqualTo(Arrays.copyOf(data, 10));
        assertEof(client, SHORT);
    }

    @Test
    void theCountSurvivesAnUpdateThatRaisesTheLimit() throws Exception {
        Socket[] client = new Socket[1];
        TcpPeer server = upstreamLimited(10, client);
        byte[] data = pattern(22, 6);

        client[0].getOutputStream().write(data, 0, 6);
        server.awaitReceived(6, SHORT);

        engine.updateToxic("p", "ld", null, limit(16));
        client[0].getOutputStream().write(data, 6, 16);
        server.awaitEnd(SHORT);
        // 6 counted before the update, 10 more after it: 16 in all, not 6 + 16.
        assertThat(server.received()).isEqualTo(Arrays.copyOf(data, 16));
    }

    @Test
    void theCountIsPerConnection() throws Exception {
        int port = proxyToSink("p");
        addToxic("p", "ld", "limit_data", ToxicStream.UPSTREAM, limit(5));
        for (int i = 0; i < 3; i++) {
            Socket client = connect(port);
            TcpPeer server = sink.awaitPeer(SHORT);
            client.getOutputStream().write("0123456789".getBytes());
            server.awaitEnd(SHORT);
            assertThat(server.received()).isEqualTo("01234".getBytes());
        }
    }
}
