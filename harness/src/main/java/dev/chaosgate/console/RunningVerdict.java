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
 */
public record RunningVerdict(String verdict, List<Finding> findings, int attempts, String explain, boolean uiReported) {
    public static final String PASS = "PASS";
    public static final String FAIL = "FAIL";
    public static final String PENDING = "PENDING";

    public RunningVerdict {
        findings = List.copyOf(findings);
    }
}
