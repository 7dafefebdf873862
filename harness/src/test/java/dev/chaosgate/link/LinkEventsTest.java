package dev.chaosgate.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chaosgate.link.testing.LinkTestSupport;
import dev.chaosgate.link.testing.TcpPeer;
import java.io.IOException;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link LinkEngine#onEvent}: opened, closed and reset connections, with ports that join the two journals. */
@Timeout(30)
class LinkEventsTest extends LinkTestSupport {
    private final List<LinkEvent> events = new CopyOnWriteArrayList<>();

    @Test
    void openedThenClosedWithTheClientAndUpstreamPorts() throws Exception {
        engine.onEvent(events::add);
        int port = proxyToSink("p");
        Socket client = connect(port);
        TcpPeer server = sink.awaitPeer(LONG);

        await().atMost(LONG).until(() -> events.size() == 1);
        LinkEvent opened = events.get(0);
        assertThat(opened.kind()).isEqualTo(LinkEvent.Kind.OPENED);
        assertThat(opened.proxy()).isEqualTo("p");
        assertThat(opened.connection()).isEqualTo(1);
        assertThat(opened.clientPort()).isEqualTo(client.getLocalPort());
        // The upstream sees the proxy's local port as its client's port.
        assertThat(opened.upstreamPort()).isEqualTo(server.socket().getPort());

        client.close();
        await().atMost(LONG).until(() -> events.size() == 2);
        LinkEvent closed = events.get(1);
        assertThat(closed.kind()).isEqualTo(LinkEvent.Kind.CLOSED);
        assertThat(closed.connection()).isEqualTo(1);
        assertThat(closed.clientPort()).isEqualTo(opened.clientPort());
        assertThat(closed.upstreamPort()).isEqualTo(opened.upstreamPort());
        assertThat(closed.at()).isAfterOrEqualTo(opened.at());
    }

    @Test
    void echoedConnectionsAreNumberedInOrder() throws Exception {
        engine.onEvent(events::add);
        int port = proxyToEcho("p");
        for (int i = 0; i < 2; i++) {
            Socket client = connect(port);
            client.getOutputStream().write("hi".getBytes());
            assertThat(new String(readExactly(client, 2))).isEqualTo("hi");
            client.close();
            int expected = 2 * (i + 1);
            await().atMost(LONG).until(() -> events.size() == expected);
        }
        assertThat(events).extracting(LinkEvent::kind).containsExactly(
                LinkEvent.Kind.OPENED, LinkEvent.Kind.CLOSED, LinkEvent.Kind.OPENED, LinkEvent.Kind.CLOSED);
        assertThat(events).extracting(LinkEvent::connection).containsExactly(1L, 1L, 2L, 2L);
    }

    @Test
    void resetPeerToxicGivesReset() throws Exception {
        engine.onEvent(events::add);
        int port = proxyToEcho("p");
        addToxic("p", "rp", "reset_peer", ToxicStream.UPSTREAM, Map.of("timeout", 0L));
        Socket client = connect(port);
        client.getOutputStream().write("hello".getBytes());
        try {
            client.getInputStream().read();
        } catch (IOException expected) {
            // connection reset
        }
        await().atMost(LONG).until(() -> events.stream().anyMatch(e -> e.kind() == LinkEvent.Kind.CLOSED));
        assertThat(events).extracting(LinkEvent::kind)
                .containsExactly(LinkEvent.Kind.OPENED, LinkEvent.Kind.RESET, LinkEvent.Kind.CLOSED);
        assertThat(events).extracting(LinkEvent::clientPort).containsOnly(client.getLocalPort());
    }

    @Test
    void aThrowingListenerDoesNotDisturbTheLinkOrOtherListeners() throws Exception {
        engine.onEvent(event -> {
            throw new IllegalStateException("boom");
        });
        engine.onEvent(events::add);
        int port = proxyToEcho("p");
        Socket client = connect(port);
        client.getOutputStream().write("ok".getBytes());
        assertThat(new String(readExactly(client, 2))).isEqualTo("ok");
        await().atMost(LONG).until(() -> events.size() == 1);
    }
}
