package dev.chaosgate.console;

import dev.chaosgate.verdict.Finding;

import java.util.List;

/**
 * The verdict so far of the app in the session's scenario, since the last switch or reset: one per prompt
 * (each user action), newest first in {@link #prompts()}; the other fields are the newest prompt's.
 *
 * @param verdict    {@code PASS}, {@code FAIL}, or {@code PENDING} while the app has made no attempt
 * @param attempts   the attempts of the user's action judged
 * @param explain    the bug-report text ({@link dev.chaosgate.verdict.Verdict#explain()}), empty while pending
 * @param uiReported whether QA said what the app showed; if not, only the network behaviour is judged
 * @param timeline   each attempt judged, by the one failure rule the judges and reports use
 *                   ({@link dev.chaosgate.verdict.FailureRule}): whether it failed and whether retrying could help
 * @param prompt     the prompt judged: the user turn of the action's first request (null while pending)
 * @param started    when the action's first request arrived (ISO-8601), null while pending
 * @param note       what the page should say besides the findings (a prompt that met no fault), or null
 * @param user       whose prompt it is when requests of several users came since the last switch or reset (by the
 *                   rule the crowd's verdict tells users apart with, {@link dev.chaosgate.verdict.UserAttribution}),
 *                   else null
 * @param prompts    every prompt since the last switch or reset, each judged on its own, newest first
 *                   (empty inside an element of this list)
 * @param users      with several users: one verdict per user, in the order their first requests came, each the
 *                   user's newest prompt's with that user's {@code prompts}; empty with one user or none told
 * @param unattributed with several users: the generation requests no user is told for, judged for nobody; else 0
 */
public record RunningVerdict(String verdict, List<Finding> findings, int attempts, String explain, boolean uiReported,
                             List<AttemptOutcome> timeline, String prompt, String started, String note, String user,
                             List<RunningVerdict> prompts, List<RunningVerdict> users, int unattributed) {
    public static final String PASS = "PASS";
    public static final String FAIL = "FAIL";
    public static final String PENDING = "PENDING";

    /**
     * One attempt as the verdict saw it.
     *
     * @param failureClass the guidance class of its failure, or null when it was answered
     * @param offsetMs     from the action's first attempt to this one's arrival
     * @param waitMs       how long the app waited after the previous attempt ended before sending this one
     *                     (null for the first)
     * @param answer       what it got, in plain words ({@code 502 bad gateway (Cloudflare page)}, {@code 200 answered})
     * @param fault        the fault's label with its fixture id, or null when it was answered
     * @param askedWaitMs  the wait the answer asked for (Retry-After and the like), or null
     */
    public record AttemptOutcome(int number, int status, String failureClass, boolean failed, boolean retryable,
                                 long offsetMs, Long waitMs, String answer, String fault, Long askedWaitMs) {
    }

    public RunningVerdict {
        findings = List.copyOf(findings);
        timeline = timeline == null ? List.of() : List.copyOf(timeline);
        prompts = prompts == null ? List.of() : List.copyOf(prompts);
        users = users == null ? List.of() : List.copyOf(users);
    }

    /** The verdict before the app's first attempt. */
    static RunningVerdict pending(boolean uiReported) {
        return new RunningVerdict(PENDING, List.of(), 0, "", uiReported, List.of(), null, null, null, null, List.of(),
                List.of(), 0);
    }

    /** The verdict of {@code user} before that user's first attempt. */
    static RunningVerdict pending(boolean uiReported, String user) {
        return new RunningVerdict(PENDING, List.of(), 0, "", uiReported, List.of(), null, null, null, user, List.of(),
                List.of(), 0);
    }

    /** This verdict (the newest prompt's) heading {@code all}. */
    RunningVerdict withPrompts(List<RunningVerdict> all) {
        return new RunningVerdict(verdict, findings, attempts, explain, uiReported, timeline, prompt, started, note, user,
                all, users, unattributed);
    }

    /** This verdict with one verdict per user ({@code lanes}) and the generation requests judged for nobody. */
    RunningVerdict withUsers(List<RunningVerdict> lanes, int nobodys) {
        return new RunningVerdict(verdict, findings, attempts, explain, uiReported, timeline, prompt, started, note, user,
                prompts, lanes, nobodys);
    }

    /** The attempts of {@code judged}, each read with the one failure rule and the catalog it was judged against. */
    static List<AttemptOutcome> timeline(dev.chaosgate.verdict.Verdict judged) {
        return judged.attempts().stream().map(a -> {
            String fault = a.exchange().fault();
            String answer = (a.status() == 0 ? "no status" : String.valueOf(a.status())) + " "
                    + (fault == null ? "answered" : stripStatus(PlainNames.fault(fault), a.status()));
            return new AttemptOutcome(a.number(), a.status(),
                    dev.chaosgate.verdict.FailureRule.failureClass(a).orElse(null), judged.failed(a), judged.retryable(a),
                    a.offset().toMillis(), a.gap() == null ? null : a.gap().toMillis(), answer, fault,
                    a.askedWait() == null ? null : a.askedWait().toMillis());
        }).toList();
    }

    /** {@code 502 bad gateway} without its leading status, which the line already starts with. */
    private static String stripStatus(String plain, int status) {
        String prefix = status + " ";
        return plain.startsWith(prefix) ? plain.substring(prefix.length()) : plain;
    }
}
