package dev.chaosgate.verdict;

import java.util.List;

/**
 * One built-in rule of the verdict: adds the findings it makes about a case (none when the client did right).
 * Teams add their own rules with the public {@link dev.chaosgate.verdict.spi.Judge}.
 */
interface Judge {
    void judge(VerdictCase c, List<Finding> findings);

    /** Every judge, in the order their findings are reported. */
    static List<Judge> all() {
        return List.of(new FaultExercisedJudge(), new HungJudge(), new RetryJudge(), new RetryAfterJudge(), new BackoffJudge(),
                new WaitJudge(), new PromptJudge(), new GuidanceJudge(), new TlsJudge());
    }
}
