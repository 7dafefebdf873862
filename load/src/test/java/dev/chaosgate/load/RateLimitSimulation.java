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
import dev.chaosgate.upstream.Faults;
import dev.chaosgate.upstream.StreamPacing;
import dev.chaosgate.upstream.UpstreamFault;
import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Simulation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.during;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.pace;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;

/**
 * A rate limit that holds: the built-in {@code rate-limit-window} scenario (429
 * {@code rate_limit_exceeded} with {@code Retry-After} / {@code retry-after-ms} to the window's
 * reset), load-sized to 20 requests per 1 s window. Ten chat users each want an answer every
 * 300 ms (about 33 requests/s, over the limit) for the whole run, each waiting for its answer
 * before asking again, as people in a conversation do.
 *
 * <p>Do the clients converge to the allowed rate? A client that waits as asked sends little more
 * than the limit lets through; one that retries at once multiplies the rejected traffic. The two
 * models run side by side, each against its own gateway. Fails the build unless the well-behaved
 * model's attempt rate in the second half of the run stays within 1.5 times the allowed rate and
 * below the naive model's. Writes {@code RateLimitSimulation.json}.
 */
public class RateLimitSimulation extends Simulation {
    static final int ALLOWED_REQUESTS = 20;
    static final Duration WINDOW = Duration.ofSeconds(1);
    static final double ALLOWED_RATE = ALLOWED_REQUESTS * 1000.0 / WINDOW.toMillis();
    static final Duration SERVICE_TIME = Duration.ofMillis(100);
    static final int USERS = 10;
    /** Each user asks at most this often: 10 users, about 33 requests/s wanted. */
    static final Duration ASK_EVERY = Duration.ofMillis(300);
    /** The attempt rate a converged client stays under, as a multiple of the allowed rate. */
    static final double CONVERGED = 1.5;

    private final Duration duration = LoadSettings.duration(30);
    private final ClientModel naive = new ClientModel(RetryPolicy.naive());
    private final ClientModel wellBehaved = new ClientModel(RetryPolicy.wellBehaved());
    private final Scenario scenario = loadSized(ScenarioCatalog.builtIn().get("rate-limit-window"));
    private final ChaosGateway naiveGateway = gateway(scenario);
    private final ChaosGateway wellBehavedGateway = gateway(scenario);
    private volatile GatewayTraffic naiveTraffic;
    private volatile GatewayTraffic wellBehavedTraffic;
    private final RunChecks checks = new RunChecks()
            .require("well-behaved attempt rate <= " + CONVERGED + " x allowed (second half)",
                    () -> convergence(wellBehavedTraffic) <= CONVERGED,
                    () -> "%.2f x".formatted(convergence(wellBehavedTraffic)))
            .require("naive attempt rate > well-behaved attempt rate (second half)",
                    () -> convergence(naiveTraffic) > convergence(wellBehavedTraffic),
                    () -> "%.2f x vs %.2f x".formatted(convergence(naiveTraffic), convergence(wellBehavedTraffic)));

    {
        List<Assertion> assertions = new ArrayList<>(checks.assertions());
        assertions.add(details(wellBehaved.endToEndName()).failedRequests().percent().lte(5.0));
        setUp(population(naive, naiveGateway), population(wellBehaved, wellBehavedGateway),
                checks.referee(() -> naive.counters().inFlight() == 0 && wellBehaved.counters().inFlight() == 0,
                        Duration.ofSeconds(60)).injectOpen(nothingFor(duration.plusSeconds(1)), atOnceUsers(1)))
                .assertions(assertions)
                .maxDuration(duration.plusMinutes(2));
    }

    /** The built-in scenario's phase and 429 answers, with a load-sized window and a service time. */
    static Scenario loadSized(Scenario builtIn) {
        Phase limited = builtIn.phases().get(0);
        UpstreamFault.RateLimitWindow window = (UpstreamFault.RateLimitWindow) limited.upstream();
        UpstreamFault fault = Faults.firstOf(Faults.rateLimit(ALLOWED_REQUESTS, window.tokens(), WINDOW),
                Faults.slowAnswer(SERVICE_TIME));
        return new Scenario(builtIn.name(), "Load-sized: a rate limiter of " + ALLOWED_REQUESTS + " requests per "
                + WINDOW.toMillis() + " ms window; over it, 429 rate_limit_exceeded with Retry-After to the reset;"
                + " answers take " + SERVICE_TIME.toMillis() + " ms.",
                builtIn.situation(), builtIn.seed(), List.of(limited.serving(fault)), builtIn.expect(), builtIn.tags());
    }

    private static ChaosGateway gateway(Scenario played) {
        return ChaosGateway.builder().scenario(played).pacing(StreamPacing.immediate())
                .journalCapacity(LoadSettings.JOURNAL_CAPACITY).start();
    }

    private PopulationBuilder population(ClientModel model, ChaosGateway gateway) {
        return scenario(model.name())
                // Not exitASAP: a logical request is never cut in the middle, so every one is counted to its end.
                .exec(during(duration, false).on(pace(ASK_EVERY).exec(model.chat())))
                .injectOpen(atOnceUsers(USERS))
                .protocols(http.baseUrl(gateway.baseUrl()).warmUp(gateway.baseUrl() + "/models"));
    }

    /** The gateway's attempt rate over the second half of the load, as a multiple of the allowed rate. */
    private double convergence(GatewayTraffic traffic) {
        int end = (int) duration.toSeconds();
        return traffic.attemptRate(end / 2, end) / ALLOWED_RATE;
    }

    @Override
    public void before() {
        GatewayWarmup.warm(LoadSettings.warmup(), naiveGateway, wellBehavedGateway);
        naiveTraffic = GatewayTraffic.watch(naiveGateway, 429);
        wellBehavedTraffic = GatewayTraffic.watch(wellBehavedGateway, 429);
    }

    @Override
    public void after() {
        try {
            Summary.write(getClass().getSimpleName(), new Figures(
                    new Setup(scenario.name(), ALLOWED_REQUESTS, WINDOW.toMillis(), ALLOWED_RATE, SERVICE_TIME.toMillis(),
                            USERS, ASK_EVERY.toMillis(), ModelFigures.round(USERS * 1000.0 / ASK_EVERY.toMillis()),
                            duration.toSeconds()),
                    List.of(modelRun(naive, naiveTraffic), modelRun(wellBehaved, wellBehavedTraffic)),
                    checks.results()));
        } finally {
            naiveGateway.close();
            wellBehavedGateway.close();
        }
    }

    private ModelRun modelRun(ClientModel model, GatewayTraffic traffic) {
        int end = (int) duration.toSeconds();
        double attemptRate = traffic.attemptRate(end / 2, end);
        double answerRate = traffic.answerRate(end / 2, end);
        return new ModelRun(ModelFigures.of(model), traffic.attempts(), traffic.turnedAway(),
                ModelFigures.round(traffic.attempts() == 0 ? 0 : (double) traffic.turnedAway() / traffic.attempts()),
                ModelFigures.round(attemptRate), ModelFigures.round(answerRate),
                ModelFigures.round(attemptRate / ALLOWED_RATE), traffic.timeline());
    }

    /** The limit and the demand: requests per second, milliseconds, seconds. */
    record Setup(String scenario, int allowedRequests, long windowMs, double allowedRate, long serviceTimeMs,
                 int users, long askEveryMs, double wantedRate, long durationSeconds) {
    }

    /**
     * One model's run. Rates are per second over the second half of the load, once the clients had
     * time to adapt; {@code convergence} is the attempt rate as a multiple of the allowed rate
     * (1.0: the client sends exactly what the limit lets through).
     */
    record ModelRun(ModelFigures client, long gatewayAttempts, long rejected, double rejectedShare,
                    double attemptRate, double answerRate, double convergence, List<GatewayTraffic.Second> timeline) {
    }

    record Figures(Setup setup, List<ModelRun> models, List<RunChecks.Result> checks) {
    }
}
