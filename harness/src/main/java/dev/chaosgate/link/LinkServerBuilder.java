package dev.chaosgate.link;

import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Builds a {@link LinkServer}. Not thread-safe. Values are checked when set.
 */
public final class LinkServerBuilder {
    private String host = "127.0.0.1";
    private int port = 0;
    private long seed = ThreadLocalRandom.current().nextLong();
    private int ioThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
    private boolean proxyMetrics;
    private boolean runtimeMetrics;
    private boolean warmUp = true;

    LinkServerBuilder() {
    }

    /** The API's bind address; 127.0.0.1 unless you mean to expose it. */
    public LinkServerBuilder host(String host) {
        this.host = Objects.requireNonNull(host, "host cannot be null");
        return this;
    }

    /** The API port; 0 (the default) picks a free one. */
    public LinkServerBuilder port(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in 0..65535, got " + port);
        }
        this.port = port;
        return this;
    }

    /** Seed for toxicity rolls, jitter and slicer sizes; random unless set. */
    public LinkServerBuilder seed(long seed) {
        this.seed = seed;
        return this;
    }

    public LinkServerBuilder ioThreads(int ioThreads) {
        if (ioThreads < 1) {
            throw new IllegalArgumentException("ioThreads must be >= 1, got " + ioThreads);
        }
        this.ioThreads = ioThreads;
        return this;
    }

    /** Serves Toxiproxy's proxy byte counters on {@code GET /metrics} (toxiproxy-server's {@code -proxy-metrics}); off by default. */
    public LinkServerBuilder proxyMetrics(boolean on) {
        this.proxyMetrics = on;
        return this;
    }

    /** Serves the JVM's runtime metrics on {@code GET /metrics} ({@code -runtime-metrics}); off by default. */
    public LinkServerBuilder runtimeMetrics(boolean on) {
        this.runtimeMetrics = on;
        return this;
    }

    /**
     * Whether to warm the data path before the API listens (default true), so the first connections
     * are as fast as later ones; see {@link LinkEngine#warmUp()}.
     */
    public LinkServerBuilder warmUp(boolean warmUp) {
        this.warmUp = warmUp;
        return this;
    }

    public LinkServerConfig config() {
        return new LinkServerConfig(host, port, seed, ioThreads, proxyMetrics, runtimeMetrics, warmUp);
    }

    /** Starts the engine and binds the API; throws {@link java.io.UncheckedIOException} when the port is taken. */
    public LinkServer start() {
        return LinkServer.start(config());
    }
}
