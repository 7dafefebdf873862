package dev.chaosgate.verdict;

import dev.chaosgate.fixtures.GuidanceCatalog;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.upstream.UpstreamExchange;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Judges one user action of a client in a scenario, from what the upstream recorded and what the
 * client reports it showed. Pure: the same inputs give the same verdict.
 */
public final class VerdictEngine {
    private final GuidanceCatalog catalog;

    private VerdictEngine(GuidanceCatalog catalog) {
        this.catalog = catalog;
    }

    /** Judges against the built-in guidance catalog. */
    public static VerdictEngine standard() {
        return new VerdictEngine(GuidanceCatalog.builtIn());
    }

    /** Judges against a team's own catalog (e.g. {@code GuidanceCatalog.builtIn().withOverrides(mine)}). */
    public static VerdictEngine withGuidance(GuidanceCatalog catalog) {
        return new VerdictEngine(catalog);
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
        Set<String> linkPhases = new HashSet<>();
        scenario.phases().stream().filter(p -> !p.link().isEmpty()).forEach(p -> linkPhases.add(p.name()));
        group(exchanges, report.prompt(), linkPhases, related, others);
        List<Attempt> attempts = attempts(LinkAttempts.timeline(related, exchanges, linkRequests, linkPhases));
        VerdictCase verdictCase = new VerdictCase(scenario, attempts, report, linkConnections, catalog);
        List<Finding> findings = new ArrayList<>();
        for (Judge judge : Judge.all()) {
            judge.judge(verdictCase, findings);
        }
        return new Verdict(scenario.name(), scenario.expect(), report, attempts, others, findings);
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
