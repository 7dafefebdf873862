package dev.chaosgate.load.clientapp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The phases chaosgate plays on a client's upstream during a run, in order, each for a time:
 * {@code healthy:10s,brownout-30-percent:20s,healthy:10s}. {@value #HEALTHY} pauses every fault
 * (normal answers); any other name is a scenario of the console's catalog, played from its start.
 */
public record PhasePlan(List<Step> steps) {
    public static final String HEALTHY = "healthy";
    private static final Pattern STEP = Pattern.compile("([a-z0-9]+(?:-[a-z0-9]+)*):(\\d+)(ms|s|m)");

    public PhasePlan {
        steps = List.copyOf(steps);
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("a phase plan needs at least one phase");
        }
    }

    /** Reads {@code name:duration,...}; durations in {@code ms}, {@code s} or {@code m}. */
    public static PhasePlan parse(String text) {
        List<Step> steps = new ArrayList<>();
        for (String part : text.split(",")) {
            Matcher step = STEP.matcher(part.trim());
            if (!step.matches()) {
                throw new IllegalArgumentException("a phase is NAME:DURATION, like 'healthy:10s' or 'brownout-30-percent:20s';"
                        + " got '" + part.trim() + "' in '" + text + "'");
            }
            long amount = Long.parseLong(step.group(2));
            Duration duration = switch (step.group(3)) {
                case "ms" -> Duration.ofMillis(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofSeconds(amount);
            };
            if (duration.isZero()) {
                throw new IllegalArgumentException("phase '" + step.group(1) + "' must last more than 0, in '" + text + "'");
            }
            steps.add(new Step(steps.size() + 1, step.group(1), duration));
        }
        return new PhasePlan(steps);
    }

    /** The default plan scaled to {@code total}: healthy for a quarter, a 30 % brownout for half, healthy again. */
    public static PhasePlan brownout(Duration total) {
        Duration quarter = total.dividedBy(4);
        return new PhasePlan(List.of(new Step(1, HEALTHY, quarter),
                new Step(2, "brownout-30-percent", total.minus(quarter.multipliedBy(2))),
                new Step(3, HEALTHY, quarter)));
    }

    /** The plan as it is written: {@code healthy:10s,brownout-30-percent:20s,healthy:10s}. */
    public String text() {
        return String.join(",", steps.stream().map(step -> step.name() + ":" + (step.duration().toMillis() % 1000 == 0
                ? step.duration().toSeconds() + "s" : step.duration().toMillis() + "ms")).toList());
    }

    public Duration total() {
        return steps.stream().map(Step::duration).reduce(Duration.ZERO, Duration::plus);
    }

    /**
     * One phase of the plan.
     *
     * @param number 1 for the first phase
     */
    public record Step(int number, String name, Duration duration) {
        public boolean healthy() {
            return name.equals(HEALTHY);
        }

        /** How it is named in the report: {@code 2 brownout-30-percent}. */
        public String label() {
            return number + " " + name;
        }
    }
}
