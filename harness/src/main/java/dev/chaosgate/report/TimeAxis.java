package dev.chaosgate.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The timeline's horizontal scale: milliseconds since the first attempt arrived, mapped onto a fixed pixel width,
 * with round tick steps (1, 2 or 5 times a power of ten) so a 25 s run and a 40 ms one both get 5 to 10 ticks.
 */
final class TimeAxis {
    /** Below this the scale stops shrinking: a lone 3 ms attempt should not fill the whole width. */
    private static final double MIN_RANGE_MS = 10;
    private static final int TARGET_TICKS = 8;

    private final double left;
    private final double width;
    private final double stepMs;
    private final double endMs;

    private TimeAxis(double left, double width, double stepMs, double endMs) {
        this.left = left;
        this.width = width;
        this.stepMs = stepMs;
        this.endMs = endMs;
    }

    /** An axis from 0 to at least {@code maxMs}, drawn from {@code left} over {@code width} pixels. */
    static TimeAxis fitting(double maxMs, double left, double width) {
        double range = Math.max(maxMs, MIN_RANGE_MS);
        double rough = range / TARGET_TICKS;
        double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
        double step = rough <= magnitude ? magnitude
                : rough <= 2 * magnitude ? 2 * magnitude
                : rough <= 5 * magnitude ? 5 * magnitude
                : 10 * magnitude;
        return new TimeAxis(left, width, step, Math.ceil(range / step) * step);
    }

    double x(double ms) {
        return left + width * Math.max(0, ms) / endMs;
    }

    /** Pixels for a length of time. */
    double span(double ms) {
        return width * Math.max(0, ms) / endMs;
    }

    double left() {
        return left;
    }

    double right() {
        return left + width;
    }

    List<Double> ticks() {
        List<Double> ticks = new ArrayList<>();
        long count = Math.round(endMs / stepMs);
        for (long i = 0; i <= count; i++) {
            ticks.add(i * stepMs);
        }
        return ticks;
    }

    /** {@code 0}, {@code 200 ms}, {@code 5 s}: seconds once the step is a whole second. */
    String label(double ms) {
        if (ms == 0) {
            return "0";
        }
        if (stepMs >= 1000) {
            return String.format(Locale.ROOT, "%.0f s", ms / 1000);
        }
        return String.format(Locale.ROOT, "%.0f ms", ms);
    }
}
