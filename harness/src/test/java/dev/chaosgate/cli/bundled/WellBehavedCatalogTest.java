package dev.chaosgate.cli.bundled;

import dev.chaosgate.fixtures.GuidanceCatalog;
import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.scenario.Expectation;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.upstream.StreamPacing;
import dev.chaosgate.upstream.UpstreamExchange;
import dev.chaosgate.verdict.ClientReport;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.SoftAssertions.assertSoftly;

/**
 * The well-behaved client against every catalog scenario, checked directly against each scenario's
 * {@code expect} block from the raw exchanges (no judges): attempts, retry or not, gaps, Retry-After, outcome,
 * guidance and draft. Every scenario runs non-streamed and streamed, with the default timeouts, so it takes a
 * few minutes (black-hole-timeout alone waits 2 × 12 s): it runs only with {@code -Dchaosgate.catalogSweep=true}.
 */
@EnabledIfSystemProperty(named = "chaosgate.catalogSweep", matches = "true")
class WellBehavedCatalogTest {

    private static final String PROMPT = "Explain what a gateway timeout is.";

    static Stream<Arguments> scenarios() {
        return ScenarioCatalog.builtIn().all().stream()
                .flatMap(s -> Stream.of(Arguments.of(s.name(), false), Arguments.of(s.name(), true)));
    }

    @ParameterizedTest(name = "{0} stream={1}")
    @MethodSource("scenarios")
    void meetsTheExpectation(String name, boolean stream) {
        Scenario scenario = ScenarioCatalog.builtIn().get(name);
        Expectation expect = scenario.expect();
        ClientReport report;
        List<UpstreamExchange> exchanges;
        long connections;
        try (ChaosGateway gateway = ChaosGateway.builder().scenario(scenario).pacing(StreamPacing.immediate()).start()) {
            report = new WellBehavedClient().ask(gateway.baseUrl(), PROMPT, stream);
            exchanges = gateway.exchanges();
            connections = gateway.linkCounters().connectionsAccepted();
        }
        boolean streamFault = scenario.tags().contains("stream");
        int attempts = exchanges.isEmpty() ? (int) connections : exchanges.size();
        System.out.printf("%-36s stream=%-5s attempts=%d shown=%s draft=%s%n", name, stream, attempts, report.shown(),
                report.draft().isEmpty() ? "\"\"" : "prompt");
        assertSoftly(soft -> {
            soft.assertThat(attempts).as("attempts").isLessThanOrEqualTo(expect.retry() ? expect.maxAttempts() : 1);
            for (int i = 1; i < exchanges.size(); i++) {
                UpstreamExchange previous = exchanges.get(i - 1);
                Duration gap = Duration.between(previous.arrived(), exchanges.get(i).arrived());
                soft.assertThat(gap).as("gap %d", i).isGreaterThanOrEqualTo(expect.minBackoff());
                Optional<Duration> asked = WellBehavedClient.parseServerDelay(previous.responseHeaders().get("retry-after-ms"),
                        previous.responseHeaders().get("retry-after"), previous.arrived());
                if (expect.honourRetryAfter() && asked.isPresent()) {
                    Instant allowed = previous.arrived().plus(previous.duration()).plus(asked.get()).minusMillis(1000);
                    soft.assertThat(exchanges.get(i).arrived()).as("Retry-After of attempt %d", i).isAfterOrEqualTo(allowed);
                }
            }
            if (stream && streamFault || expect.outcome() == Expectation.Outcome.GIVES_UP && !streamFault) {
                String last = report.shown().get(report.shown().size() - 1);
                soft.assertThat(GuidanceCatalog.builtIn().entry(expect.guidance()).judge(last).passed())
                        .as("guidance %s: %s", expect.guidance(), last).isTrue();
                soft.assertThat(report.draft()).as("draft").isEqualTo(PROMPT);
            } else {
                soft.assertThat(report.shown()).as("answer").hasSize(1);
                soft.assertThat(report.draft()).as("draft").isEmpty();
            }
        });
        assertThat(report.prompt()).isEqualTo(PROMPT);
    }
}
