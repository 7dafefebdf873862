package dev.chaosgate.verdict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaosgate.verdict.BackoffStrategies.Strategy;
import org.junit.jupiter.api.Test;

/** The bench's estimate of the best possible rule behaves as the Neyman-Pearson bound must. */
class BackoffLimitTest {
    private static Strategy named(String name) {
        return BackoffStrategies.ALL.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void strategiesThatNeverOverlapAreToldApartEveryTime() {
        // Fixed 1 s waits never come near an immediate retry's: the bins that hold one hold none of the other.
        assertThat(BackoffLimit.bestCatchRate(named("fixed 1 s"), named("immediate retry"), 2, 0.01, 20_000, 3)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void aStrategyAgainstItselfIsCaughtOnlyAsOftenAsTheFalsePositivesAllowed() {
        double caught = BackoffLimit.bestCatchRate(named("full jitter"), named("full jitter"), 1, 0.01, 200_000, 5);
        assertThat(caught).isBetween(0.005, 0.02);
    }

    @Test
    void moreWaitsNeverMakeTheEvidenceWeaker() {
        Strategy fullJitter = named("full jitter");
        Strategy storm = named("retry storm");
        assertThat(BackoffLimit.bestCatchRate(fullJitter, storm, 2, 0.01, 200_000, 7))
                .isGreaterThan(BackoffLimit.bestCatchRate(fullJitter, storm, 1, 0.01, 200_000, 7));
    }

    @Test
    void onlyOneAndTwoRetriesAreBinned() {
        assertThatThrownBy(() -> BackoffLimit.bestCatchRate(named("full jitter"), named("retry storm"), 3, 0.01, 10, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 or 2");
    }
}
