package dev.chaosgate.link;

/**
 * The bytes one proxy carried under one set of addresses, as Toxiproxy's proxy metrics count them
 * (see {@link LinkEngine#traffic()}). A proxy whose listen or upstream address changed, or that was
 * deleted, keeps its totals under its old addresses, so every figure only grows.
 *
 * @param proxy              the proxy's name
 * @param listen             its listen address, as the API reports it
 * @param upstream           its upstream address, as written
 * @param upstreamBytesIn    bytes read from clients (Toxiproxy: received, direction upstream)
 * @param upstreamBytesOut   bytes written to the upstream server (sent, upstream)
 * @param downstreamBytesIn  bytes read from the upstream server (received, downstream)
 * @param downstreamBytesOut bytes written back to clients (sent, downstream)
 */
public record ProxyTraffic(String proxy, String listen, String upstream,
                           long upstreamBytesIn, long upstreamBytesOut,
                           long downstreamBytesIn, long downstreamBytesOut) {
}
