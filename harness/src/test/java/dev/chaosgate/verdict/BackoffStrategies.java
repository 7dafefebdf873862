package dev.chaosgate.verdict;

import dev.chaosgate.fixtures.GuidanceCatalog;
import dev.chaosgate.scenario.Chaos;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.upstream.Faults;
import dev.chaosgate.upstream.UpstreamExchange;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Common retry strategies, simulated: each draws the waits of one retry sequence, the measured gaps get
 * scheduling noise, and the sequence goes through the real {@link BackoffJudge} as the attempts of a
 * verdict. Used by {@code BackoffBench} (the table in docs/verdicts.md) and {@code BackoffFamiliesTest}.
 */
final class BackoffStrategies {
    private BackoffStrategies() {
    }

    /** A strategy: the nominal wait before retry {@code k} (1 for the first), given the previous wait. */
    interface Policy {
        double waitMillis(int k, double previous, SplittableRandom random);
    }

    /** @param good whether a good client may use it (its NO_BACKOFF rate is a false-positive rate) */
    record Strategy(String name, boolean good, String description, Policy policy) {
    }

    static final double CAP_MS = 8_000;

    static final List<Strategy> ALL = List.of(
            new Strategy("full jitter", true, "U(0, min(8 s, 200 ms x 2^(k-1))) (AWS: first wait 0-200 ms)",
                    (k, prev, r) -> r.nextDouble() * Math.min(CAP_MS, 200 * Math.pow(2, k - 1))),
            new Strategy("equal jitter", true, "t/2 + U(0, t/2), t = min(8 s, 200 ms x 2^(k-1))",
                    (k, prev, r) -> {
                        double t = Math.min(CAP_MS, 200 * Math.pow(2, k - 1));
                        return t / 2 + r.nextDouble() * t / 2;
                    }),
            new Strategy("decorrelated jitter", true, "min(8 s, U(100 ms, 3 x previous)), previous starts at 100 ms",
                    (k, prev, r) -> {
                        double last = k == 1 ? 100 : prev;
                        return Math.min(CAP_MS, 100 + r.nextDouble() * (3 * last - 100));
                    }),
            new Strategy("exponential with jitter", true, "min(8 s, 200 ms x 2^(k-1)) x U(0.5, 1.5)",
                    (k, prev, r) -> Math.min(CAP_MS, 200 * Math.pow(2, k - 1)) * (0.5 + r.nextDouble())),
            new Strategy("exponential, no jitter", true, "100 ms x 2^(k-1)",
                    (k, prev, r) -> 100 * Math.pow(2, k - 1)),
            new Strategy("openai SDKs", true, "min(8 s, 0.5 s x 2^(k-1)) x (1 - U(0, 0.25))",
                    (k, prev, r) -> Math.min(CAP_MS, 500 * Math.pow(2, k - 1)) * (1 - 0.25 * r.nextDouble())),
            new Strategy("fixed 1 s", true, "1 s every time",
                    (k, prev, r) -> 1000),
            new Strategy("immediate retry", false, "no wait at all",
                    (k, prev, r) -> 0),
            new Strategy("retry storm", false, "U(0, 15 ms): a loop with a token delay",
                    (k, prev, r) -> r.nextDouble() * 15),
            new Strategy("fixed 50 ms", false, "50 ms every time",
                    (k, prev, r) -> 50));

    /**
     * Scheduling noise added to every measured gap: a timer never fires early and the next request takes
     * time to build, connect and arrive; 0.3 ms + an exponential tail of mean 2 ms, and one gap in 20 meets a
     * busy machine (+ up to 30 ms).
     */
    static double noiseMillis(SplittableRandom random) {
        double noise = 0.3 - 2 * Math.log(1 - random.nextDouble());
        if (random.nextDouble() < 0.05) {
            noise += 30 * random.nextDouble();
        }
        return noise;
    }

    /** Measured gaps of one simulated sequence of {@code retries} retries. */
    static List<Duration> gaps(Strategy strategy, int retries, SplittableRandom random) {
        List<Duration> gaps = new ArrayList<>();
        double previous = 0;
        for (int k = 1; k <= retries; k++) {
            double wait = strategy.policy().waitMillis(k, previous, random);
            previous = wait;
            gaps.add(Duration.ofNanos((long) ((wait + noiseMillis(random)) * 1e6)));
        }
        return gaps;
    }

    static final Scenario SCENARIO = Chaos.scenario("bad-gateway-long-burst")
            .then(Chaos.phase("burst").forRequests(10).serving(Faults.badGateway()))
            .then(Chaos.phase("recovered"))
            .expect(Chaos.recovers().withMaxAttempts(20))
            .build();
    private static final GuidanceCatalog CATALOG = GuidanceCatalog.builtIn();
    private static final Instant START = Instant.parse("2025-03-01T12:00:00Z");

    /** Whether the real judge finds {@code NO_BACKOFF} in the attempts these gaps separate (502s, then an answer). */
    static boolean noBackoff(List<Duration> gaps, Duration minBackoff) {
        Scenario scenario = minBackoff.equals(SCENARIO.expect().minBackoff()) ? SCENARIO
                : Chaos.scenario(SCENARIO.name()).then(SCENARIO.phases().get(0)).then(SCENARIO.phases().get(1))
                .expect(SCENARIO.expect().withMinBackoff(minBackoff)).build();
        List<Attempt> attempts = new ArrayList<>();
        Instant arrived = START;
        Duration answer = Duration.ofMillis(15);
        for (int i = 0; i <= gaps.size(); i++) {
            boolean last = i == gaps.size();
            Duration gap = i == 0 ? null : gaps.get(i - 1);
            if (gap != null) {
                arrived = arrived.plus(answer).plus(gap);
            }
            UpstreamExchange exchange = new UpstreamExchange(i + 1, arrived, 50_000 + i, "POST", "/v1/chat/completions",
                    Map.of(), null, last ? null : "502 cloudflare/502-branded", last ? 200 : 502, Map.of(), false, answer,
                    true, last ? "recovered" : "burst", last ? null : "bad_gateway", "prompt");
            attempts.add(new Attempt(i + 1, Duration.between(START, arrived), gap, exchange, null, null));
        }
        VerdictCase verdictCase = new VerdictCase(scenario, attempts, ClientReport.of("prompt", List.of("answer"), ""), 1, CATALOG);
        List<Finding> findings = new ArrayList<>();
        new BackoffJudge().judge(verdictCase, findings);
        return findings.stream().anyMatch(f -> f.code() == FindingCode.NO_BACKOFF);
    }

    /** The share of {@code sequences} simulated sequences of {@code retries} retries that get NO_BACKOFF. */
    static double noBackoffRate(Strategy strategy, int retries, int sequences, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int fired = 0;
        for (int i = 0; i < sequences; i++) {
            if (noBackoff(gaps(strategy, retries, random), SCENARIO.expect().minBackoff())) {
                fired++;
            }
        }
        return (double) fired / sequences;
    }
}
