package dev.chaosgate.verdict;

import dev.chaosgate.verdict.BackoffStrategies.Strategy;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The best any {@code NO_BACKOFF} rule could do on short sequences, whatever its thresholds: the measured waits
 * of a good and a bad strategy (with the bench's scheduling noise) are binned per millisecond, and the bins
 * most typical of the bad strategy are taken, best likelihood ratio first, until the good strategy's share
 * in them reaches the allowed false-positive rate (the Neyman-Pearson test, estimated from samples). The
 * share of the bad strategy's sequences those bins hold is the most a rule can catch at that rate: a lower
 * figure in the bench table is a limit of the evidence, not of the rule.
 */
final class BackoffLimit {
    /** Waits above this many milliseconds share one last bin (a bad strategy's waits never reach it). */
    private static final int BINS = 200;

    private BackoffLimit() {
    }

    /**
     * The most any rule catches of {@code bad}'s sequences of {@code retries} retries (1 or 2) while it fires on
     * at most {@code falsePositives} of {@code good}'s.
     */
    static double bestCatchRate(Strategy good, Strategy bad, int retries, double falsePositives, int samples, long seed) {
        if (retries < 1 || retries > 2) {
            throw new IllegalArgumentException("retries must be 1 or 2 (the bins are one or two dimensional), got " + retries);
        }
        double[] goodMass = histogram(good, retries, samples, new SplittableRandom(seed));
        double[] badMass = histogram(bad, retries, samples, new SplittableRandom(seed + 1));
        Integer[] order = IntStream.range(0, goodMass.length).boxed().toArray(Integer[]::new);
        // Best ratio first: a bin only the bad strategy reached comes first, one it never reached last.
        Arrays.sort(order, Comparator.comparingDouble((Integer bin) -> badMass[bin] == 0 ? Double.POSITIVE_INFINITY
                : goodMass[bin] == 0 ? Double.NEGATIVE_INFINITY : -badMass[bin] / goodMass[bin]));
        double fired = 0;
        double caught = 0;
        for (int bin : order) {
            if (badMass[bin] == 0) {
                break;
            }
            if (fired + goodMass[bin] > falsePositives) {
                // Part of one more bin: a randomised rule may fire on a share of it.
                caught += badMass[bin] * (falsePositives - fired) / goodMass[bin];
                break;
            }
            fired += goodMass[bin];
            caught += badMass[bin];
        }
        return Math.min(1, caught);
    }

    private static double[] histogram(Strategy strategy, int retries, int samples, SplittableRandom random) {
        double[] mass = new double[retries == 1 ? BINS + 1 : (BINS + 1) * (BINS + 1)];
        for (int i = 0; i < samples; i++) {
            int bin = 0;
            for (var gap : BackoffStrategies.gaps(strategy, retries, random)) {
                bin = bin * (BINS + 1) + (int) Math.min(BINS, gap.toNanos() / 1_000_000);
            }
            mass[bin] += 1.0 / samples;
        }
        return mass;
    }
}
