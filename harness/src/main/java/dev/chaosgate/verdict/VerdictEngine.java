package dev.chaosgate.verdict;

import dev.chaosgate.fixtures.GuidanceCatalog;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.upstream.UpstreamExchange;

import java.time.Duration;
import java.time.Instant;
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
