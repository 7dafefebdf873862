package dev.chaosgate.console;

import dev.chaosgate.link.LinkEngine;
import dev.chaosgate.link.ProxyMetrics;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The console's {@code GET /metrics} (Prometheus text format): the requests the gateway finished, by
 * fault, failure class, phase and source ({@code chaosgate_requests_total}), and the link's byte
 * counters under Toxiproxy's names with the {@code chaosgate_} prefix. Its own registry: two sessions
 * in one JVM never mix their counts.
 */
final class ConsoleMetrics {
    /** A label with no value (a normal answer has no fault, a scenario may have no phase). */
    static final String NONE = "none";

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests = Counter.builder()
            .name("chaosgate_requests_total")
            .help("Requests the gateway answered, by the fault served (none: a normal answer), the failure's class,"
                    + " the scenario phase and where the decision came from (scenario, injected, paused, replay)")
            .labelNames("fault", "failure_class", "phase", "source")
            .register(registry);

    ConsoleMetrics(LinkEngine link) {
        ProxyMetrics.registerProxyMetrics(registry, link, "chaosgate");
    }

    /** Counts one finished request as the live log shows it. */
    void counted(LogEntry entry) {
        requests.labelValues(entry.faulted() ? entry.fault() : NONE, orNone(entry.failureClass()),
                orNone(entry.phase()), entry.source()).inc();
    }

    /** The metrics in the Prometheus text format ({@link ProxyMetrics#CONTENT_TYPE}). */
    byte[] scrape() {
        return ProxyMetrics.write(registry.scrape());
    }

    private static String orNone(String value) {
        return value == null || value.isEmpty() ? NONE : value;
    }
}
