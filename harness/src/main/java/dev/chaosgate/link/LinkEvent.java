package dev.chaosgate.link;

import java.time.Instant;

/**
 * Something that happened to one connection through a proxy of a {@link LinkEngine}
 * (see {@link LinkEngine#onEvent}).
 *
 * @param at           when it happened
 * @param proxy        the proxy's name
 * @param connection   the connection's sequence number within its proxy (1 for the first); 0 for
 *                     {@link Kind#UPSTREAM_UNREACHABLE}, a connection that never opened
 * @param kind         what happened
 * @param clientPort   the client's remote port on its socket to the proxy
 * @param upstreamPort the local port of the proxy's socket to the upstream: the port the upstream
 *                     sees as its client's (for the fake upstream, {@code UpstreamExchange.connection()});
 *                     0 for {@link Kind#UPSTREAM_UNREACHABLE}
 */
public record LinkEvent(Instant at, String proxy, long connection, Kind kind, int clientPort, int upstreamPort) {

    public enum Kind {
        /** Both sockets are connected; data starts flowing after this event. */
        OPENED,
        /** Both sockets are closed (after a RESET too). */
        CLOSED,
        /** A toxic (reset_peer, timeout, a toxic that could not start) tore the connection down with RSTs. */
        RESET,
        /**
         * A client was accepted but the upstream could not be reached (connection refused, no route, or
         * no answer within 10 s: the upstream is down), so the client's connection was closed at once
         * without a byte, as Toxiproxy does. No {@code OPENED} or {@code CLOSED} follows.
         */
        UPSTREAM_UNREACHABLE,
        /**
         * The connection closed before every byte the upstream sent had reached the client: a toxic held
         * them (latency, bandwidth, timeout) or dropped them (limit_data). The answer on it was not received
         * in full. Sent just before {@code CLOSED}, only when bytes were lost.
         */
        UNDELIVERED
    }
}
