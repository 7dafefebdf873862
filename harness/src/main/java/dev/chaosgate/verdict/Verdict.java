package dev.chaosgate.verdict;

import dev.chaosgate.fixtures.GuidanceCatalog;
import dev.chaosgate.scenario.Expectation;
import dev.chaosgate.upstream.UpstreamExchange;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The judgement of one client action in one scenario: PASS when no finding, FAIL otherwise, with
 * the timeline of attempts the findings rest on.
 *
 * @param attempts    the attempts of the user's action, in order
 * @param otherCalls  requests the client made that were not attempts of the action (ignored by the judges)
 * @param findings    what is wrong; with alternatives, those of the alternative passed, or else of the closest one
 * @param notes       what the judges could not judge and why (e.g. guidance in a language the catalog lacks); a
 *                    note never fails the verdict
 * @param alternatives each alternative of an {@link Expectation#anyOf} expectation with its findings, in the
 *                    scenario's order; empty when the scenario has one expectation
 * @param catalog     the guidance catalog judged against (for {@link #retryable})
 */
public record Verdict(String scenario, Expectation expectation, ClientReport report, List<Attempt> attempts,
                      List<UpstreamExchange> otherCalls, List<Finding> findings, List<String> notes,
                      List<Alternative> alternatives, GuidanceCatalog catalog) {

    /** One alternative of the scenario's expectation and what the client did wrong against it. */
    public record Alternative(Expectation expectation, List<Finding> findings) {
        public Alternative {
            Objects.requireNonNull(expectation, "expectation cannot be null");
            findings = List.copyOf(findings);
        }

        public boolean passed() {
            return findings.isEmpty();
        }
    }

    public Verdict {
        attempts = List.copyOf(attempts);
        otherCalls = List.copyOf(otherCalls);
        findings = List.copyOf(findings);
        notes = notes == null ? List.of() : List.copyOf(notes);
        alternatives = alternatives == null ? List.of() : List.copyOf(alternatives);
        catalog = catalog == null ? GuidanceCatalog.builtIn() : catalog;
    }

    /** A verdict of one expectation, without notes, judged against the built-in catalog. */
    public Verdict(String scenario, Expectation expectation, ClientReport report, List<Attempt> attempts,
                   List<UpstreamExchange> otherCalls, List<Finding> findings) {
        this(scenario, expectation, report, attempts, otherCalls, findings, List.of(), List.of(), null);
    }

    /** A verdict of one expectation, judged against the built-in catalog. */
    public Verdict(String scenario, Expectation expectation, ClientReport report, List<Attempt> attempts,
                   List<UpstreamExchange> otherCalls, List<Finding> findings, List<String> notes) {
        this(scenario, expectation, report, attempts, otherCalls, findings, notes, List.of(), null);
    }

    /** This verdict with other findings (e.g. without those resting on what the app showed). */
    public Verdict withFindings(List<Finding> replaced) {
        return new Verdict(scenario, expectation, report, attempts, otherCalls, replaced, notes, alternatives, catalog);
    }

    /** Whether {@code attempt} failed ({@link FailureRule#failed}). */
    public boolean failed(Attempt attempt) {
        return FailureRule.failed(attempt);
    }

    /** Whether {@code attempt} failed and retrying can help, by the catalog this verdict was judged against ({@link FailureRule#retryable}). */
    public boolean retryable(Attempt attempt) {
        return FailureRule.retryable(attempt, catalog);
    }

    public boolean passed() {
        return findings.isEmpty();
    }

    public Set<FindingCode> codes() {
        Set<FindingCode> codes = EnumSet.noneOf(FindingCode.class);
        findings.forEach(f -> codes.add(f.code()));
        return codes;
    }

    /** Throws an {@link AssertionError} whose message is {@link #explain()} unless the verdict passed. */
    public Verdict assertPassed() {
        if (!passed()) {
            throw new AssertionError(explain());
        }
        return this;
    }

    /** A bug report: the verdict, what a good client does here, the timeline, and each finding with its evidence. */
    public String explain() {
        StringBuilder out = new StringBuilder();
        out.append("chaosgate verdict for scenario '").append(scenario).append("': ")
                .append(passed() ? "PASS" : "FAIL (" + findings.size() + (findings.size() == 1 ? " finding)" : " findings)"))
                .append('\n');
        if (alternatives.isEmpty()) {
            out.append("Expected: ").append(describe(expectation)).append('\n');
        } else {
            out.append("Expected any of ").append(alternatives.size()).append(" alternatives:\n");
            int closest = closest();
            for (int i = 0; i < alternatives.size(); i++) {
                Alternative alternative = alternatives.get(i);
                out.append("  ").append(i + 1).append(". ").append(describe(alternative.expectation())).append("  -> ")
                        .append(alternative.passed() ? "PASS" : "FAIL " + alternative.findings().stream()
                                .map(f -> f.code().name()).distinct().toList())
                        .append(i == closest ? (alternative.passed() ? " (passed)" : " (closest: its findings below)") : "")
                        .append('\n');
            }
        }
        out.append("Observed: ").append(attempts.size()).append(attempts.size() == 1 ? " attempt" : " attempts")
                .append(" of \"").append(shorten(report.prompt())).append("\"\n");
        for (Attempt attempt : attempts) {
            out.append("  ").append(attempt.describe()).append('\n');
        }
        if (!otherCalls.isEmpty()) {
            out.append("  (").append(otherCalls.size()).append(" other call(s) ignored)\n");
        }
        if (report.timed()) {
            // read line by line as the client ran: each text with when it was on screen
            out.append("  shown to the user (seconds after the client started):\n");
            for (int i = 0; i < report.shown().size(); i++) {
                String key = report.messageKeys().get(i);
                out.append("    ").append(quoted(report.shown().get(i))).append(key.isEmpty() ? "" : " [" + key + "]");
                String when = report.when(i);
                out.append(when.isEmpty() ? "" : "  (" + when + ")").append('\n');
            }
        } else {
            out.append("  shown to the user: ").append(report.shown().isEmpty() ? "nothing" : quoted(report.shownText())).append('\n');
        }
        out.append("  composer at the end: ").append(report.draft().isEmpty() ? "empty" : quoted(report.draft())).append('\n');
        if (!report.thread().isEmpty()) {
            out.append("  kept in the thread with Retry: ").append(quoted(String.join("\n", report.thread()))).append('\n');
        }
        for (String note : notes) {
            out.append("  note: ").append(note).append('\n');
        }
        if (report.stopped()) {
            out.append("  the client was still running when it was stopped after ").append(seconds(report.stoppedAfter())).append('\n');
        }
        for (Finding finding : findings) {
            out.append(finding.code()).append(": ").append(finding.message()).append('\n');
            for (String fact : finding.evidence()) {
                out.append("    - ").append(fact).append('\n');
            }
        }
        return out.toString();
    }

    /** The index of the alternative whose findings are the verdict's (the first passed, else the fewest findings), or -1. */
    public int closest() {
        int best = -1;
        for (int i = 0; i < alternatives.size(); i++) {
            if (best < 0 || alternatives.get(i).findings().size() < alternatives.get(best).findings().size()) {
                best = i;
            }
        }
        return best;
    }

    /**
     * What a good client does, in plain words ("retry, at most 3 attempts, backing off (waits that grow from a 100 ms floor, never retries at once);
     * the user gets an answer"): the "Expected" line of {@link #explain()}, shared with the run reports.
     */
    public static String describe(Expectation e) {
        if (!e.anyOf().isEmpty()) {
            return "any of: " + String.join("; or ", e.anyOf().stream().map(a -> "(" + describe(a) + ")").toList());
        }
        StringBuilder out = new StringBuilder();
        if (e.retry()) {
            out.append("retry, at most ").append(e.maxAttempts()).append(" attempts");
            if (!e.minBackoff().isZero()) {
                out.append(", backing off (waits that grow from a ").append(e.minBackoff().toMillis())
                        .append(" ms floor, never retries at once)");
            }
            if (e.honourRetryAfter()) {
                out.append(", honouring Retry-After");
            }
        } else {
            out.append("no retry (1 attempt)");
        }
        out.append(e.outcome() == Expectation.Outcome.SUCCEEDS ? "; the user gets an answer" : "; then give up");
        if (e.guidance() != null) {
            out.append(" with ").append(e.guidance()).append(" guidance");
        }
        if (e.promptSurvives()) {
            out.append("; the prompt is kept (composer or thread) on failure");
        }
        if (e.userWaitsAtMost() != null) {
            out.append("; the user waits at most ").append(seconds(e.userWaitsAtMost())).append(" for an answer or a message");
        }
        return out.toString();
    }

    private static String seconds(java.time.Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    private static String quoted(String text) {
        return "\"" + shorten(text).replace("\n", " | ") + "\"";
    }

    private static String shorten(String text) {
        return text.length() > 160 ? text.substring(0, 157) + "..." : text;
    }
}
