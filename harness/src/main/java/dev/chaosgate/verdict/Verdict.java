package dev.chaosgate.verdict;

import dev.chaosgate.scenario.Expectation;
import dev.chaosgate.upstream.UpstreamExchange;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The judgement of one client action in one scenario: PASS when no finding, FAIL otherwise, with
 * the timeline of attempts the findings rest on.
 *
 * @param attempts    the attempts of the user's action, in order
 * @param otherCalls  requests the client made that were not attempts of the action (ignored by the judges)
 * @param notes       what the judges could not judge and why (e.g. guidance in a language the catalog lacks); a
 *                    note never fails the verdict
 */
public record Verdict(String scenario, Expectation expectation, ClientReport report, List<Attempt> attempts,
                      List<UpstreamExchange> otherCalls, List<Finding> findings, List<String> notes) {

    public Verdict {
        attempts = List.copyOf(attempts);
        otherCalls = List.copyOf(otherCalls);
        findings = List.copyOf(findings);
        notes = notes == null ? List.of() : List.copyOf(notes);
    }

    /** A verdict without notes. */
    public Verdict(String scenario, Expectation expectation, ClientReport report, List<Attempt> attempts,
                   List<UpstreamExchange> otherCalls, List<Finding> findings) {
        this(scenario, expectation, report, attempts, otherCalls, findings, List.of());
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
        out.append("Expected: ").append(describe(expectation)).append('\n');
        out.append("Observed: ").append(attempts.size()).append(attempts.size() == 1 ? " attempt" : " attempts")
                .append(" of \"").append(shorten(report.prompt())).append("\"\n");
        for (Attempt attempt : attempts) {
            out.append("  ").append(attempt.describe()).append('\n');
        }
        if (!otherCalls.isEmpty()) {
            out.append("  (").append(otherCalls.size()).append(" other call(s) ignored)\n");
        }
        out.append("  shown to the user: ").append(report.shown().isEmpty() ? "nothing" : quoted(report.shownText())).append('\n');
        out.append("  composer at the end: ").append(report.draft().isEmpty() ? "empty" : quoted(report.draft())).append('\n');
        if (!report.thread().isEmpty()) {
            out.append("  kept in the thread with Retry: ").append(quoted(String.join("\n", report.thread()))).append('\n');
        }
        for (String note : notes) {
            out.append("  note: ").append(note).append('\n');
        }
        for (Finding finding : findings) {
            out.append(finding.code()).append(": ").append(finding.message()).append('\n');
            for (String fact : finding.evidence()) {
                out.append("    - ").append(fact).append('\n');
            }
        }
        return out.toString();
    }

    /**
     * What a good client does, in plain words ("retry, at most 3 attempts, at least 100 ms apart and growing;
     * the user gets an answer"): the "Expected" line of {@link #explain()}, shared with the run reports.
     */
    public static String describe(Expectation e) {
        StringBuilder out = new StringBuilder();
        if (e.retry()) {
            out.append("retry, at most ").append(e.maxAttempts()).append(" attempts");
            if (!e.minBackoff().isZero()) {
                out.append(", at least ").append(e.minBackoff().toMillis()).append(" ms apart and growing");
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
            out.append("; the prompt stays in the composer on failure");
        }
        return out.toString();
    }

    private static String quoted(String text) {
        return "\"" + shorten(text).replace("\n", " | ") + "\"";
    }

    private static String shorten(String text) {
        return text.length() > 160 ? text.substring(0, 157) + "..." : text;
    }
}
