package dev.chaosgate.gateway;

import dev.chaosgate.scenario.Chaos;
import dev.chaosgate.scenario.LinkToxic;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.upstream.StreamPacing;
import dev.chaosgate.upstream.UpstreamExchange;
import dev.chaosgate.verdict.ClientReport;
import dev.chaosgate.verdict.FindingCode;
import dev.chaosgate.verdict.Verdict;
import dev.chaosgate.cli.bundled.WellBehavedClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Client-relative time end to end: a real client over loopback, through the link and the upstream, meets the
 * same first phase however long it takes to start, because the scenario's time starts at its first
 * generation request; {@code clock: scenario} keeps the wall clock.
 */
@Timeout(120)
class ClientClockTest {
    private static final String PROMPT = "Summarise the plot of Hamlet in two sentences";
    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** A played run of {@code scenario} with the bundled client starting {@code late} after play, after a model list. */
    private record Run(Duration late, Verdict verdict, List<UpstreamExchange> generations) {
        String describe() {
            StringBuilder out = new StringBuilder("client " + late.toMillis() + " ms late: " + verdict.codes());
            for (UpstreamExchange e : generations) {
                out.append("\n  #").append(e.sequence()).append(' ').append(e.arrived()).append(' ').append(e.status())
                        .append(" [").append(e.phase()).append(']');
            }
            return out + "\n" + verdict.explain();
        }
    }

    private Run play(Scenario scenario, Duration late) throws Exception {
        try (ChaosGateway gateway = ChaosGateway.builder().scenario(scenario).start()) {
            long played = System.nanoTime();
            // A start-up check before the action: it must not start the clock.
            HttpRequest models = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/models")).GET().build();
            assertThat(http.send(models, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            long wait = late.toNanos() - (System.nanoTime() - played);
            if (wait > 0) {
                // The client's start-up time: the input of this test, not a wait for a result.
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            ClientReport report = new WellBehavedClient().ask(gateway.baseUrl(), PROMPT, false);
            Verdict verdict = gateway.verdict(report);
            List<UpstreamExchange> generations = gateway.exchanges().stream().filter(UpstreamExchange::isGeneration).toList();
            return new Run(late, verdict, generations);
        }
    }

    @Test
    void gatewayFlappingGivesTheSameVerdictWhenTheClientStarts0Or1point2Or1point6SecondsLate() throws Exception {
        Scenario flapping = ScenarioCatalog.builtIn().find("gateway-flapping").orElseThrow();
        assertThat(flapping.clock()).isEqualTo(Scenario.Clock.CLIENT);
        Map<Duration, Run> runs = new LinkedHashMap<>();
        for (Duration late : List.of(Duration.ZERO, Duration.ofMillis(1200), Duration.ofMillis(1600))) {
            runs.put(late, play(flapping, late));
        }
        String all = String.join("\n\n", runs.values().stream().map(Run::describe).toList());
        Set<FindingCode> onTime = runs.get(Duration.ZERO).verdict().codes();
        for (Run run : runs.values()) {
            assertThat(run.generations()).as("generation requests of a run; all runs:%n%s", all).isNotEmpty();
            assertThat(run.generations().get(0).status())
                    .as("the first attempt of a client %s ms late meets the down window (503); all runs:%n%s", run.late().toMillis(), all)
                    .isEqualTo(503);
            assertThat(run.verdict().codes()).as("the fault was exercised; all runs:%n%s", all)
                    .doesNotContain(FindingCode.FAULT_NOT_EXERCISED);
            assertThat(run.verdict().codes()).as("verdict codes of a client %s ms late against one on time; all runs:%n%s",
                    run.late().toMillis(), all).isEqualTo(onTime);
        }
        assertThat(runs.get(Duration.ZERO).verdict().passed()).as("the well-behaved client passes; all runs:%n%s", all).isTrue();
    }

    @Test
    void onTheScenarioClockALateClientLandsInTheUpWindowAndNeverMeetsTheFault() throws Exception {
        Scenario flapping = ScenarioCatalog.builtIn().find("gateway-flapping").orElseThrow().withClock(Scenario.Clock.SCENARIO);
        Run run = play(flapping, Duration.ofMillis(1200));
        assertThat(run.generations().get(0).status()).as("1.2 s after play is the up window; %s", run.describe()).isEqualTo(200);
        assertThat(run.verdict().codes()).as(run.describe()).contains(FindingCode.FAULT_NOT_EXERCISED);
    }

    @Test
    void aFirstRequestTheLinkStopsStartsTheClock() throws Exception {
        Scenario blackHole = Chaos.scenario("black-hole-then-up")
                .then(Chaos.phase("black-hole").lasting(Duration.ofSeconds(1)).withToxic(LinkToxic.blackHole()))
                .then(Chaos.phase("up"))
                .build();
        try (ChaosGateway gateway = ChaosGateway.builder().pacing(StreamPacing.immediate()).scenario(blackHole).start()) {
            Instant played = Instant.now();
            // Later than the phase lasts: on a clock started at play the black hole would be gone.
            Thread.sleep(1500);
            assertThat(gateway.clockStart()).as("the clock before any request").isNull();
            assertThat(gateway.phase()).isEqualTo("black-hole");
            Instant sent = Instant.now();
            HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/chat/completions"))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(CHAT)).build();
            CompletableFuture<HttpResponse<String>> held = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());

            await().atMost(Duration.ofSeconds(10)).until(() -> gateway.clockStart() != null);
            Instant zero = gateway.clockStart();
            assertThat(gateway.exchanges()).as("the upstream saw nothing: the link holds the request").isEmpty();
            assertThat(zero).as("the clock starts when the link read the request (play at %s)", played)
                    .isAfterOrEqualTo(sent.minusMillis(5)).isAfter(played.plusMillis(1400));

            await().atMost(Duration.ofSeconds(10)).until(() -> "up".equals(gateway.phase()));
            Instant upSeen = Instant.now();
            assertThat(Duration.between(zero, upSeen)).as("the black hole lasts 1 s from the held request")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(990));
            await().atMost(Duration.ofSeconds(10)).until(() -> gateway.link().toxics(ChaosGateway.LINK).isEmpty());
            held.handle((answer, error) -> null).get();
            HttpRequest again = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/chat/completions"))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(CHAT)).build();
            assertThat(http.send(again, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

            Verdict verdict = gateway.verdict(ClientReport.of("hi", List.of("answer"), ""));
            assertThat(verdict.attempts()).as(verdict.explain()).hasSize(2);
            assertThat(verdict.attempts()).as("the phase each attempt met, on the clock the held request started; %s",
                    verdict.explain()).extracting(a -> a.exchange().phase()).containsExactly("black-hole", "up");
        }
    }

    @Test
    void aModelListThroughTheLinkDoesNotStartTheClockButAChatCallDoes() throws Exception {
        Scenario flapping = ScenarioCatalog.builtIn().find("gateway-flapping").orElseThrow();
        try (ChaosGateway gateway = ChaosGateway.builder().pacing(StreamPacing.immediate()).scenario(flapping).start()) {
            HttpRequest models = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/models")).GET().build();
            assertThat(http.send(models, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            assertThat(gateway.clockStart()).as("after a model list").isNull();
            Instant before = Instant.now();
            HttpRequest chat = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/chat/completions?api-version=1"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(CHAT)).build();
            assertThat(http.send(chat, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(503);
            assertThat(gateway.clockStart()).as("started by the chat call").isBetween(before, Instant.now());
        }
    }
}
