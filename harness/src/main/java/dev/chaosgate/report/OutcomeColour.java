package dev.chaosgate.report;

import dev.chaosgate.verdict.Attempt;
import dev.chaosgate.verdict.FailureRule;
import dev.chaosgate.fixtures.GuidanceCatalog;

/**
 * The colour of an attempt's bar in the timeline, by what the upstream did with it. The groups follow what a
 * client should do next, which is what a reader checks against the bars after it.
 */
enum OutcomeColour {
    ANSWERED("#2f9e44", "answered"),
    RETRYABLE("#e03131", "gateway or server failure (retrying can help)"),
    RATE_LIMITED("#f08c00", "rate limited (retry after waiting)"),
    STREAM_CUT("#d9480f", "answer cut mid-stream"),
    NOT_RETRYABLE("#862e9c", "failure retrying cannot fix");

    private final String fill;
    private final String meaning;

    OutcomeColour(String fill, String meaning) {
        this.fill = fill;
        this.meaning = meaning;
    }

    String fill() {
        return fill;
    }

    /** The legend's words for the colour. */
    String meaning() {
        return meaning;
    }

    /**
     * By the one failure rule ({@link dev.chaosgate.verdict.FailureRule}) with the catalog the verdict was
     * judged against, so a bar never says "retrying can help" where the verdict says it cannot
     * ({@code x-should-retry: false}, a team's own catalog).
     */
    static OutcomeColour of(Attempt attempt, GuidanceCatalog catalog) {
        if (!FailureRule.failed(attempt)) {
            return ANSWERED;
        }
        String failureClass = FailureRule.failureClass(attempt).orElseThrow();
        if (failureClass.equals("stream_interrupted")) {
            return STREAM_CUT;
        }
        if (!FailureRule.retryable(attempt, catalog)) {
            return NOT_RETRYABLE;
        }
        return failureClass.equals("rate_limited") ? RATE_LIMITED : RETRYABLE;
    }
}
