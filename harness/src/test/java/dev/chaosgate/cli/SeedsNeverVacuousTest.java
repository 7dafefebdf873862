package dev.chaosgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chaosgate.scenario.Phase;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.upstream.UpstreamFault;
import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.upstream.StreamPacing;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A scenario's own seed decides its fault schedule whatever {@code run --seed} says, so no seed leaves a
 * scenario vacuous: the bundled well-behaved client passes every scenario under 7 different seeds (20 with
 * {@code -Dchaosgate.seeds=full}), and none gets {@code FAULT_NOT_EXERCISED}.
 *
 * <p>By default only the scenarios whose faults are drawn at random or follow the clock (probability,
 * flapping, toxicity below 1: those a seed could change) run under the 7 seeds. With
 * {@code -Dchaosgate.seeds=full} the whole catalog does, under all 20 (about half an hour on two cores), except the
 * scenarios tagged {@code load}: they need several users at once, which one action of one client
 * cannot be under any seed ({@code run --all} skips them for the same reason).
 */
class SeedsNeverVacuousTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    static Stream<Long> seeds() {
        // Seven seeds by default: small, large, negative, the extremes; 7 is the one of the issue. With
        // -Dchaosgate.seeds=full thirteen more, spread out: the schedule comes from the scenario's own seed,
        // so more seeds add time, not cases, to every build.
        Stream<Long> named = Stream.of(7L, 0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, 42L, 1234567890123L);
        return "full".equals(System.getProperty("chaosgate.seeds"))
                ? Stream.concat(named, LongStream.rangeClosed(1, 13).map(i -> i * 7919 + 3).boxed())
                : named;
    }

    static List<String> scenarios() {
        boolean full = "full".equals(System.getProperty("chaosgate.seeds"));
        List<String> names = new ArrayList<>();
        for (Scenario scenario : ScenarioCatalog.builtIn().all()) {
            if ((full && !scenario.tags().contains("load")) || drawsAtRandom(scenario)) {
                names.add(scenario.name());
            }
        }
        return names;
    }

    /** A fault a seed or the clock decides: a probability, a flapping or an outage window, a toxic that applies at random. */
    static boolean drawsAtRandom(Scenario scenario) {
        for (Phase phase : scenario.phases()) {
            if (phase.link().stream().anyMatch(t -> t.toxicity() < 1f) || random(phase.upstream())) {
                return true;
            }
        }
        return scenario.tags().contains("seeded");
    }

    private static boolean random(UpstreamFault fault) {
        return fault instanceof UpstreamFault.WithProbability || fault instanceof UpstreamFault.Flapping
                || (fault instanceof UpstreamFault.FirstRequests first && random(first.fault()))
                || (fault instanceof UpstreamFault.Outage outage && random(outage.fault()));
    }

    @ParameterizedTest(name = "run --seed {0}")
    @MethodSource("seeds")
    void everyScenarioMeetsItsFaultAndTheBundledClientPasses(long seed) throws IOException {
        List<String> names = scenarios();
        assertThat(names).as("the scenarios a seed could change").contains("brownout-30-percent", "gateway-flapping");
        List<String> args = new ArrayList<>(List.of("run", "--seed", Long.toString(seed), "--report-dir", dir.toString()));
        args.addAll(names);

        CliRun run = CliRun.of(args.toArray(String[]::new));

        JsonNode report = JSON.readTree(dir.resolve("report.json").toFile());
        List<String> problems = new ArrayList<>();
        for (JsonNode scenario : report.path("scenarios")) {
            if (!scenario.path("verdict").asText().equals("PASS")) {
                problems.add(scenario.path("name").asText() + ": " + scenario.path("verdict").asText() + " "
                        + scenario.path("findings").findValuesAsText("message"));
            }
        }
        assertThat(problems).as("under --seed %d (scenarios keep their own seeds for their faults)\n%s", seed, run).isEmpty();
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(report.path("scenarios").findValuesAsText("name")).containsExactlyElementsOf(names);
    }

    @Test
    void aGatewaySeedDoesNotReplaceTheScenariosScheduleAsReplacingItWould() throws Exception {
        Scenario brownout = ScenarioCatalog.builtIn().get("brownout-30-percent");

        try (ChaosGateway seeded = ChaosGateway.builder().pacing(StreamPacing.immediate()).seed(7).scenario(brownout).start()) {
            assertThat(firstStatus(seeded)).as("under gateway seed 7 the scenario's own seed still fails the first request")
                    .isEqualTo(502);
            assertThat(seeded.seed()).isEqualTo(7);
            assertThat(seeded.scenario().seed()).isEqualTo(brownout.seed());
        }
        // What the rule prevents: the schedule drawn from 7 instead lets the first request through, so a
        // one-request action meets no fault.
        try (ChaosGateway replaced = ChaosGateway.builder().pacing(StreamPacing.immediate()).scenario(brownout.withSeed(7)).start()) {
            assertThat(firstStatus(replaced)).isEqualTo(200);
        }
    }

    private static int firstStatus(ChaosGateway gateway) throws IOException, InterruptedException {
        String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/chat/completions"))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
