package dev.chaosgate.link;

/**
 * Read-only settings of a {@link LinkServer}, copied when the builder builds.
 *
 * @param host      address the Toxiproxy-compatible API binds; 127.0.0.1 by default
 * @param port      API port; 0 picks a free one (Toxiproxy's default is 8474)
 * @param seed      seed of every toxic's random source
 * @param ioThreads Netty event loops for the data plane
 * @param proxyMetrics   serve Toxiproxy's proxy byte counters on {@code GET /metrics} ({@code -proxy-metrics})
 * @param runtimeMetrics serve the JVM's runtime metrics on {@code GET /metrics} ({@code -runtime-metrics});
 *                       with neither, {@code /metrics} is a 404 as in Toxiproxy
 * @param warmUp    whether the data path is warmed before the API listens ({@link LinkEngine#warmUp()})
 */
public record LinkServerConfig(String host, int port, long seed, int ioThreads,
                               boolean proxyMetrics, boolean runtimeMetrics, boolean warmUp) {
}
