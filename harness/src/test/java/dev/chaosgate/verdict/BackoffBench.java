package dev.chaosgate.verdict;

import dev.chaosgate.verdict.BackoffStrategies.Strategy;

import java.util.List;
import java.util.Locale;

/**
 * The false-positive and catch rates of {@code NO_BACKOFF}: 10,000 simulated sequences per strategy and
 * sequence length, with scheduling noise, through the real judge ({@link BackoffStrategies}). Prints the
 * table of docs/verdicts.md; {@code scripts/bench-backoff} runs it. Arguments: sequences (default 10000), seed.
 */
public final class BackoffBench {
    // One retry is left out: a lone wait is never judged (BackoffJudge), so it is 0 % and 0 % by construction.
    private static final List<Integer> RETRIES = List.of(2, 3, 4, 6);

    private BackoffBench() {
    }

    public static void main(String[] args) {
        int sequences = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 14L;
        System.out.printf(Locale.ROOT, "NO_BACKOFF over %,d simulated sequences per cell (seed %d, minBackoff 100 ms)%n%n",
                sequences, seed);
        StringBuilder header = new StringBuilder("| strategy | waits | rate |");
        StringBuilder rule = new StringBuilder("|---|---|---|");
        for (int retries : RETRIES) {
            header.append(' ').append(retries).append(retries == 1 ? " retry |" : " retries |");
            rule.append("---:|");
        }
        System.out.println(header);
        System.out.println(rule);
        for (Strategy strategy : BackoffStrategies.ALL) {
            StringBuilder row = new StringBuilder("| ").append(strategy.name()).append(" | ").append(strategy.description())
                    .append(" | ").append(strategy.good() ? "false positives" : "caught").append(" |");
            for (int retries : RETRIES) {
                double rate = BackoffStrategies.noBackoffRate(strategy, retries, sequences, seed + retries);
                row.append(String.format(Locale.ROOT, " %.2f %% |", 100 * rate));
            }
            System.out.println(row);
        }
        System.out.println();
        System.out.println("The most any rule can catch at 1 % false positives against full jitter (the good strategy whose waits"
                + " start nearest 0 ms), estimated from " + String.format(Locale.ROOT, "%,d", LIMIT_SAMPLES)
                + " sequences each (BackoffLimit):");
        System.out.println();
        System.out.println("| bad strategy | 1 retry | 2 retries |");
        System.out.println("|---|---:|---:|");
        Strategy fullJitter = BackoffStrategies.ALL.get(0);
        for (Strategy bad : BackoffStrategies.ALL.stream().filter(s -> !s.good()).toList()) {
            System.out.printf(Locale.ROOT, "| %s | %.2f %% | %.2f %% |%n", bad.name(),
                    100 * BackoffLimit.bestCatchRate(fullJitter, bad, 1, 0.01, LIMIT_SAMPLES, seed),
                    100 * BackoffLimit.bestCatchRate(fullJitter, bad, 2, 0.01, LIMIT_SAMPLES, seed));
        }
    }

    /** Sequences per strategy for the limit's histograms: enough that a 1 ms bin's share is well estimated. */
    private static final int LIMIT_SAMPLES = 1_000_000;
}
