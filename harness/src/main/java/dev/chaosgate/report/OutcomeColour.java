package dev.chaosgate.report;

import dev.chaosgate.fixtures.GuidanceCatalog;
import dev.chaosgate.fixtures.GuidanceEntry;
import dev.chaosgate.verdict.Attempt;

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

    static OutcomeColour of(Attempt attempt) {
        if (!attempt.failed()) {
            return ANSWERED;
        }
        String failureClass = attempt.failureClass();
        if (failureClass == null) {
            return RETRYABLE;
        }
        return switch (failureClass) {
            case "rate_limited" -> RATE_LIMITED;
            case "stream_interrupted" -> STREAM_CUT;
            default -> retryable(failureClass) ? RETRYABLE : NOT_RETRYABLE;
        };
    }

    /** Per the built-in guidance catalog, as the verdict judges; an unknown class counts as retryable. */
    private static boolean retryable(String failureClass) {
        return GuidanceCatalog.builtIn().entries().stream()
                .filter(entry -> entry.failureClass().name().equals(failureClass))
                .findFirst().map(GuidanceEntry::retryable).orElse(true);
    }
}
