package dev.chaosgate.reliability;

import java.security.SecureRandom;

/**
 * The settings of one fuzz run, from system properties: {@code chaosgate.fuzz.seed} (random when
 * absent, and printed so a failing run can be repeated) and {@code chaosgate.fuzz.requests} (how
 * many requests or mutations; each test has its own default).
 */
record FuzzConfig(String test, long seed, int count) {
    static final String SEED_PROPERTY = "chaosgate.fuzz.seed";
    static final String COUNT_PROPERTY = "chaosgate.fuzz.requests";

    /** Reads the properties and prints the seed before anything runs, so even a hang can be replayed. */
    static FuzzConfig of(String test, int defaultCount) {
        String seedText = System.getProperty(SEED_PROPERTY);
        long seed = seedText == null || seedText.isBlank() ? new SecureRandom().nextLong() : Long.parseLong(seedText.trim());
        String countText = System.getProperty(COUNT_PROPERTY);
        int count = countText == null || countText.isBlank() ? defaultCount : Integer.parseInt(countText.trim());
        if (count < 1) {
            throw new IllegalArgumentException(COUNT_PROPERTY + " must be at least 1, got " + count);
        }
        FuzzConfig config = new FuzzConfig(test, seed, count);
        System.out.println(test + ": seed " + seed + ", " + count + " cases (repeat with -D" + SEED_PROPERTY + "=" + seed
                + " -D" + COUNT_PROPERTY + "=" + count + ")");
        return config;
    }

    /** The line a failure message starts with. */
    String reproduce() {
        return "reproduce with -Dtest=" + test + " -D" + SEED_PROPERTY + "=" + seed + " -D" + COUNT_PROPERTY + "=" + count;
    }
}
