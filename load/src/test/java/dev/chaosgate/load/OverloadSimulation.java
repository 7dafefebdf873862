package dev.chaosgate.load;

import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.load.client.ClientModel;
import dev.chaosgate.load.client.RetryPolicy;
import dev.chaosgate.load.figures.GatewayTraffic;
import dev.chaosgate.load.figures.ModelFigures;
import dev.chaosgate.load.figures.RunChecks;
import dev.chaosgate.load.figures.Summary;
import dev.chaosgate.scenario.Phase;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.upstream.RetryAfter;
import dev.chaosgate.upstream.StreamPacing;
import dev.chaosgate.upstream.UpstreamFault;
import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;

/**
 * A traffic spike against a service that sheds what it cannot take, and pays for it: the built-in
 * {@code overloaded-under-concurrency} scenario (503 {@code server_is_overloaded} with
 * {@code Retry-After: 1} beyond the requests in flight and queued; each 503 leaves work the slots must
 * do before they admit anyone), played with the same overload model, load-sized: 4 times the slots
 * and the queue (8 in flight, 8 queued), twice the times (answers holding their slot 200 ms, 100 ms
 * of work per 503), so a capacity of 40 requests/s and of 80 turned-away requests/s. Users arrive
 * (open model) at 30 % of capacity, a spike ramps to twice the capacity for 2 s, then arrivals fall
 * back to 30 %.
 *
 * <p>The two client models run side by side, each against its own gateway with the same capacity
 * and the same arrival profile: every shed answer in a gateway's journal is then due to one model,
 * and both see the same machine at the same time.
 *
 * <p>Fails the build unless the well-behaved model gets >= 95 % of its requests answered with at
 * most 2 attempts per request (see {@code chaosgate.overload.maxAmplification}), the naive one
 * amplifies the traffic more, and the naive one's overload outlasts the spike longer. Writes
 * {@code OverloadSimulation.json}.
 */
public class OverloadSimulation extends Simulation {
    /** The built-in scenario's slots and queue, times this. */
    static final int SLOT_FACTOR = 4;
    /** The built-in scenario's service time and shed cost, times this. */
    static final int TIME_FACTOR = 2;
    static final UpstreamFault.Overload OVERLOAD = loadSized(overloadOf(ScenarioCatalog.builtIn().get("overloaded-under-concurrency")));
    static final int MAX_IN_FLIGHT = OVERLOAD.maxInFlight();
    static final Duration SERVICE_TIME = OVERLOAD.serviceTime();
    static final double CAPACITY = OVERLOAD.capacityPerSecond();
    /** Seconds of load after the spike needed to compare how long each crowd's overload lasted. */
    static final int MIN_AFTER_SPIKE_FOR_OUTLAST_CHECK = 10;
    static final double BASELINE_RATE = 0.3 * CAPACITY;
    static final double PEAK_RATE = 2 * CAPACITY;
    static final Duration SPIKE_RAMP = Duration.ofSeconds(1);
    static final Duration SPIKE_HOLD = Duration.ofSeconds(2);

    private final Duration duration = LoadSettings.duration(40);
    /** Before the spike: a quarter of the run (time to settle), at least 1 s. */
    private final Duration beforeSpike = Duration.ofSeconds(Math.max(1, duration.toSeconds() / 4));
    private final Duration spike = SPIKE_RAMP.multipliedBy(2).plus(SPIKE_HOLD);
    private final Duration afterSpike = duration.minus(beforeSpike).minus(spike);

    /**
     * The most attempts per request the well-behaved model may take ({@code -Dchaosgate.overload.maxAmplification}).
     * It depends on the share of the run spent in the spike: a short smoke run is mostly spike.
     */
    private final double maxAmplification = LoadSettings.decimal("chaosgate.overload.maxAmplification", 2.0);
    private final ClientModel naive = new ClientModel(RetryPolicy.naive());
    private final ClientModel wellBehaved = new ClientModel(RetryPolicy.wellBehaved());
    private final Scenario scenario = loadSized(ScenarioCatalog.builtIn().get("overloaded-under-concurrency"));
    private final ChaosGateway naiveGateway = gateway(scenario);
    private final ChaosGateway wellBehavedGateway = gateway(scenario);
    private volatile GatewayTraffic naiveTraffic;
    private volatile GatewayTraffic wellBehavedTraffic;
    private final RunChecks checks = new RunChecks()
            .require("well-behaved amplification <= " + maxAmplification,
                    () -> wellBehaved.counters().amplification() <= maxAmplification,
                    () -> "%.3f".formatted(wellBehaved.counters().amplification()))
            .require("naive amplification > well-behaved amplification",
                    () -> naive.counters().amplification() > wellBehaved.counters().amplification(),
                    () -> "%.3f vs %.3f".formatted(naive.counters().amplification(), wellBehaved.counters().amplification()))
;
    {
        // A short run (the CI smoke) ends arrivals before the overload can tell the crowds apart; the figures are still written.
        if (afterSpike.toSeconds() >= MIN_AFTER_SPIKE_FOR_OUTLAST_CHECK) {
            checks.require("naive overload outlasts the spike longer than well-behaved",
                    () -> outlasted(naiveTraffic) > outlasted(wellBehavedTraffic),
                    () -> "%d s vs %d s".formatted(outlasted(naiveTraffic), outlasted(wellBehavedTraffic)));
        }
    }

    {
        if (afterSpike.toSeconds() < 1) {
            throw new IllegalArgumentException("-Dchaosgate.load.duration must be at least "
                    + (beforeSpike.plus(spike).toSeconds() + 1) + " s for the overload spike, got " + duration.toSeconds());
        }
        List<Assertion> assertions = new ArrayList<>(checks.assertions());
        assertions.add(details(wellBehaved.endToEndName()).failedRequests().percent().lte(5.0));
        setUp(population(naive, naiveGateway), population(wellBehaved, wellBehavedGateway),
                checks.referee(() -> naive.counters().inFlight() == 0 && wellBehaved.counters().inFlight() == 0,
                        Duration.ofSeconds(60)).injectOpen(nothingFor(duration.plusSeconds(1)), atOnceUsers(1)))
                .assertions(assertions)
                .maxDuration(duration.plusMinutes(2));
    }

    /** The built-in scenario with its overload {@linkplain #loadSized(UpstreamFault.Overload) load-sized}: the same model, more of it. */
    static Scenario loadSized(Scenario builtIn) {
        Phase overloaded = builtIn.phases().get(0);
        UpstreamFault.Overload sized = loadSized(overloadOf(builtIn));
        return new Scenario(builtIn.name(), "Load-sized: " + sized.label() + ", 503 server_is_overloaded with Retry-After 1.",
                builtIn.situation(), builtIn.seed(), List.of(overloaded.serving(sized)), builtIn.expect(), builtIn.tags());
    }

    static UpstreamFault.Overload overloadOf(Scenario builtIn) {
        return (UpstreamFault.Overload) builtIn.phases().get(0).upstream();
    }

    /**
     * {@link #SLOT_FACTOR} times the slots and the queue, {@link #TIME_FACTOR} times the service time, the
     * shed cost and the shed answer's Retry-After (the queue timeout unchanged): the ratio of the two
     * capacities, answers and turned-away requests per second, stays the scenario's, and Retry-After
     * still tells a client how long the service needs.
     */
    static UpstreamFault.Overload loadSized(UpstreamFault.Overload scenario) {
        UpstreamFault.ErrorResponse shed = scenario.shed();
        if (shed.retryAfter() != null && shed.retryAfter().kind() == RetryAfter.Kind.SECONDS) {
            shed = shed.withRetryAfter(RetryAfter.seconds(shed.retryAfter().delay().toSeconds() * TIME_FACTOR));
        }
        return new UpstreamFault.Overload(scenario.maxInFlight(), shed, scenario.serviceTime(), scenario.queue(),
                        scenario.queueTimeout(), scenario.shedCost())
                .withMaxInFlight(scenario.maxInFlight() * SLOT_FACTOR)
                .withServiceTime(scenario.serviceTime().multipliedBy(TIME_FACTOR))
                .withQueue(scenario.queue() * SLOT_FACTOR, scenario.queueTimeout())
                .withShedCost(scenario.shedCost().multipliedBy(TIME_FACTOR));
    }

    /** Seconds the overload episode went on after the spike (0 when it ended with it, or there was none). */
    private int outlasted(GatewayTraffic traffic) {
        GatewayTraffic.Overload overload = traffic == null ? null : traffic.overload();
        return overload == null ? 0 : Math.max(0, overload.episode().to() - (int) beforeSpike.plus(spike).toSeconds());
    }

    private static ChaosGateway gateway(Scenario played) {
        return ChaosGateway.builder().scenario(played).pacing(StreamPacing.immediate())
                .journalCapacity(LoadSettings.JOURNAL_CAPACITY).start();
    }

    private PopulationBuilder population(ClientModel model, ChaosGateway gateway) {
        // Gatling's own warm-up request, at the gateway rather than at gatling.io.
        HttpProtocolBuilder protocol = http.baseUrl(gateway.baseUrl()).warmUp(gateway.baseUrl() + "/models");
        return scenario(model.name()).exec(model.chat()).injectOpen(arrivals()).protocols(protocol);
    }

    private OpenInjectionStep[] arrivals() {
        return new OpenInjectionStep[] {
                constantUsersPerSec(BASELINE_RATE).during(beforeSpike).randomized(),
                rampUsersPerSec(BASELINE_RATE).to(PEAK_RATE).during(SPIKE_RAMP).randomized(),
                constantUsersPerSec(PEAK_RATE).during(SPIKE_HOLD).randomized(),
                rampUsersPerSec(PEAK_RATE).to(BASELINE_RATE).during(SPIKE_RAMP).randomized(),
                constantUsersPerSec(BASELINE_RATE).during(afterSpike).randomized()
        };
    }

    @Override
    public void before() {
        GatewayWarmup.warm(LoadSettings.warmup(), naiveGateway, wellBehavedGateway);
        naiveTraffic = GatewayTraffic.watch(naiveGateway, 503);
        wellBehavedTraffic = GatewayTraffic.watch(wellBehavedGateway, 503);
    }

    @Override
    public void after() {
        try {
            int spikeEnd = (int) beforeSpike.plus(spike).toSeconds();
            Summary.write(getClass().getSimpleName(), new Figures(
                    new Setup(scenario.name(), MAX_IN_FLIGHT, SERVICE_TIME.toMillis(), OVERLOAD.queue(), OVERLOAD.queueTimeout().toMillis(),
                            OVERLOAD.shedCost().toMillis(), CAPACITY, OVERLOAD.shedCapacityPerSecond(), BASELINE_RATE, PEAK_RATE,
                            (int) beforeSpike.toSeconds(), spikeEnd, duration.toSeconds()),
                    List.of(ModelRun.of(naive, naiveTraffic, spikeEnd), ModelRun.of(wellBehaved, wellBehavedTraffic, spikeEnd)),
                    checks.results()));
        } finally {
            naiveGateway.close();
            wellBehavedGateway.close();
        }
    }

    /**
     * The arrival profile and the service, in requests per second and seconds since the load started;
     * {@code shedCapacityPerSecond}: the turned-away requests a second whose work the slots keep up with.
     */
    record Setup(String scenario, int maxInFlight, long serviceTimeMs, int queue, long queueTimeoutMs, long shedCostMs,
                 double capacityPerSecond, double shedCapacityPerSecond, double baselineRate,
                 double peakRate, int spikeFromSecond, int spikeToSecond, long durationSeconds) {
    }

    /**
     * One model's run: its own figures, and what its gateway saw (see {@link GatewayTraffic#overload()}).
     * {@code peakAttemptsPerSecond}: the busiest second at the gateway, against its capacity;
     * {@code overloadOutlastedSpikeSeconds}: how long the overload episode went on after the
     * arrival rate was back to the baseline (0: it ended with the spike).
     */
    record ModelRun(ModelFigures client, long gatewayAttempts, long shed, long peakAttemptsPerSecond,
                    GatewayTraffic.Overload overload, Integer overloadOutlastedSpikeSeconds,
                    List<GatewayTraffic.Second> timeline) {
        static ModelRun of(ClientModel model, GatewayTraffic traffic, int spikeEnd) {
            GatewayTraffic.Overload overload = traffic.overload();
            return new ModelRun(ModelFigures.of(model), traffic.attempts(), traffic.turnedAway(), traffic.peakAttemptRate(),
                    overload, overload == null ? null : Math.max(0, overload.episode().to() - spikeEnd), traffic.timeline());
        }
    }

    record Figures(Setup setup, List<ModelRun> models, List<RunChecks.Result> checks) {
    }
}
