package dev.chaosgate.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chaosgate.metrics.PrometheusText;
import dev.chaosgate.metrics.PrometheusText.Family;
import dev.chaosgate.metrics.PrometheusText.Sample;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * The console's {@code GET /metrics}, read with a real Prometheus text-format parser: requests counted
 * by fault, failure class, phase and source after faulted requests of a known scenario
 * ({@code bad-gateway-burst}: two Cloudflare 502 pages in phase {@code burst}, then normal answers in
 * {@code recovered}), and the link's byte counters under the {@code chaosgate_} prefix.
 */
class ConsoleMetricsTest {
    private RunningConsole console;

    @BeforeEach
    void parser() {
        PrometheusText.assumeParserInstalled();
    }

    @AfterEach
    void stop() {
        if (console != null) {
            console.close();
        }
    }

    @Test
    void countsRequestsByFaultFailureClassPhaseAndSource() {
        console = RunningConsole.start("bad-gateway-burst");
        console.api("fail-next", "{\"count\": 1, \"fault\": \"rate-limited\"}");

        assertThat(console.chat("hello")).as("injected").isEqualTo(429);
        assertThat(console.chat("hello")).as("burst 1").isEqualTo(502);
        assertThat(console.chat("hello")).as("burst 2").isEqualTo(502);
        assertThat(console.chat("hello")).as("recovered").isEqualTo(200);
        assertThat(console.chat("hello")).as("recovered").isEqualTo(200);

        Family requests = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> scrape().get("chaosgate_requests_total"), family -> family != null && total(family) == 5);

        assertThat(requests.type()).isEqualTo("COUNTER");
        assertThat(requests.help()).contains("fault").contains("phase");
        assertCount(requests, Map.of("fault", "502 cloudflare/502-branded", "failure_class", "bad_gateway",
                "phase", "burst", "source", "scenario"), 2);
        assertCount(requests, Map.of("fault", "none", "failure_class", "none", "phase", "recovered",
                "source", "scenario"), 2);
        Sample injected = requests.samples().stream().filter(s -> s.labels().get("source").equals("injected"))
                .findFirst().orElseThrow(() -> new AssertionError("no injected series in " + requests.samples()));
        assertThat(injected.value()).isEqualByComparingTo(BigDecimal.ONE);
        assertThat(injected.labels().get("fault")).contains("429");
        assertThat(injected.labels().get("failure_class")).as("a 429 has a failure class").isNotEqualTo("none");
        assertThat(requests.samples()).as("one series per (fault, class, phase, source): " + requests.samples()).hasSize(3);
    }

    @Test
    void servesTheLinksByteCountersUnderTheChaosgatePrefix() {
        console = RunningConsole.start("bad-gateway-burst");
        console.chat("hello");

        Map<String, Family> families = scrape();

        Family received = families.get("chaosgate_proxy_received_bytes_total");
        Family sent = families.get("chaosgate_proxy_sent_bytes_total");
        assertThat(received).as("families served: %s", families.keySet()).isNotNull();
        assertThat(sent).isNotNull();
        for (String direction : new String[]{"upstream", "downstream"}) {
            Sample in = only(received, direction);
            Sample out = only(sent, direction);
            assertThat(in.labels()).containsOnlyKeys("direction", "listener", "proxy", "upstream");
            assertThat(in.value()).as("%s bytes received", direction).isPositive();
            assertThat(out.value()).as("%s bytes sent once the answer was read: all of them, no toxic", direction)
                    .isEqualByComparingTo(in.value());
        }
    }

    @Test
    void onlyGetScrapes() {
        console = RunningConsole.start("bad-gateway-burst");

        HttpResponse<String> post = console.send(HttpRequest.newBuilder(URI.create(console.origin() + "/metrics"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        HttpResponse<String> get = console.get("/metrics");

        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
    }

    private Map<String, Family> scrape() {
        HttpResponse<String> response = console.get("/metrics");
        assertThat(response.statusCode()).as("GET /metrics: %s", response.body()).isEqualTo(200);
        return PrometheusText.parse(response.body());
    }

    private static long total(Family family) {
        return family.samples().stream().mapToLong(s -> s.value().longValueExact()).sum();
    }

    private static void assertCount(Family family, Map<String, String> labels, long expected) {
        assertThat(family.sample(labels))
                .as("%s%s; samples served: %s", family.name(), labels, family.samples())
                .hasValueSatisfying(sample -> assertThat(sample.value()).isEqualByComparingTo(BigDecimal.valueOf(expected)));
    }

    private static Sample only(Family family, String direction) {
        return family.samples().stream().filter(s -> direction.equals(s.labels().get("direction"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + direction + " series in " + family));
    }
}
