package dev.chaosgate.link;

import java.time.Instant;
import java.util.List;

/**
 * What one client connection through a proxy has carried so far, as the link saw it: the request heads
 * that passed toward the upstream (plain HTTP/1.x only), when the client closed its side, and the bytes
 * each way. {@link LinkEngine#onTraffic} hands out a fresh snapshot each time one of these changes, so a
 * request that a toxic holds or swallows, and never reaches the upstream, is still seen. Immutable.
 *
 * @param proxy           the proxy's name
 * @param connection      the connection's sequence number within its proxy, as in {@link LinkEvent#connection()}
 * @param clientPort      the client's remote port on its socket to the proxy
 * @param upstreamPort    the local port of the proxy's socket to the upstream (the fake upstream's
 *                        {@code UpstreamExchange.connection()} for requests that reached it)
 * @param opened          when both sockets were connected
 * @param protocol        what the client spoke, as far as the link could tell
 * @param requests        the request heads that passed, oldest first: the latest 64 on a connection that
 *                        carried more (empty unless {@link Protocol#HTTP1} or heads came before a switch)
 * @param clientClosed    when the client closed (or reset) its side of the connection, before the link or the
 *                        upstream closed it; null while it has not, or when the link or the upstream closed first
 * @param closed          when both sockets were closed, or null while the connection is open
 * @param bytesFromClient bytes read from the client
 * @param bytesToClient   bytes written back to the client
 * @param tls             the label of the certificate the link presented when it served this connection over TLS
 *                        ({@code ServerIdentity.label()}: {@code gateway}, or a TLS fault's such as {@code untrusted-issuer}),
 *                        or null for plain TCP. Request heads on such a connection were read after the handshake: the client
 *                        went on past that certificate.
 */
public record LinkConnection(String proxy, long connection, int clientPort, int upstreamPort, Instant opened,
                             Protocol protocol, List<RequestHead> requests, Instant clientClosed, Instant closed,
                             long bytesFromClient, long bytesToClient, String tls) {

    public LinkConnection {
        requests = List.copyOf(requests);
    }

    /** A plain TCP connection. */
    public LinkConnection(String proxy, long connection, int clientPort, int upstreamPort, Instant opened, Protocol protocol,
                          List<RequestHead> requests, Instant clientClosed, Instant closed, long bytesFromClient, long bytesToClient) {
        this(proxy, connection, clientPort, upstreamPort, opened, protocol, requests, clientClosed, closed, bytesFromClient,
                bytesToClient, null);
    }

    /** What the client's bytes looked like. */
    public enum Protocol {
        /** Nothing from the client yet. */
        UNKNOWN,
        /** Plain HTTP/1.0 or 1.1 requests: their heads are in {@link #requests()}. */
        HTTP1,
        /**
         * Something else (TLS, HTTP/2, a protocol switched to after an upgrade, or malformed HTTP): the
         * link stopped reading heads; heads read before the switch stay in {@link #requests()}.
         */
        OTHER,
        /**
         * HTTP/2 over TLS (chosen by ALPN): this connection only carries streams. Each stream is published
         * as a connection of its own, with the same client port, its request head and its own upstream port.
         */
        HTTP2
    }

    /** How a request's body is framed on the wire (RFC 9112, section 6). */
    public enum BodyFraming {
        /** No body: neither {@code Content-Length} nor {@code Transfer-Encoding}, or a length of 0. */
        NONE,
        /** A body of the length the {@code Content-Length} header gives. */
        LENGTH,
        /** {@code Transfer-Encoding: chunked}: a body whose length the client did not know up front. */
        CHUNKED
    }

    /**
     * One request head that passed the link toward the upstream.
     *
     * @param at             when the last byte of the head was read from the client
     * @param method         the request method ({@code POST})
     * @param target         the request target as sent ({@code /v1/chat/completions}, possibly with a query)
     * @param version        the protocol of the request line ({@code HTTP/1.1})
     * @param body           how the body is framed
     * @param expectContinue whether the client sent {@code Expect: 100-continue} (it waits for a 100 before the body)
     * @param upgrade        the protocols the client offered to switch to ({@code Upgrade: h2c}), or null
     * @param close          whether the client asked for the connection to close after this request
     *                       ({@code Connection: close}, or HTTP/1.0 without keep-alive)
     */
    public record RequestHead(Instant at, String method, String target, String version, BodyFraming body,
                              boolean expectContinue, String upgrade, boolean close) {

        /** A plain HTTP/1.1 head without a body, kept alive. */
        public RequestHead(Instant at, String method, String target) {
            this(at, method, target, "HTTP/1.1", BodyFraming.NONE, false, null, false);
        }

        /** The target without its query. */
        public String path() {
            int query = target.indexOf('?');
            return query < 0 ? target : target.substring(0, query);
        }

        /** The transport in a few words, for messages: {@code HTTP/1.1, chunked body, offers an upgrade to h2c}. */
        public String transport() {
            StringBuilder text = new StringBuilder(version);
            text.append(switch (body) {
                case NONE -> ", no body";
                case LENGTH -> ", body of known length";
                case CHUNKED -> ", chunked body";
            });
            if (expectContinue) {
                text.append(", Expect: 100-continue");
            }
            if (upgrade != null) {
                text.append(", offers an upgrade to ").append(upgrade);
            }
            text.append(close ? ", connection closed after it" : ", kept alive");
            return text.toString();
        }
    }
}
