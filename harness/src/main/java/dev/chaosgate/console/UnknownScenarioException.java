package dev.chaosgate.console;

import dev.chaosgate.fixtures.yaml.Closest;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** A scenario name the catalog does not know; the message names the closest ones and {@code chaosgate list}. */
public final class UnknownScenarioException extends IllegalArgumentException {
    private static final int SUGGESTIONS = 3;

    private final String name;
    private final List<String> closest;

    public UnknownScenarioException(String name, Collection<String> known) {
        this(name, closest(name, known));
    }

    private UnknownScenarioException(String name, List<String> closest) {
        super("no scenario named '" + name + "'" + (closest.isEmpty() ? "" : "; closest: " + String.join(", ", closest))
                + " (`chaosgate list` shows them all)");
        this.name = name;
        this.closest = closest;
    }

    public String name() {
        return name;
    }

    /** Up to three known names nearest to the one asked for, nearest first. */
    public List<String> closest() {
        return closest;
    }

    /** Names containing the input first (so {@code gateway} finds {@code bad-gateway-*}), then by edit distance. */
    private static List<String> closest(String name, Collection<String> known) {
        String in = name == null ? "" : name.toLowerCase(Locale.ROOT);
        Comparator<String> nearness = Comparator
                .comparingInt((String c) -> !in.isEmpty() && c.contains(in) ? 0 : 1)
                .thenComparingInt(c -> Closest.distance(in, c))
                .thenComparing(Comparator.naturalOrder());
        return known.stream().sorted(nearness).limit(SUGGESTIONS).toList();
    }
}
