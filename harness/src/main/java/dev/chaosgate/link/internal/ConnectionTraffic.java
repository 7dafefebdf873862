package dev.chaosgate.link.internal;

import dev.chaosgate.link.LinkConnection;
import io.netty.buffer.ByteBuf;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Counts what one connection carries for {@link dev.chaosgate.link.LinkEngine#onTraffic}: request heads,
 * the client's close, bytes each way. Created only while someone listens, so a link nobody watches pays
 * nothing. Everything runs on the connection's event loop.
 */
final class ConnectionTraffic {
    /** Heads kept per connection: a kept-alive connection under load carries thousands; the latest tell enough. */
    static final int MAX_HEADS = 64;
    private final String proxy;
    private final long connection;
    private final int clientPort;
    private int upstreamPort;
    /** Whether the connection carries HTTP/2: its streams are connections of their own, published apart. */
    private boolean http2;
    private final Instant opened = Instant.now();
    private final Consumer<LinkConnection> listener;
    /** The label of the certificate presented over TLS, or null for plain TCP. */
    private final String tls;
    private final List<LinkConnection.RequestHead> requests = new ArrayList<>(2);
    private final RequestHeadReader reader;
    private Instant clientClosed;
    private Instant closed;
    private long fromClient;
    private long toClient;

    ConnectionTraffic(String proxy, long connection, int clientPort, int upstreamPort, String tls, Consumer<LinkConnection> listener) {
        this.proxy = proxy;
        this.tls = tls;
        this.connection = connection;
        this.clientPort = clientPort;
        this.upstreamPort = upstreamPort;
        this.listener = listener;
        this.reader = new RequestHeadReader(head -> {
            if (requests.size() == MAX_HEADS) {
                requests.remove(0);
            }
            requests.add(head);
            publish();
        });
    }

    long connection() {
        return connection;
    }

    /** The upstream port, once the connection was numbered before its upstream was dialed. */
    void upstreamPort(int port) {
        this.upstreamPort = port;
    }

    /** The connection chose HTTP/2: it carries streams, each published as a connection of its own. */
    void carriesHttp2() {
        http2 = true;
        publish();
    }

    /** Bytes read from the client, before any toxic sees them. */
    void fromClient(ByteBuf buf) {
        fromClient += buf.readableBytes();
        if (reader.stopped()) {
            return;
        }
        try {
            reader.read(buf);
        } catch (RuntimeException unreadable) {
            // Counting must never break the data plane: stop reading heads on this connection.
            reader.stopReading();
        }
        if (reader.stopped()) {
            // Now known to be another protocol (TLS, HTTP/2, a switch after an upgrade): say so at once, not at the close.
            publish();
        }
    }

    void toClient(int bytes) {
        toClient += bytes;
    }

    /** Publishes the connection as it is now, before anything happened on it. */
    void announce() {
        publish();
    }

    /** The client closed or reset its side while the link and the upstream still held theirs open. */
    void clientClosed() {
        if (clientClosed == null && closed == null) {
            clientClosed = Instant.now();
            publish();
        }
    }

    void closed() {
        if (closed == null) {
            closed = Instant.now();
            publish();
        }
    }

    private void publish() {
        LinkConnection.Protocol protocol = http2 ? LinkConnection.Protocol.HTTP2 : !reader.seenAny() ? LinkConnection.Protocol.UNKNOWN
                : reader.stopped() ? LinkConnection.Protocol.OTHER : LinkConnection.Protocol.HTTP1;
        try {
            listener.accept(new LinkConnection(proxy, connection, clientPort, upstreamPort, opened, protocol, requests,
                    clientClosed, closed, fromClient, toClient, tls));
        } catch (RuntimeException ignored) {
            // a listener cannot disturb the data plane
        }
    }
}
