package dev.chaosgate.verdict;

import dev.chaosgate.fixtures.GuidanceCatalog;
import dev.chaosgate.scenario.Expectation;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.upstream.UpstreamExchange;
import dev.chaosgate.verdict.spi.JudgedAction;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * Judges one user action of a client in a scenario, from what the upstream recorded and what the
 * client reports it showed. Pure: the same inputs give the same verdict.
 *
 * <p>Besides the built-in judges, every engine runs the house judges ({@link dev.chaosgate.verdict.spi.Judge})
 * found by {@link ServiceLoader} on the thread's context class loader when it was made, and those added with
 * {@link #withJudges}.
 */
public final class VerdictEngine {
    private final GuidanceCatalog catalog;
    private final List<dev.chaosgate.verdict.spi.Judge> houseJudges;

    private VerdictEngine(GuidanceCatalog catalog, List<dev.chaosgate.verdict.spi.Judge> houseJudges) {
        this.catalog = catalog;
        this.houseJudges = List.copyOf(houseJudges);
    }

    /** Judges against the built-in guidance catalog. */
    public static VerdictEngine standard() {
        return new VerdictEngine(GuidanceCatalog.builtIn(), registeredJudges());
    }

    /** Judges against a team's own catalog (e.g. {@code GuidanceCatalog.builtIn().withOverrides(mine)}). */
    public static VerdictEngine withGuidance(GuidanceCatalog catalog) {
        return new VerdictEngine(Objects.requireNonNull(catalog, "catalog cannot be null"), registeredJudges());
    }

    /** This engine with {@code more} house judges, run after the built-in ones and those already registered. */
    public VerdictEngine withJudges(dev.chaosgate.verdict.spi.Judge... more) {
        List<dev.chaosgate.verdict.spi.Judge> all = new ArrayList<>(houseJudges);
        for (dev.chaosgate.verdict.spi.Judge judge : more) {
            all.add(Objects.requireNonNull(judge, "a judge cannot be null"));
        }
        return new VerdictEngine(catalog, all);
    }

    /** The house judges this engine runs, in order. */
    public List<dev.chaosgate.verdict.spi.Judge> houseJudges() {
        return houseJudges;
    }

    /** The house judges registered in {@code META-INF/services/dev.chaosgate.verdict.spi.Judge} files. */
    private static List<dev.chaosgate.verdict.spi.Judge> registeredJudges() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        List<dev.chaosgate.verdict.spi.Judge> found = new ArrayList<>();
        try {
            ServiceLoader.load(dev.chaosgate.verdict.spi.Judge.class, loader == null ? VerdictEngine.class.getClassLoader() : loader)
                    .forEach(found::add);
        } catch (java.util.ServiceConfigurationError e) {
            throw new IllegalStateException("a house judge registered in META-INF/services/dev.chaosgate.verdict.spi.Judge"
                    + " cannot be loaded (" + e.getMessage() + "); it needs a public class with a public no-argument"
                    + " constructor that implements dev.chaosgate.verdict.spi.Judge", e);
        }
        return found;
    }

    /**
     * @param exchanges       every request the upstream saw while the action ran, oldest first
     * @param linkConnections connections the link accepted (evidence for faults that stop requests before the upstream)
     */
    public Verdict judge(Scenario scenario, List<UpstreamExchange> exchanges, long linkConnections, ClientReport report) {
        return judge(scenario, exchanges, List.of(), linkConnections, report);
    }

    /**
     * Judges with what the link in front of the upstream saw too: requests a link toxic stopped before the
     * upstream are attempts, and a client's own timeout ends its attempt where the client closed the connection
     * (see {@link LinkRequest}).
     *
     * @param exchanges       every request the upstream saw while the action ran, oldest first
     * @param linkRequests    every request the link saw while the action ran
     * @param linkConnections connections the link accepted
     */
    public Verdict judge(Scenario scenario, List<UpstreamExchange> exchanges, List<LinkRequest> linkRequests,
                         long linkConnections, ClientReport report) {
        List<UpstreamExchange> related = new ArrayList<>();
        List<UpstreamExchange> others = new ArrayList<>();
        group(exchanges, report.prompt(), related, others);
        List<Attempt> attempts = attempts(LinkAttempts.timeline(related, exchanges, linkRequests));
        VerdictCase verdictCase = new VerdictCase(scenario, attempts, report, linkConnections, catalog, linkRequests);
        if (scenario.expect().anyOf().isEmpty()) {
            return new Verdict(scenario.name(), scenario.expect(), report, attempts, others, findings(verdictCase),
                    GuidanceJudge.notes(verdictCase), List.of(), catalog);
        }
        // Any good behaviour passes; otherwise the closest alternative speaks, and the verdict names them all.
        List<Verdict.Alternative> alternatives = new ArrayList<>();
        for (Expectation alternative : scenario.expect().anyOf()) {
            alternatives.add(new Verdict.Alternative(alternative, findings(verdictCase.against(alternative))));
        }
        Verdict verdict = new Verdict(scenario.name(), scenario.expect(), report, attempts, others, List.of(),
                GuidanceJudge.notes(verdictCase), alternatives, catalog);
        return verdict.withFindings(alternatives.get(verdict.closest()).findings());
    }

    /**
     * Judges a crowd: several users acting at once against one gateway ({@link Scenario#crowd()}). The requests are
     * split per user first (the user marker, the connection, the prompt; see docs/verdicts.md, "Crowds"), each user's
     * action is judged on its own requests only, then the crowd as a whole.
     *
     * @param exchanges    every request the upstream saw while the crowd acted, oldest first
     * @param linkRequests every request the link saw meanwhile
     * @param reports      what each user's client showed, by user id ({@code CHAOSGATE_USER}), in the order the users started
     */
    public CrowdVerdict judgeCrowd(Scenario scenario, List<UpstreamExchange> exchanges, List<LinkRequest> linkRequests,
                                   java.util.Map<String, ClientReport> reports) {
        return CrowdJudging.judge(this, scenario, exchanges, linkRequests, reports);
    }

    private List<Finding> findings(VerdictCase verdictCase) {
        List<Finding> findings = new ArrayList<>();
        for (Judge judge : Judge.all()) {
            judge.judge(verdictCase, findings);
        }
        JudgedAction view = new ActionView(verdictCase);
        for (dev.chaosgate.verdict.spi.Judge judge : houseJudges) {
            List<Finding> found;
            try {
                found = judge.judge(view);
            } catch (RuntimeException e) {
                throw new IllegalStateException("house judge '" + judge.name() + "' (" + judge.getClass().getName()
                        + ") failed on scenario '" + verdictCase.scenario().name() + "': " + e, e);
            }
            if (found != null) {
                findings.addAll(found);
            }
        }
        return findings;
    }

    /** The read-only view of a case handed to house judges. */
    private record ActionView(VerdictCase c) implements JudgedAction {
        @Override
        public Scenario scenario() {
            return c.scenario();
        }

        @Override
        public Expectation expectation() {
            return c.expect();
        }

        @Override
        public List<Attempt> attempts() {
            return c.attempts();
        }

        @Override
        public ClientReport report() {
            return c.report();
        }

        @Override
        public long linkConnections() {
            return c.linkConnections();
        }

        @Override
        public GuidanceCatalog catalog() {
            return c.catalog();
        }

        @Override
        public boolean gaveUp() {
            return c.gaveUp();
        }

        @Override
        public boolean hung() {
            return c.hung();
        }
    }

    /**
     * Sorts {@code exchanges} into the attempts of the user's action ({@code related}) and other calls
     * ({@code others}), by the rules of {@link ActionGrouping}.
     */
    static void group(List<UpstreamExchange> exchanges, String prompt, List<UpstreamExchange> related,
                      List<UpstreamExchange> others) {
        ActionGrouping.group(exchanges, prompt, related, others);
    }

    /**
     * Numbers the attempts and measures each gap from the moment the previous attempt ended for the client:
     * the end of its answer, or the moment the client gave up on it (closed its connection, as the link saw),
     * whichever came first, so a client's own timeout is never counted as a wait.
     */
    static List<Attempt> attempts(List<LinkAttempts.Entry> timeline) {
        List<Attempt> attempts = new ArrayList<>();
        for (int i = 0; i < timeline.size(); i++) {
            LinkAttempts.Entry entry = timeline.get(i);
            UpstreamExchange exchange = entry.exchange();
            Duration offset = Duration.between(timeline.get(0).arrived(), exchange.arrived());
            Duration gap = null;
            if (i > 0) {
                // From the link's view when it saw the request (the client's send), else the upstream's arrival.
                Instant sent = entry.link() != null && entry.link().at().isBefore(exchange.arrived()) ? entry.link().at() : exchange.arrived();
                gap = Duration.between(attempts.get(i - 1).ended(), sent);
                if (gap.isNegative()) {
                    gap = Duration.ZERO;
                }
            }
            Duration asked = exchange.fault() == null ? null
                    : RetryAfterHeaders.askedWait(exchange.responseHeaders(), exchange.arrived().plus(exchange.duration()));
            attempts.add(new Attempt(i + 1, offset, gap, exchange, asked, RetryAfterHeaders.shouldRetry(exchange.responseHeaders()),
                    entry.link(), entry.reachedUpstream()));
        }
        return attempts;
    }

}
