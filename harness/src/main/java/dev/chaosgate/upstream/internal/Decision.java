package dev.chaosgate.upstream.internal;

import dev.chaosgate.upstream.UpstreamFault;

import java.util.Map;

/**
 * What to do with one request: the fault to serve (null: answer normally) and headers every answer
 * to it carries (the rate limiter's counters).
 */
record Decision(UpstreamFault fault, String label, Map<String, String> headers) {
    static final Decision NORMAL = new Decision(null, null, Map.of());

    boolean fires() {
        return fault != null;
    }

    Decision relabel(String newLabel) {
        return new Decision(fault, newLabel, headers);
    }

    Decision withHeaders(Map<String, String> more) {
        if (more.isEmpty()) {
            return this;
        }
        java.util.Map<String, String> all = new java.util.LinkedHashMap<>(headers);
        all.putAll(more);
        return new Decision(fault, label, all);
    }
}
