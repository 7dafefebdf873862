package dev.chaosgate.console;

import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.upstream.UpstreamExchange;
import dev.chaosgate.verdict.Attempt;
import dev.chaosgate.verdict.ClientReport;
import dev.chaosgate.verdict.Finding;
import dev.chaosgate.verdict.FindingCode;
import dev.chaosgate.verdict.LinkRequest;
import dev.chaosgate.verdict.Verdict;
import dev.chaosgate.verdict.VerdictEngine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One verdict per prompt: the requests the app made since the last switch or reset, split into the user's
 * actions and each judged on its own, as if it were the only one.
 *
 * <p>The first generation request opens an action; the engine ({@link VerdictEngine}, by the rules of its
 * action grouping) finds its attempts. The next action opens with the next first-step generation request that
 * is not one of those attempts and came after the last of them (a side call running alongside an attempt stays
 * with its action). Each action is then judged on the requests that arrived from its opening until the next
 * opening, with the link's request heads that belong to them.
 *
 * <p>With several users, the session makes one of these per user, on that user's requests and link heads only
 * (told apart by {@link dev.chaosgate.verdict.UserAttribution}), so two users' identical prompts are never one action.
 */
final class PromptVerdicts {
    /** The link and the upstream take their timestamps in either order; as the engine's matching allows. */
    private static final Duration CLOCK_TOLERANCE = Duration.ofMillis(50);
    /** A prompt longer than this is cut for the page (the full text stays in the recording). */
    static final int PROMPT_CHARS = 2_000;

    private final Scenario scenario;
    /** Whose requests these are when the session's users are told apart, else null. */
    private final String user;
    private final List<UpstreamExchange> exchanges;
    private final List<LinkRequest> heads;
    private final long linkConnections;
    private final VerdictEngine engine = VerdictEngine.standard();
    /** The exchange each link head was sent as, by the engine's rule (same connection, method and path). */
    private final Map<LinkRequest, UpstreamExchange> sentAs = new IdentityHashMap<>();

    /**
     * @param exchanges every request the upstream saw since the last switch or reset, oldest first
     * @param heads     every request head the link saw since then
     */
    PromptVerdicts(Scenario scenario, List<UpstreamExchange> exchanges, List<LinkRequest> heads, long linkConnections) {
        this(scenario, null, exchanges, heads, linkConnections);
    }

    /**
     * The prompts of one {@code user}: {@code exchanges} and {@code heads} are that user's only, so identical prompts of
     * two users are never one action.
     */
    PromptVerdicts(Scenario scenario, String user, List<UpstreamExchange> exchanges, List<LinkRequest> heads,
                   long linkConnections) {
        this.scenario = scenario;
        this.user = user;
        this.exchanges = exchanges.stream().sorted(Comparator.comparing(UpstreamExchange::arrived)).toList();
        this.heads = heads.stream().sorted(Comparator.comparing(LinkRequest::at)).toList();
        this.linkConnections = linkConnections;
        match();
    }

    /** One action: its opening request and the requests up to the next opening. */
    record Action(UpstreamExchange opening, Instant until) {
        String prompt() {
            return opening.prompt() == null ? "" : opening.prompt();
        }
    }

    /** The actions, oldest first; empty before the first generation request. */
    List<Action> actions() {
        List<UpstreamExchange> generation = exchanges.stream().filter(UpstreamExchange::isGeneration).toList();
        List<UpstreamExchange> openings = new ArrayList<>();
        int next = 0;
        while (next < generation.size()) {
            UpstreamExchange opening = generation.get(next);
            openings.add(opening);
            Verdict verdict = judge(new Action(opening, null), ClientReport.of(opening.prompt() == null ? "" : opening.prompt(),
                    List.of(), ""));
            Set<Long> attempts = new HashSet<>();
            Instant last = opening.arrived();
            for (Attempt attempt : verdict.attempts()) {
                if (attempt.reachedUpstream()) {
                    attempts.add(attempt.exchange().sequence());
                    if (attempt.exchange().arrived().isAfter(last)) {
                        last = attempt.exchange().arrived();
                    }
                }
            }
            int after = next + 1;
            while (after < generation.size()) {
                UpstreamExchange candidate = generation.get(after);
                if (candidate.step().step() == 1 && !attempts.contains(candidate.sequence()) && candidate.arrived().isAfter(last)) {
                    break;
                }
                after++;
            }
            next = after;
        }
        List<Action> actions = new ArrayList<>();
        for (int i = 0; i < openings.size(); i++) {
            actions.add(new Action(openings.get(i), i + 1 < openings.size() ? openings.get(i + 1).arrived() : null));
        }
        return actions;
    }

    /** One action and the prompts it is one of (its user's). */
    record Judging(PromptVerdicts prompts, Action action) {
    }

    /**
     * Judges every action (of one user, or of several: each on its own user's requests), oldest first in
     * {@code judgings}, each with the report {@code reportFor} gives it (null: what the app showed is not known, so
     * only its network behaviour is judged); answers newest first. A prompt that met no fault after an earlier
     * prompt did, whoever's, is not failed for it.
     */
    static List<RunningVerdict> judgeAll(List<Judging> judgings, Function<Action, ClientReport> reportFor) {
        List<RunningVerdict> judged = new ArrayList<>();
        boolean faultMet = false;
        for (Judging judging : judgings) {
            Action action = judging.action();
            ClientReport shown = reportFor.apply(action);
            ClientReport report = shown != null ? shown : ClientReport.of(action.prompt(), List.of(), "");
            Verdict verdict = judging.prompts().judge(action, report);
            String explain = verdict.explain();
            if (shown == null) {
                verdict = ServeSession.networkOnly(verdict);
                explain = "UI not reported: only the network behaviour is judged (say what the app showed to judge"
                        + " the guidance and the prompt too).\n" + verdict.explain();
            }
            boolean exercised = verdict.findings().stream().noneMatch(f -> f.code() == FindingCode.FAULT_NOT_EXERCISED);
            String note = null;
            if (!exercised && faultMet) {
                // The scenario was exercised by an earlier prompt of this stretch: this one has nothing to be judged on.
                verdict = verdict.withFindings(verdict.findings().stream()
                        .filter(f -> f.code() != FindingCode.FAULT_NOT_EXERCISED).toList());
                note = "met no fault: the scenario's faults went to an earlier prompt";
            }
            faultMet = faultMet || exercised;
            judged.add(new RunningVerdict(verdict.passed() ? RunningVerdict.PASS : RunningVerdict.FAIL,
                    plain(verdict.findings()), verdict.attempts().size(), explain, shown != null,
                    RunningVerdict.timeline(verdict), shorten(action.prompt()), action.opening().arrived().toString(), note,
                    judging.prompts().user, List.of(), List.of(), 0));
        }
        Collections.reverse(judged);
        return judged;
    }

    private Verdict judge(Action action, ClientReport report) {
        Instant from = action.opening().arrived();
        Instant until = action.until();
        List<UpstreamExchange> window = exchanges.stream().filter(e -> within(e.arrived(), from, until)).toList();
        List<LinkRequest> windowHeads = new ArrayList<>();
        for (LinkRequest head : heads) {
            UpstreamExchange sent = sentAs.get(head);
            boolean belongs = sent != null ? within(sent.arrived(), from, until)
                    : within(head.at().plus(CLOCK_TOLERANCE), from, until);
            if (belongs) {
                windowHeads.add(head);
            }
        }
        return engine.judge(scenario, window, windowHeads, linkConnections, report);
    }

    private static boolean within(Instant at, Instant from, Instant until) {
        return !at.isBefore(from) && (until == null || at.isBefore(until));
    }

    /** Pairs link heads with upstream requests as the engine does: oldest head first, earliest unmatched request. */
    private void match() {
        Set<Long> taken = new HashSet<>();
        for (LinkRequest head : heads) {
            for (UpstreamExchange exchange : exchanges) {
                if (!taken.contains(exchange.sequence()) && exchange.connection() == head.upstreamPort()
                        && !exchange.arrived().isBefore(head.at().minus(CLOCK_TOLERANCE))
                        && (head.unreadable() || (head.method().equals(exchange.method()) && head.path().equals(path(exchange.path()))))) {
                    taken.add(exchange.sequence());
                    sentAs.put(head, exchange);
                    break;
                }
            }
        }
    }

    private static String path(String target) {
        int query = target.indexOf('?');
        return query < 0 ? target : target.substring(0, query);
    }

    /** Findings with fixture ids in plain words. */
    private static List<Finding> plain(List<Finding> findings) {
        return findings.stream().map(f -> new Finding(f.code(), PlainNames.inText(f.message()),
                f.evidence().stream().map(PlainNames::inText).toList())).toList();
    }

    static String shorten(String prompt) {
        if (prompt == null) {
            return "";
        }
        return prompt.length() <= PROMPT_CHARS ? prompt : prompt.substring(0, PROMPT_CHARS - 1) + "…";
    }
}
