package dev.chaosgate.link;

/**
 * Traffic through one proxy since it was created. Toxiproxy only exposes such figures through
 * Prometheus, and only once a connection has closed; these are live.
 *
 * @param connectionsAccepted client connections accepted, including those whose upstream was unreachable
 * @param connectionsOpen     client connections currently open
 * @param upstreamBytesIn     bytes read from clients
 * @param upstreamBytesOut    bytes written to the upstream server
 * @param downstreamBytesIn   bytes read from the upstream server
 * @param downstreamBytesOut  bytes written back to clients
 */
public record ProxyCounters(long connectionsAccepted, long connectionsOpen,
                            long upstreamBytesIn, long upstreamBytesOut,
                            long downstreamBytesIn, long downstreamBytesOut) {
}
