package dev.chaosgate.verdict;

import java.util.List;

/** One rule of the verdict: adds the findings it makes about a case (none when the client did right). */
interface Judge {
    void judge(VerdictCase c, List<Finding> findings);

    /** Every judge, in the order their findings are reported. */
    static List<Judge> all() {
        return List.of(new FaultExercisedJudge(), new RetryJudge(), new RetryAfterJudge(), new BackoffJudge(),
                new PromptJudge(), new GuidanceJudge());
    }
}
