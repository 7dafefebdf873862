package dev.chaosgate.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * @param userWaitsAtMost  the longest the user may wait, from the first attempt, for an answer or a message
 *                         (null: no limit); beyond it the verdict finds {@code USER_KEPT_WAITING}
 * @param anyOf            the good behaviours a scenario accepts when there is more than one (see
 *                         {@link #anyOf(Expectation, Expectation...)}), empty for one; the other components
 *                         are then those of the first alternative
 */
public record Expectation(Outcome outcome, boolean retry, int maxAttempts, Duration minBackoff,
                          boolean honourRetryAfter, String guidance, boolean promptSurvives, Duration userWaitsAtMost,
                          List<Expectation> anyOf) {

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
        if (userWaitsAtMost != null && (userWaitsAtMost.isNegative() || userWaitsAtMost.isZero())) {
            throw new IllegalArgumentException("userWaitsAtMost must be more than 0, got " + userWaitsAtMost);
        }
        anyOf = anyOf == null ? List.of() : List.copyOf(anyOf);
        if (anyOf.size() == 1) {
            throw new IllegalArgumentException("anyOf needs at least two alternatives; with one, use it as the expectation");
        }
        for (Expectation alternative : anyOf) {
            if (!alternative.anyOf().isEmpty()) {
                throw new IllegalArgumentException("an alternative of anyOf cannot have alternatives itself; list them all in one anyOf");
            }
        }
    }

    /** One expectation, without a limit on the user's wait. */
    public Expectation(Outcome outcome, boolean retry, int maxAttempts, Duration minBackoff, boolean honourRetryAfter,
                       String guidance, boolean promptSurvives) {
        this(outcome, retry, maxAttempts, minBackoff, honourRetryAfter, guidance, promptSurvives, null, List.of());
    }

    /**
     * A scenario that accepts more than one good behaviour: a client passes when it passes any of the
     * alternatives; when it passes none, the verdict reports the findings of the closest one (the fewest
     * findings, the first on a tie) and names every alternative it tried. For example, a Retry-After of
     * 31 years accepts a retry after a capped wait, or giving up at once with guidance to wait:
     *
     * <pre>{@code
     * Expectation.anyOf(
     *         Expectation.recovers().withMaxAttempts(3).withHonourRetryAfter(false),
     *         Expectation.stopsWith("unavailable"))
     * }</pre>
     *
     * The result's own components are those of {@code first}.
     */
    public static Expectation anyOf(Expectation first, Expectation... more) {
        Objects.requireNonNull(first, "first cannot be null");
        List<Expectation> all = new ArrayList<>();
        all.add(first);
        for (Expectation alternative : more) {
            all.add(Objects.requireNonNull(alternative, "an alternative cannot be null"));
        }
        return new Expectation(first.outcome, first.retry, first.maxAttempts, first.minBackoff, first.honourRetryAfter,
                first.guidance, first.promptSurvives, first.userWaitsAtMost, all);
    }

    /** The good behaviours accepted: the {@link #anyOf} alternatives, or this expectation alone. */
    public List<Expectation> alternatives() {
        return anyOf.isEmpty() ? List.of(this) : anyOf;
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
        return one().build(value, retry, maxAttempts, minBackoff, honourRetryAfter, guidance, promptSurvives, userWaitsAtMost);
    }

    /**
     * Whether a good client retries; {@code false} also sets the budget to 1 attempt and the minimum
     * backoff to zero (there is nothing to wait between), as in YAML.
     */
    public Expectation withRetry(boolean value) {
        return one().build(outcome, value, value ? maxAttempts : 1, value ? minBackoff : Duration.ZERO,
                honourRetryAfter, guidance, promptSurvives, userWaitsAtMost);
    }

    public Expectation withMaxAttempts(int value) {
        return one().build(outcome, retry, value, minBackoff, honourRetryAfter, guidance, promptSurvives, userWaitsAtMost);
    }

    public Expectation withMinBackoff(Duration value) {
        return one().build(outcome, retry, maxAttempts, value, honourRetryAfter, guidance, promptSurvives, userWaitsAtMost);
    }

    public Expectation withHonourRetryAfter(boolean value) {
        return one().build(outcome, retry, maxAttempts, minBackoff, value, guidance, promptSurvives, userWaitsAtMost);
    }

    public Expectation withGuidance(String value) {
        return one().build(outcome, retry, maxAttempts, minBackoff, honourRetryAfter, value, promptSurvives, userWaitsAtMost);
    }

    public Expectation withPromptSurvives(boolean value) {
        return one().build(outcome, retry, maxAttempts, minBackoff, honourRetryAfter, guidance, value, userWaitsAtMost);
    }

    /**
     * The longest the user may wait, from the first attempt, for an answer or a message that the client
     * gave up; null for no limit.
     */
    public Expectation withUserWaitsAtMost(Duration value) {
        return one().build(outcome, retry, maxAttempts, minBackoff, honourRetryAfter, guidance, promptSurvives, value);
    }

    /** Changing one alternative of several would silently change only the first: refused. */
    private Expectation one() {
        if (!anyOf.isEmpty()) {
            throw new IllegalStateException("this expectation has " + anyOf.size() + " alternatives (anyOf); change an"
                    + " alternative and combine them again with Expectation.anyOf(...)");
        }
        return this;
    }

    private Expectation build(Outcome outcome, boolean retry, int maxAttempts, Duration minBackoff, boolean honourRetryAfter,
                              String guidance, boolean promptSurvives, Duration userWaitsAtMost) {
        return new Expectation(outcome, retry, maxAttempts, minBackoff, honourRetryAfter, guidance, promptSurvives,
                userWaitsAtMost, List.of());
    }
}
