package dev.chaosgate.upstream.internal;

import dev.chaosgate.upstream.UpstreamFault;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What to do with one request: the fault to serve (null: answer normally) and the fixture values
 * every answer to it is rendered with (the rate limiter's counters), so headers and message texts
 * agree with each other.
 */
record Decision(UpstreamFault fault, String label, Map<String, String> values, String phase) {
    static final Decision NORMAL = new Decision(null, null, Map.of());

    Decision {
        values = Map.copyOf(values);
    }

    Decision(UpstreamFault fault, String label, Map<String, String> values) {
        this(fault, label, values, null);
    }

    /** This decision, taken in the timeline phase {@code name}. */
    Decision inPhase(String name) {
        return new Decision(fault, label, values, name);
    }

    boolean fires() {
        return fault != null;
    }

    Decision relabel(String newLabel) {
        return new Decision(fault, newLabel, values, phase);
    }

    /** This decision with {@code more} values under its own (its own win). */
    Decision withValuesUnder(Map<String, String> more) {
        if (more.isEmpty()) {
            return this;
        }
        Map<String, String> all = new LinkedHashMap<>(more);
        all.putAll(values);
        return new Decision(fault, label, all, phase);
    }
}
