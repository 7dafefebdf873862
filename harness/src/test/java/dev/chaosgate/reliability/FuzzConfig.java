package dev.chaosgate.reliability;

import java.security.SecureRandom;

/**
 * The settings of one fuzz run, from system properties: {@code chaosgate.fuzz.seed} (a fixed
 * seed when absent, a fresh one with {@code random}; always printed so a failing run can be repeated) and {@code chaosgate.fuzz.requests} (how
 * many requests or mutations; each test has its own default).
 */
record FuzzConfig(String test, long seed, int count) {
    static final String SEED_PROPERTY = "chaosgate.fuzz.seed";
    static final String COUNT_PROPERTY = "chaosgate.fuzz.requests";
    static final long DEFAULT_SEED = 20_261_122L;

    /** Reads the properties and prints the seed before anything runs, so even a hang can be replayed. */
    static FuzzConfig of(String test, int defaultCount) {
        String seedText = System.getProperty(SEED_PROPERTY);
        // A fixed seed by default, so `mvn verify` is the same run every time and a build never fails by chance;
        // `-Dchaosgate.fuzz.seed=random` explores (and prints the seed it drew).
        long seed;
        if (seedText == null || seedText.isBlank()) {
            seed = DEFAULT_SEED;
        } else if (seedText.trim().equals("random")) {
            seed = new SecureRandom().nextLong();
        } else {
            seed = Long.parseLong(seedText.trim());
        }
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
