package dev.chaosgate.verdict;

import dev.chaosgate.upstream.FakeUpstream;

import java.time.Instant;

/**
 * A request the link in front of the upstream saw the client send, whether or not it reached the upstream:
 * the evidence that counts attempts a link toxic stopped (a black hole, a reset) and that times when the
 * client gave up on an attempt. {@code ChaosGateway} collects them from its link; a verdict matches each to
 * the upstream's record of the same request, if any ({@code docs/verdicts.md}, "Attempts the upstream never saw").
 *
 * @param at            when the request head passed the link (for a connection whose protocol the link could
 *                      not read, when the connection opened)
 * @param connection    the link's number for the connection
 * @param upstreamPort  the port the upstream sees as its client's for this connection ({@code UpstreamExchange.connection()})
 * @param method        the request method, or null when the link could not read the protocol (TLS, HTTP/2)
 * @param path          the request path without its query, or null with {@code method}
 * @param ended         when the connection ended with this request as its last one: closed by the client, by
 *                      the link (a toxic) or by the upstream; null while it is open, or when another request
 *                      followed on the same connection
 * @param clientGaveUp  whether the client closed that connection itself (its own timeout, the user's stop)
 * @param bytesToClient bytes the link wrote back to the client on that connection (0: it got nothing at all)
 * @param phase         the scenario phase in force when the head passed, or null
 * @param transport     how the request travelled, as the link read it ({@code HTTP/1.1, chunked body, offers an
 *                      upgrade to h2c, kept alive}; {@code LinkConnection.RequestHead.transport()}), or null when unknown
 * @param tls           the label of the certificate the link presented on that connection ({@code gateway}, or a TLS
 *                      fault's: {@code untrusted-issuer}, {@code wrong-host}, {@code expired}), or null for plain TCP
 */
public record LinkRequest(Instant at, long connection, int upstreamPort, String method, String path, Instant ended,
                          boolean clientGaveUp, long bytesToClient, String phase, String transport, String tls) {

    /** A request over plain TCP. */
    public LinkRequest(Instant at, long connection, int upstreamPort, String method, String path, Instant ended,
                       boolean clientGaveUp, long bytesToClient, String phase, String transport) {
        this(at, connection, upstreamPort, method, path, ended, clientGaveUp, bytesToClient, phase, transport, null);
    }

    /** A request whose transport is not known. */
    public LinkRequest(Instant at, long connection, int upstreamPort, String method, String path, Instant ended,
                       boolean clientGaveUp, long bytesToClient, String phase) {
        this(at, connection, upstreamPort, method, path, ended, clientGaveUp, bytesToClient, phase, null);
    }

    /** A request for a model's answer, as {@code UpstreamExchange.isGeneration()} tells it. */
    public boolean isGeneration() {
        return method != null && path != null && FakeUpstream.isGenerationCall(method, path);
    }

    /** Whether the link could not read what the client sent (so nothing is known of the request but its connection). */
    public boolean unreadable() {
        return method == null;
    }
}
