package dev.chaosgate.verdict;

import dev.chaosgate.fixtures.GuidanceCatalog;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.upstream.UpstreamExchange;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
        List<UpstreamExchange> related = new ArrayList<>();
        List<UpstreamExchange> others = new ArrayList<>();
        group(exchanges, report.prompt(), related, others);
        List<Attempt> attempts = attempts(related);
        VerdictCase verdictCase = new VerdictCase(scenario, attempts, report, linkConnections, catalog);
        List<Finding> findings = new ArrayList<>();
        for (Judge judge : Judge.all()) {
            judge.judge(verdictCase, findings);
        }
        return new Verdict(scenario.name(), scenario.expect(), report, attempts, others, findings,
                GuidanceJudge.notes(verdictCase));
    }

    /**
     * Sorts {@code exchanges} into the attempts of the user's action ({@code related}) and other calls
     * ({@code others}), by the rules of {@link ActionGrouping}.
     */
    static void group(List<UpstreamExchange> exchanges, String prompt, List<UpstreamExchange> related,
                      List<UpstreamExchange> others) {
        ActionGrouping.group(exchanges, prompt, related, others);
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
