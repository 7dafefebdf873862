package dev.chaosgate.load;

import java.time.Duration;

/**
 * The knobs a run takes as system properties ({@code mvn ... -Dchaosgate.load.duration=60}); the
 * gatling-maven-plugin hands {@code -D} options on to the simulation's JVM.
 */
final class LoadSettings {
    /**
     * The gateways' journal bound under load: the figures are counted live by journal listeners
     * (see GatewayTraffic), so the journal itself needs only the recent requests.
     */
    static final int JOURNAL_CAPACITY = 2_000;

    private LoadSettings() {
    }

    /** {@code chaosgate.load.duration}: how long load is injected, in seconds; each simulation has its own default. */
    static Duration duration(int defaultSeconds) {
        return Duration.ofSeconds(positive("chaosgate.load.duration", defaultSeconds));
    }

    /** {@code chaosgate.load.warmup}: seconds of warm-up traffic to the gateways before the load, 2 by default. */
    static Duration warmup() {
        return Duration.ofSeconds(positive("chaosgate.load.warmup", 2));
    }

    static int positive(String property, int defaultValue) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("-D" + property + " must be a whole number above 0, got '" + value + "'");
    }

    /** A TCP port, 0 (any free one) when the property is not given. */
    static int port(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("-D" + property + " must be a port 0..65535, got '" + value + "'");
    }

    static double decimal(String property, double defaultValue) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            double parsed = Double.parseDouble(value.trim());
            if (parsed >= 0 && Double.isFinite(parsed)) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("-D" + property + " must be a number >= 0, got '" + value + "'");
    }

    static String text(String property, String defaultValue) {
        String value = System.getProperty(property);
        return value == null || value.isBlank() ? defaultValue : value.trim();
    }
}
