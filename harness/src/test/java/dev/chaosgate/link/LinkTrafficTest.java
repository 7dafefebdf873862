package dev.chaosgate.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chaosgate.link.testing.LinkTestSupport;
import dev.chaosgate.link.testing.TcpPeer;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link LinkEngine#onTraffic}: request heads, the client's close and bytes, even when a toxic swallows the request. */
@Timeout(30)
class LinkTrafficTest extends LinkTestSupport {
    private final Map<Long, LinkConnection> latest = new ConcurrentHashMap<>();

    /** Keeps the newest traffic report of each connection, by connection number. */
    private void keepLatestTraffic() {
        engine.onTraffic(c -> latest.put(c.connection(), c));
    }

    /** Waits until the first connection's traffic is in {@code state}, and returns it. */
    private LinkConnection awaitFirstConnection(Predicate<LinkConnection> state) {
        await().atMost(LONG).until(() -> latest.containsKey(1L) && state.test(latest.get(1L)));
        return latest.get(1L);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void headsOfKeptAliveRequestsWithBodiesPassInOrder() throws Exception {
        keepLatestTraffic();
        int port = proxyToSink("p");
        Socket client = connect(port);
        TcpPeer server = sink.awaitPeer(LONG);
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"GET /not-a-head HTTP/1.1\\r\\n\\r\\n\"}]}";
        String first = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
        String second = "POST /v1/responses?stream=true HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n3;ext=1\r\nabc\r\n0\r\nX-Trailer: 1\r\n\r\n";
        String third = "GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n";
        // split anywhere: heads and bodies cross reads
        byte[] all = ascii(first + second + third);
        for (int i = 0; i < all.length; i += 7) {
            client.getOutputStream().write(all, i, Math.min(7, all.length - i));
            client.getOutputStream().flush();
        }
        server.awaitReceived(all.length, LONG);
        LinkConnection traffic = awaitFirstConnection(c -> c.requests().size() == 3);
        assertThat(traffic.protocol()).isEqualTo(LinkConnection.Protocol.HTTP1);
        assertThat(traffic.requests()).extracting(LinkConnection.RequestHead::method).containsExactly("POST", "POST", "GET");
        assertThat(traffic.requests()).extracting(LinkConnection.RequestHead::path)
                .containsExactly("/v1/chat/completions", "/v1/responses", "/v1/models");
        assertThat(traffic.clientPort()).isEqualTo(client.getLocalPort());
        assertThat(traffic.upstreamPort()).isEqualTo(server.socket().getPort());
        assertThat(traffic.clientClosed()).isNull();

        Instant beforeClose = Instant.now();
        client.close();
        awaitFirstConnection(c -> c.closed() != null);
        assertThat(latest.get(1L).clientClosed()).as("the client closed first").isAfterOrEqualTo(beforeClose);
        assertThat(latest.get(1L).bytesFromClient()).isEqualTo(all.length);
    }

    @Test
    void anHttp10RequestSentAndClosedBeforeTheUpstreamAnswersIsSeenOnceAndDeliveredWhole() throws Exception {
        keepLatestTraffic();
        int port = proxyToSink("p");
        byte[] request = ascii("POST /v1/chat/completions HTTP/1.0\r\nContent-Length: 2\r\n\r\n{}");
        // Sent and half-closed at once, racing the link's dial to the upstream (nc -N style).
        Socket client = connect(port);
        client.getOutputStream().write(request);
        client.shutdownOutput();

        TcpPeer server = sink.awaitPeer(LONG);
        server.awaitEnd(LONG);
        assertThat(server.received()).as("bytes the upstream got before EOF").isEqualTo(request);
        LinkConnection traffic = awaitFirstConnection(c -> c.closed() != null);
        assertThat(traffic.requests()).as("request heads seen, each once").extracting(LinkConnection.RequestHead::method)
                .containsExactly("POST");
        assertThat(traffic.bytesFromClient()).as("bytes counted from the client").isEqualTo(request.length);
        assertThat(traffic.clientClosed()).as("the client closed first").isNotNull();
    }

    @Test
    void aRequestTheTimeoutToxicSwallowsIsStillSeenAndItsClientsCloseTimed() throws Exception {
        keepLatestTraffic();
        int port = proxyToSink("p");
        addToxic("p", "hole", "timeout", ToxicStream.UPSTREAM, Map.of("timeout", 0L));
        Socket client = connect(port);
        TcpPeer server = sink.awaitPeer(LONG);
        client.getOutputStream().write(ascii("POST /v1/chat/completions HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}"));
        awaitFirstConnection(c -> c.requests().size() == 1);
        assertThat(server.receivedCount()).as("the upstream got nothing").isZero();
        assertThat(latest.get(1L).requests().get(0).at()).isBeforeOrEqualTo(Instant.now());

        Thread.sleep(300);
        Instant gaveUp = Instant.now();
        client.close();
        LinkConnection traffic = awaitFirstConnection(c -> c.closed() != null);
        assertThat(traffic.clientClosed()).isAfterOrEqualTo(gaveUp).isBeforeOrEqualTo(traffic.closed());
        assertThat(traffic.bytesToClient()).isZero();
    }

    @Test
    void whenTheUpstreamClosesFirstTheClientDidNotGiveUp() throws Exception {
        keepLatestTraffic();
        int port = proxyToSink("p");
        Socket client = connect(port);
        TcpPeer server = sink.awaitPeer(LONG);
        client.getOutputStream().write(ascii("GET / HTTP/1.1\r\n\r\n"));
        server.awaitReceived(18, LONG);
        server.close();
        awaitFirstConnection(c -> c.closed() != null);
        assertThat(latest.get(1L).clientClosed()).isNull();
    }

    @Test
    void expectContinueUpgradeOffersAndHttp10AreReadOnceEachWithTheirTransport() throws Exception {
        keepLatestTraffic();
        int port = proxyToSink("p");
        Socket client = connect(port);
        TcpPeer server = sink.awaitPeer(LONG);
        // Expect: 100-continue: the head alone, then (once the server said 100) its chunked body, then the next head
        String waiting = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n";
        String body = "a\r\n{\"a\":\"b c\"}\r\n0\r\n\r\n";
        // an h2c upgrade the server declined: the connection goes on in HTTP/1.1; then an HTTP/1.0 request
        String offer = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                + "HTTP2-Settings: AAEAAEAAAAIAAAABAAMAAABkAAQBAAAAAAUAAEAA\r\nContent-Length: 2\r\n\r\n{}";
        String old = "POST /v1/chat/completions HTTP/1.0\r\nContent-Length: 3\r\n\r\nPOS";
        client.getOutputStream().write(ascii(waiting));
        awaitFirstConnection(c -> c.requests().size() == 1);
        client.getOutputStream().write(ascii(body + offer + old));
        int sent = (waiting + body + offer + old).length();
        server.awaitReceived(sent, LONG);
        LinkConnection traffic = awaitFirstConnection(c -> c.requests().size() == 3);
        assertThat(traffic.protocol()).isEqualTo(LinkConnection.Protocol.HTTP1);
        assertThat(traffic.requests()).extracting(LinkConnection.RequestHead::transport).containsExactly(
                "HTTP/1.1, chunked body, Expect: 100-continue, kept alive",
                "HTTP/1.1, body of known length, offers an upgrade to h2c, kept alive",
                "HTTP/1.0, body of known length, connection closed after it");
    }

    @Test
    void anAcceptedUpgradeCountsItsRequestOnceThenStopsReading() throws Exception {
        keepLatestTraffic();
        int port = proxyToSink("p");
        Socket client = connect(port);
        TcpPeer server = sink.awaitPeer(LONG);
        // after a 101 the client speaks HTTP/2: the preface and frames are not heads
        byte[] sent = ascii("GET /v1/models HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                + "HTTP2-Settings: AAEAAEAAAAIAAAAB\r\n\r\nPRI * HTTP/2.0\r\n\r\nSM\r\n\r\nGET /not-a-head HTTP/1.1\r\n\r\n");
        client.getOutputStream().write(sent);
        server.awaitReceived(sent.length, LONG);
        client.close();
        LinkConnection traffic = awaitFirstConnection(c -> c.closed() != null);
        assertThat(traffic.protocol()).isEqualTo(LinkConnection.Protocol.OTHER);
        assertThat(traffic.requests()).extracting(LinkConnection.RequestHead::path).containsExactly("/v1/models");
        assertThat(traffic.requests().get(0).upgrade()).isEqualTo("h2c");
    }

    @Test
    void bytesThatAreNotHttp1AreOther() throws Exception {
        keepLatestTraffic();
        int port = proxyToSink("p");
        Socket client = connect(port);
        TcpPeer tlsServer = sink.awaitPeer(LONG);
        client.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5}); // a TLS record
        tlsServer.awaitReceived(10, LONG);
        Socket preface = connect(port);
        TcpPeer h2Server = sink.awaitPeer(LONG);
        byte[] h2 = ascii("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
        preface.getOutputStream().write(h2);
        h2Server.awaitReceived(h2.length, LONG);
        client.close();
        preface.close();
        await().atMost(LONG).until(() -> latest.size() == 2 && latest.values().stream().allMatch(c -> c.closed() != null));
        assertThat(latest.values()).as("%s", latest.values()).extracting(LinkConnection::protocol).containsOnly(LinkConnection.Protocol.OTHER);
        assertThat(latest.values()).allSatisfy(c -> assertThat(c.requests()).isEmpty());
    }

    @Test
    void aMalformedHeadStopsTheReadingButNotTheBytes() throws Exception {
        keepLatestTraffic();
        int port = proxyToEcho("p");
        Socket client = connect(port);
        byte[] sent = ascii("POST /v1/chat/completions HTTP/1.1\r\nContent-Length: lots\r\n\r\nhello, still echoed");
        client.getOutputStream().write(sent);
        assertThat(readExactly(client, sent.length)).isEqualTo(sent);
        client.close();
        awaitFirstConnection(c -> c.closed() != null);
        assertThat(latest.get(1L).protocol()).isEqualTo(LinkConnection.Protocol.OTHER);
        assertThat(latest.get(1L).requests()).isEmpty();
    }

    @Test
    void nothingIsReadWhileNobodyListens() throws Exception {
        int port = proxyToEcho("p");
        Socket client = connect(port);
        client.getOutputStream().write(ascii("GET / HTTP/1.1\r\n\r\n"));
        assertThat(new String(readExactly(client, 18), StandardCharsets.ISO_8859_1)).startsWith("GET /");
        client.close();
        keepLatestTraffic();
        assertThat(latest).isEmpty();
        assertThat(List.copyOf(latest.values())).isEmpty();
    }
}
