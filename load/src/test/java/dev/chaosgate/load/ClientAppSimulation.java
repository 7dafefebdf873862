package dev.chaosgate.load;

import dev.chaosgate.console.ConsoleServer;
import dev.chaosgate.console.ServeSession;
import dev.chaosgate.load.clientapp.ConsoleApi;
import dev.chaosgate.load.clientapp.PhaseLedger;
import dev.chaosgate.load.clientapp.PhasePlan;
import dev.chaosgate.load.clientapp.SampleChatService;
import dev.chaosgate.load.figures.RunChecks;
import dev.chaosgate.load.figures.Summary;
import dev.chaosgate.upstream.StreamPacing;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpRequestActionBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * The template a client team points at its own service: users call the service at a steady rate
 * while chaosgate, as the service's OpenAI upstream, plays one phase after another (healthy, a
 * 30 % brownout, healthy again by default), switched during the run through the console's admin
 * API. Per phase it reports the users' success rate and times, the requests the upstream saw per
 * user request (the service's retry amplification), and how soon errors stopped once the faults did.
 *
 * <p>System properties (all optional):
 * <ul>
 *   <li>{@code chaosgate.client.url}: the service, e.g. {@code http://127.0.0.1:8080}; without it a
 *       bundled sample chat service is started against the gateway;</li>
 *   <li>{@code chaosgate.client.path} ({@code /chat}) and {@code chaosgate.client.body}
 *       ({@code {"message":"Where is my order?"}}): what each user POSTs; any 2xx is a success;</li>
 *   <li>{@code chaosgate.client.rate}: users per second (10);</li>
 *   <li>{@code chaosgate.client.phases}: the plan, e.g. {@code healthy:10s,brownout-30-percent:20s,healthy:10s}
 *       (default: that shape over {@code chaosgate.load.duration}, 40 s);</li>
 *   <li>{@code chaosgate.console.url}: the console of a running {@code chaosgate serve}, whose gateway your
 *       service already uses; without it a session is started here, its gateway on
 *       {@code chaosgate.gateway.port} (a free port by default; its base URL is printed);</li>
 *   <li>{@code chaosgate.client.minSuccessPercent} (95), {@code chaosgate.client.maxAmplification} (2.0),
 *       {@code chaosgate.client.maxRecoverySeconds} (5): what fails the build.</li>
 * </ul>
 * Writes {@code ClientAppSimulation.json}.
 */
public class ClientAppSimulation extends Simulation {
    private static final String PHASE = "chaosgatePhase";
    private static final String PHASE_LABEL = "chaosgatePhaseLabel";
    private static final String STARTED = "chaosgateStarted";
    private static final String LAST = "chaosgateLastLogSequence";

    private final String clientUrl = LoadSettings.text("chaosgate.client.url", null);
    private final String clientPath = LoadSettings.text("chaosgate.client.path", "/chat");
    private final String clientBody = LoadSettings.text("chaosgate.client.body", "{\"message\":\"Where is my order?\"}");
    private final double rate = LoadSettings.decimal("chaosgate.client.rate", 10);
    private final String consoleUrl = LoadSettings.text("chaosgate.console.url", null);
    private final int gatewayPort = LoadSettings.port("chaosgate.gateway.port");
    private final double minSuccess = LoadSettings.decimal("chaosgate.client.minSuccessPercent", 95) / 100;
    private final double maxAmplification = LoadSettings.decimal("chaosgate.client.maxAmplification", 2.0);
    private final long maxRecoveryMillis = Math.round(LoadSettings.decimal("chaosgate.client.maxRecoverySeconds", 5) * 1000);
    private final PhasePlan plan = LoadSettings.text("chaosgate.client.phases", null) == null
            ? PhasePlan.brownout(LoadSettings.duration(40))
            : PhasePlan.parse(LoadSettings.text("chaosgate.client.phases", null));
    private final PhaseLedger ledger = new PhaseLedger(plan);
    private final LongAdder started = new LongAdder();
    private final RunChecks checks = new RunChecks();

    // Started in before(): the requests read them through the session functions below.
    private volatile ServeSession session;
    private volatile ConsoleServer console;
    private volatile ConsoleApi api;
    private volatile SampleChatService sampleService;
    private volatile String serviceUrl;
    private volatile boolean conducted;

    {
        requireChecks();
        ChainBuilder user = exec(this::userStarts)
                .exec(http("chat during #{" + PHASE_LABEL + "}").post(session -> serviceUrl + clientPath)
                        .body(StringBody(clientBody)).asJson()
                        .check(status().lt(300)))
                .exec(this::userEnds);
        setUp(scenario("users").exec(user).injectOpen(constantUsersPerSec(rate).during(plan.total()).randomized()),
                scenario("chaosgate phases").exec(conductor()).injectOpen(atOnceUsers(1)),
                checks.referee(() -> conducted && ledger.inFlight(started.sum()) == 0, Duration.ofSeconds(60))
                        .injectOpen(nothingFor(plan.total().plusSeconds(1)), atOnceUsers(1)))
                .protocols(http.disableWarmUp())
                .assertions(checks.assertions())
                .maxDuration(plan.total().plusMinutes(2));
    }

    private void requireChecks() {
        checks.require("user success rate >= %.0f %%".formatted(minSuccess * 100), () -> successRate() >= minSuccess,
                () -> "%.1f %%".formatted(successRate() * 100));
        List<PhasePlan.Step> steps = plan.steps();
        for (int i = 0; i < steps.size(); i++) {
            int index = i;
            PhasePlan.Step step = steps.get(i);
            if (!step.healthy()) {
                checks.require("upstream requests per user request during " + step.label() + " <= " + maxAmplification,
                        () -> phase(index).amplification() != null && phase(index).amplification() <= maxAmplification,
                        () -> String.valueOf(phase(index).amplification()));
            } else if (i > 0 && !steps.get(i - 1).healthy()) {
                checks.require("errors stop within " + maxRecoveryMillis + " ms of " + step.label(),
                        () -> phase(index).lastFailureAfterMs() == null || phase(index).lastFailureAfterMs() <= maxRecoveryMillis,
                        () -> phase(index).lastFailureAfterMs() == null ? "no error" : "last error " + phase(index).lastFailureAfterMs() + " ms in");
            }
        }
    }

    /** Phase 1 is put in force in before(); this user switches to each next one as its time comes. */
    private ChainBuilder conductor() {
        ChainBuilder chain = pause(plan.steps().get(0).duration());
        for (int i = 1; i < plan.steps().size(); i++) {
            int index = i;
            PhasePlan.Step step = plan.steps().get(i);
            chain = chain.exec(readLogSequence())
                    .exec(session -> {
                        ledger.begin(index, session.getLong(LAST));
                        return session;
                    });
            if (step.healthy()) {
                chain = chain.exec(admin("pause", "{}"));
            } else {
                chain = chain.exec(admin("scenario", "{\"name\":\"" + step.name() + "\"}"), admin("resume", "{}"));
            }
            chain = chain.pause(step.duration());
        }
        return chain.exec(readLogSequence()).exec(session -> {
            ledger.end(session.getLong(LAST));
            conducted = true;
            return session;
        });
    }

    private HttpRequestActionBuilder readLogSequence() {
        return http("admin: log").get(session -> api.url() + "/log?after=" + Long.MAX_VALUE)
                .check(jsonPath("$.last").ofLong().saveAs(LAST));
    }

    private HttpRequestActionBuilder admin(String endpoint, String body) {
        return http("admin: " + endpoint).post(session -> api.url() + "/" + endpoint)
                .header("Content-Type", "application/json").body(StringBody(body)).check(status().is(200));
    }

    private Session userStarts(Session session) {
        started.increment();
        int phase = ledger.current();
        return session.set(PHASE, phase).set(PHASE_LABEL, ledger.label(phase)).set(STARTED, System.nanoTime());
    }

    private Session userEnds(Session session) {
        ledger.ended(session.getInt(PHASE), session.getLong(STARTED), !session.isFailed());
        return session.markAsSucceeded();
    }

    private PhaseLedger.PhaseFigures phase(int index) {
        return ledger.figures().get(index);
    }

    private double successRate() {
        long requests = 0;
        long answered = 0;
        for (PhaseLedger.PhaseFigures phase : ledger.figures()) {
            requests += phase.userRequests();
            answered += phase.answered();
        }
        return requests == 0 ? 0 : (double) answered / requests;
    }

    @Override
    public void before() {
        if (consoleUrl == null) {
            String first = plan.steps().stream().filter(step -> !step.healthy()).map(PhasePlan.Step::name)
                    .findFirst().orElse("bad-gateway-single");
            session = ServeSession.builder().scenario(first).listen("127.0.0.1", gatewayPort)
                    .pacing(StreamPacing.immediate()).start();
            console = ConsoleServer.start(session, "127.0.0.1", 0);
            System.out.println("chaosgate: gateway " + session.baseUrl() + ", console " + console.url());
        }
        api = new ConsoleApi(consoleUrl != null ? consoleUrl : console.url());
        api.checkKnows(plan);
        if (clientUrl == null) {
            try {
                sampleService = SampleChatService.start(session != null ? session.baseUrl() : api.state().path("baseUrl").asText());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the sample chat service", e);
            }
        }
        serviceUrl = (clientUrl != null ? clientUrl : sampleService.url()).replaceFirst("/+$", "");
        ledger.begin(0, api.lastLogSequence());
        api.play(plan.steps().get(0));
    }

    @Override
    public void after() {
        try {
            Summary.write(getClass().getSimpleName(), new Figures(
                    new Setup(serviceUrl + clientPath, sampleService != null, api.url(), rate, plan.text()),
                    ledger.figures(), checks.results()));
        } finally {
            if (sampleService != null) {
                sampleService.close();
            }
            if (console != null) {
                console.close();
            }
            if (session != null) {
                session.close();
            }
        }
    }

    /** What was run: the service called, whether it was the bundled sample, the console steering the phases. */
    record Setup(String service, boolean sampleService, String consoleApi, double usersPerSecond, String phases) {
    }

    record Figures(Setup setup, List<PhaseLedger.PhaseFigures> phases, List<RunChecks.Result> checks) {
    }
}
