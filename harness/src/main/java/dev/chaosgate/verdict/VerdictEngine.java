package dev.chaosgate.verdict;

import dev.chaosgate.fixtures.GuidanceCatalog;
import dev.chaosgate.scenario.Expectation;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.upstream.UpstreamExchange;
import dev.chaosgate.verdict.spi.JudgedAction;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
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
        List<UpstreamExchange> related = new ArrayList<>();
        List<UpstreamExchange> others = new ArrayList<>();
        Set<String> linkPhases = new HashSet<>();
        scenario.phases().stream().filter(p -> !p.link().isEmpty()).forEach(p -> linkPhases.add(p.name()));
        group(exchanges, report.prompt(), linkPhases, related, others);
        List<Attempt> attempts = attempts(related);
        VerdictCase verdictCase = new VerdictCase(scenario, attempts, report, linkConnections, catalog);
        if (scenario.expect().anyOf().isEmpty()) {
            return new Verdict(scenario.name(), scenario.expect(), report, attempts, others, findings(verdictCase),
                    List.of(), catalog);
        }
        // Any good behaviour passes; otherwise the closest alternative speaks, and the verdict names them all.
        List<Verdict.Alternative> alternatives = new ArrayList<>();
        for (Expectation alternative : scenario.expect().anyOf()) {
            alternatives.add(new Verdict.Alternative(alternative, findings(verdictCase.against(alternative))));
        }
        Verdict verdict = new Verdict(scenario.name(), scenario.expect(), report, attempts, others, List.of(), alternatives, catalog);
        return verdict.withFindings(alternatives.get(verdict.closest()).findings());
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
     * Attempts of the user's action are the generation requests whose prompt is the user's, or close
     * to it (a rewritten retry), or that carry the idempotency key of one that is, or an SDK retry
     * count with the very body of one that is (an SDK resends the same bytes). Other calls (model
     * lists, title generation with another prompt, an SDK's retries of those) are set aside.
     *
     * <p>A request that only resembles the prompt is a retry only while the action has not been
     * answered: once an attempt got a normal, complete answer (in a phase without link toxics, which
     * can break an answer the upstream wrote in full), a later request with a similar prompt is
     * another call, such as a title generation that quotes the prompt, and not another attempt.
     *
     * @param linkPhases names of the scenario's phases that have link toxics
     */
    static void group(List<UpstreamExchange> exchanges, String prompt, Set<String> linkPhases,
                      List<UpstreamExchange> related, List<UpstreamExchange> others) {
        Set<String> keys = new HashSet<>();
        Set<String> bodies = new HashSet<>();
        for (UpstreamExchange exchange : exchanges) {
            boolean generation = exchange.isGeneration();
            String key = header(exchange, "idempotency-key");
            String retryCount = header(exchange, "x-stainless-retry-count");
            boolean sameKey = key != null && keys.contains(key);
            boolean sdkRetry = retryCount != null && !retryCount.equals("0") && exchange.requestBody() != null
                    && bodies.contains(exchange.requestBody());
            boolean answered = !related.isEmpty() && answeredNormally(related.get(related.size() - 1), linkPhases);
            if (generation && ((similar(exchange.prompt(), prompt) && !answered) || sameKey || sdkRetry)) {
                related.add(exchange);
                if (key != null) {
                    keys.add(key);
                }
                if (exchange.requestBody() != null) {
                    bodies.add(exchange.requestBody());
                }
            } else {
                others.add(exchange);
            }
        }
    }

    private static boolean answeredNormally(UpstreamExchange exchange, Set<String> linkPhases) {
        return exchange.fault() == null && exchange.complete() && !exchange.clientClosed() && exchange.status() / 100 == 2
                && (exchange.phase() == null || !linkPhases.contains(exchange.phase()));
    }

    private static String header(UpstreamExchange exchange, String name) {
        List<String> values = exchange.requestHeaders().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Equal, one containing the other, or sharing most of their words. */
    static boolean similar(String sent, String typed) {
        String a = PromptJudge.normalize(sent);
        String b = PromptJudge.normalize(typed);
        if (a.isEmpty() || b.isEmpty()) {
            return a.equals(b);
        }
        if (a.contains(b) || b.contains(a)) {
            return true;
        }
        Set<String> wordsA = new HashSet<>(Arrays.asList(a.split("[^\\p{L}\\p{N}]+")));
        Set<String> wordsB = new HashSet<>(Arrays.asList(b.split("[^\\p{L}\\p{N}]+")));
        Set<String> both = new HashSet<>(wordsA);
        both.retainAll(wordsB);
        Set<String> either = new HashSet<>(wordsA);
        either.addAll(wordsB);
        return !either.isEmpty() && both.size() * 10 >= either.size() * 6;
    }

    private static List<Attempt> attempts(List<UpstreamExchange> related) {
        List<Attempt> attempts = new ArrayList<>();
        for (int i = 0; i < related.size(); i++) {
            UpstreamExchange exchange = related.get(i);
            Duration offset = Duration.between(related.get(0).arrived(), exchange.arrived());
            Duration gap = null;
            if (i > 0) {
                UpstreamExchange previous = related.get(i - 1);
                gap = Duration.between(previous.arrived().plus(previous.duration()), exchange.arrived());
                if (gap.isNegative()) {
                    gap = Duration.ZERO;
                }
            }
            Duration asked = exchange.fault() == null ? null
                    : RetryAfterHeaders.askedWait(exchange.responseHeaders(), exchange.arrived().plus(exchange.duration()));
            attempts.add(new Attempt(i + 1, offset, gap, exchange, asked, RetryAfterHeaders.shouldRetry(exchange.responseHeaders())));
        }
        return attempts;
    }

}
