package dev.chaosgate.link;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A link's Prometheus metrics: Toxiproxy 2.12's proxy metrics ({@code <prefix>_proxy_received_bytes_total}
 * and {@code <prefix>_proxy_sent_bytes_total}, labels {@code direction}, {@code listener}, {@code proxy},
 * {@code upstream}) read from {@link LinkEngine#traffic()} at each scrape, so the data path does no
 * extra work; and, for {@code -runtime-metrics}, the JVM's standard collectors ({@code jvm_*},
 * {@code process_*}) where Toxiproxy has Go's.
 */
public final class ProxyMetrics {
    /** The Prometheus text format 0.0.4, as Toxiproxy serves it. */
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;
    private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();

    private final PrometheusRegistry registry;

    private ProxyMetrics(PrometheusRegistry registry) {
        this.registry = registry;
    }

    /**
     * What {@code toxiproxy-server -proxy-metrics -runtime-metrics} serves; null when both are off
     * (then there is no {@code /metrics}, as in Toxiproxy).
     */
    public static ProxyMetrics toxiproxy(LinkEngine engine, boolean proxyMetrics, boolean runtimeMetrics) {
        if (!proxyMetrics && !runtimeMetrics) {
            return null;
        }
        PrometheusRegistry registry = new PrometheusRegistry();
        if (proxyMetrics) {
            registerProxyMetrics(registry, engine, "toxiproxy");
        }
        if (runtimeMetrics) {
            // Into this registry, not the default one: two servers in one JVM each serve their own.
            JvmMetrics.builder().register(registry);
        }
        return new ProxyMetrics(registry);
    }

    /**
     * Registers {@code <prefix>_proxy_received_bytes_total} and {@code <prefix>_proxy_sent_bytes_total}
     * on {@code registry}, read from {@code engine} at each scrape. Toxiproxy sets no help text; the
     * prefix is {@code toxiproxy} for toxiproxy-server and {@code chaosgate} for the console.
     */
    public static void registerProxyMetrics(PrometheusRegistry registry, LinkEngine engine, String prefix) {
        registry.register(new TrafficCollector(engine, prefix));
    }

    /** The registry's metrics in the Prometheus text format. */
    public byte[] scrape() {
        return write(registry.scrape());
    }

    /** {@code snapshots} in the Prometheus text format (version 0.0.4, {@link #CONTENT_TYPE}). */
    public static byte[] write(MetricSnapshots snapshots) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try {
            WRITER.write(out, snapshots);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    /** Both byte counters from one read of the engine, so a scrape's figures belong together. */
    private record TrafficCollector(LinkEngine engine, String prefix) implements MultiCollector {
        @Override
        public MetricSnapshots collect() {
            List<ProxyTraffic> traffic = engine.traffic();
            CounterSnapshot.Builder received = CounterSnapshot.builder().name(prefix + "_proxy_received_bytes");
            CounterSnapshot.Builder sent = CounterSnapshot.builder().name(prefix + "_proxy_sent_bytes");
            for (ProxyTraffic proxy : traffic) {
                received.dataPoint(point(proxy, "upstream", proxy.upstreamBytesIn()));
                received.dataPoint(point(proxy, "downstream", proxy.downstreamBytesIn()));
                sent.dataPoint(point(proxy, "upstream", proxy.upstreamBytesOut()));
                sent.dataPoint(point(proxy, "downstream", proxy.downstreamBytesOut()));
            }
            return new MetricSnapshots(received.build(), sent.build());
        }

        private static CounterSnapshot.CounterDataPointSnapshot point(ProxyTraffic proxy, String direction, long bytes) {
            return CounterSnapshot.CounterDataPointSnapshot.builder()
                    .labels(Labels.of("direction", direction, "listener", proxy.listen(),
                            "proxy", proxy.proxy(), "upstream", proxy.upstream()))
                    .value(bytes)
                    .build();
        }
    }
}
