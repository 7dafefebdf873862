package dev.chaosgate.scenario;

import java.time.Duration;
import java.util.Objects;

/**
 * What a good client does in a scenario; the verdict judges the client against it.
 *
 * @param outcome          whether a good client ends with an answer or gives up
 * @param retry            whether a good client retries the failures of this scenario at all
 * @param maxAttempts      the attempt budget for one user action, first attempt included
 * @param minBackoff       the floor of the backoff rule (at least 100 ms is used): waits that never grow and
 *                         all stay under it, or a retry sooner than it after a Retry-After that is not
 *                         checked, are no backoff; a single jittered wait may be shorter; zero: retrying at
 *                         once is right, backoff is not judged (docs/verdicts.md)
 * @param honourRetryAfter whether the next attempt must wait as long as {@code Retry-After} says
 * @param guidance         the guidance class (see the fixtures' guidance catalog) of what the user
 *                         must be shown if the client gives up, or null when it must not give up
 * @param promptSurvives   whether the user's prompt must still be in the composer after a failure
 */
public record Expectation(Outcome outcome, boolean retry, int maxAttempts, Duration minBackoff,
                          boolean honourRetryAfter, String guidance, boolean promptSurvives) {

    /** How a user action ends for a good client. */
    public enum Outcome {
        /** The client gets a complete answer (possibly after retries). */
        SUCCEEDS,
        /** The client stops, keeps the prompt and shows the guidance. */
        GIVES_UP
    }

    public Expectation {
        Objects.requireNonNull(outcome, "outcome cannot be null");
        Objects.requireNonNull(minBackoff, "minBackoff cannot be null");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
        }
        if (minBackoff.isNegative()) {
            throw new IllegalArgumentException("minBackoff must be >= 0, got " + minBackoff);
        }
        if (!retry && maxAttempts != 1) {
            throw new IllegalArgumentException("a client that must not retry has exactly 1 attempt, got maxAttempts " + maxAttempts);
        }
        if (outcome == Outcome.GIVES_UP && guidance == null) {
            throw new IllegalArgumentException("a scenario where the client gives up must name the guidance class the user gets");
        }
    }

    /** The defaults of a recoverable failure: retry up to 4 attempts, at least 100 ms apart, then succeed. */
    public static Expectation recovers() {
        return new Expectation(Outcome.SUCCEEDS, true, 4, Duration.ofMillis(100), true, null, true);
    }

    /** A failure retrying cannot fix: one attempt, then the guidance of {@code guidanceClass}. */
    public static Expectation stopsWith(String guidanceClass) {
        return new Expectation(Outcome.GIVES_UP, false, 1, Duration.ZERO, true, guidanceClass, true);
    }

    public Expectation withOutcome(Outcome value) {
        return new Expectation(value, retry, maxAttempts, minBackoff, honourRetryAfter, guidance, promptSurvives);
    }

    /**
     * Whether a good client retries; {@code false} also sets the budget to 1 attempt and the minimum
     * backoff to zero (there is nothing to wait between), as in YAML.
     */
    public Expectation withRetry(boolean value) {
        return new Expectation(outcome, value, value ? maxAttempts : 1, value ? minBackoff : Duration.ZERO,
                honourRetryAfter, guidance, promptSurvives);
    }

    public Expectation withMaxAttempts(int value) {
        return new Expectation(outcome, retry, value, minBackoff, honourRetryAfter, guidance, promptSurvives);
    }

    public Expectation withMinBackoff(Duration value) {
        return new Expectation(outcome, retry, maxAttempts, value, honourRetryAfter, guidance, promptSurvives);
    }

    public Expectation withHonourRetryAfter(boolean value) {
        return new Expectation(outcome, retry, maxAttempts, minBackoff, value, guidance, promptSurvives);
    }

    public Expectation withGuidance(String value) {
        return new Expectation(outcome, retry, maxAttempts, minBackoff, honourRetryAfter, value, promptSurvives);
    }

    public Expectation withPromptSurvives(boolean value) {
        return new Expectation(outcome, retry, maxAttempts, minBackoff, honourRetryAfter, guidance, value);
    }
}
