package dev.chaosgate.link;

import java.time.Instant;

/**
 * Something that happened to one connection through a proxy of a {@link LinkEngine}
 * (see {@link LinkEngine#onEvent}).
 *
 * @param at           when it happened
 * @param proxy        the proxy's name
 * @param connection   the connection's sequence number within its proxy (1 for the first)
 * @param kind         what happened
 * @param clientPort   the client's remote port on its socket to the proxy
 * @param upstreamPort the local port of the proxy's socket to the upstream: the port the upstream
 *                     sees as its client's (for the fake upstream, {@code UpstreamExchange.connection()})
 */
public record LinkEvent(Instant at, String proxy, long connection, Kind kind, int clientPort, int upstreamPort) {

    public enum Kind {
        /** Both sockets are connected; data starts flowing after this event. */
        OPENED,
        /** Both sockets are closed (after a RESET too). */
        CLOSED,
        /** A toxic (reset_peer, timeout, a toxic that could not start) tore the connection down with RSTs. */
        RESET
    }
}
