package dev.chaosgate.console;

import dev.chaosgate.verdict.Finding;

import java.util.List;

/**
 * The verdict so far of the app in the session's scenario, since the last switch or reset.
 *
 * @param verdict    {@code PASS}, {@code FAIL}, or {@code PENDING} while the app has made no attempt
 * @param attempts   the attempts of the user's action judged
 * @param explain    the bug-report text ({@link dev.chaosgate.verdict.Verdict#explain()}), empty while pending
 * @param uiReported whether QA said what the app showed; if not, only the network behaviour is judged
 * @param timeline   each attempt judged, by the one failure rule the judges and reports use
 *                   ({@link dev.chaosgate.verdict.FailureRule}): whether it failed and whether retrying could help
 */
public record RunningVerdict(String verdict, List<Finding> findings, int attempts, String explain, boolean uiReported,
                             List<AttemptOutcome> timeline) {
    public static final String PASS = "PASS";
    public static final String FAIL = "FAIL";
    public static final String PENDING = "PENDING";

    /**
     * One attempt as the verdict saw it.
     *
     * @param failureClass the guidance class of its failure, or null when it was answered
     */
    public record AttemptOutcome(int number, int status, String failureClass, boolean failed, boolean retryable) {
    }

    public RunningVerdict {
        findings = List.copyOf(findings);
        timeline = timeline == null ? List.of() : List.copyOf(timeline);
    }

    public RunningVerdict(String verdict, List<Finding> findings, int attempts, String explain, boolean uiReported) {
        this(verdict, findings, attempts, explain, uiReported, List.of());
    }

    /** The attempts of {@code judged}, each read with the one failure rule and the catalog it was judged against. */
    static List<AttemptOutcome> timeline(dev.chaosgate.verdict.Verdict judged) {
        return judged.attempts().stream().map(a -> new AttemptOutcome(a.number(), a.status(),
                dev.chaosgate.verdict.FailureRule.failureClass(a).orElse(null), judged.failed(a), judged.retryable(a))).toList();
    }
}
