package dev.chaosgate.reliability;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a fuzz run found wrong. A run goes on after a violation (one bug should not hide the next),
 * keeps the first few of each kind with the case that caused it, and fails at the end with all of
 * them. Thread-safe.
 */
final class Violations {
    private static final int KEPT_PER_KIND = 3;
    private static final int MAX_CASE_CHARS = 600;

    private final FuzzConfig config;
    private final Map<String, Integer> counts = new LinkedHashMap<>();
    private final List<String> kept = new ArrayList<>();

    Violations(FuzzConfig config) {
        this.config = config;
    }

    /** Records a violation of {@code kind} (a short fixed phrase, so repeats group) for the case {@code what}. */
    /** Adds a violation of {@code kind} unless {@code condition} holds. */
    void expect(boolean condition, String kind, String what) {
        if (!condition) {
            add(kind, what);
        }
    }

    synchronized void add(String kind, String what) {
        int seen = counts.merge(kind, 1, Integer::sum);
        if (seen <= KEPT_PER_KIND) {
            kept.add(kind + "\n    " + shorten(what).replace("\n", "\n    "));
        }
    }

    synchronized boolean isEmpty() {
        return counts.isEmpty();
    }

    synchronized int total() {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Throws an {@link AssertionError} listing every kind of violation with its first cases. */
    synchronized void assertNone() {
        if (counts.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder(config.test() + " found " + total() + " violation(s); "
                + config.reproduce() + "\n");
        counts.forEach((kind, n) -> message.append("  ").append(n).append(" x ").append(kind).append('\n'));
        message.append("first cases:\n");
        kept.forEach(k -> message.append("  - ").append(k).append('\n'));
        throw new AssertionError(message.toString());
    }

    /** A case as readable text: control characters escaped, long runs cut. */
    static String shorten(String text) {
        if (text.length() > MAX_CASE_CHARS) {
            // The end of a case (the answer) matters as much as its start (the request).
            return shorten(text.substring(0, MAX_CASE_CHARS * 2 / 3)) + " ... (" + text.length() + " chars) ... "
                    + shorten(text.substring(text.length() - MAX_CASE_CHARS / 3));
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                out.append('\n');
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
