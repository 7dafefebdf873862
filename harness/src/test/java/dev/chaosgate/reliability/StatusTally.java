package dev.chaosgate.reliability;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** How many answers of each status a fuzz run got, and how many requests got none (by how they ended). */
final class StatusTally {
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    void count(Wire.Reply reply) {
        String key = reply.answered() ? Integer.toString(reply.status()) : reply.outcome().name().toLowerCase(Locale.ROOT);
        counts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }

    /** {@code {200=5199, 400=2216, no_answer=265}}, in key order. */
    @Override
    public String toString() {
        return new TreeMap<>(counts).toString();
    }
}
