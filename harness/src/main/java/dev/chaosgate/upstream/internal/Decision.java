package dev.chaosgate.upstream.internal;

import dev.chaosgate.upstream.UpstreamFault;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * What to do with one request: the fault to serve (null: answer normally) and the fixture values
 * every answer to it is rendered with (the rate limiter's counters), so headers and message texts
 * agree with each other.
 *
 * <p>Two additions for an overload with a cost: {@code serviceTime}, how long a normal answer waits
 * before it starts (the slot it holds meanwhile), and a {@link Pending} decision, taken only once a
 * queued request got a slot or waited too long. A pending decision is {@linkplain #settle() settled}
 * outside every lock of the upstream, so a queued request never holds up the others' decisions.
 */
record Decision(UpstreamFault fault, String label, Map<String, String> values, String phase, Duration serviceTime,
                Pending pending) {
    static final Decision NORMAL = new Decision(null, null, Map.of());

    Decision {
        values = Map.copyOf(values);
        Objects.requireNonNull(serviceTime, "serviceTime cannot be null");
    }

    Decision(UpstreamFault fault, String label, Map<String, String> values) {
        this(fault, label, values, null, Duration.ZERO, null);
    }

    Decision(UpstreamFault fault, String label, Map<String, String> values, String phase) {
        this(fault, label, values, phase, Duration.ZERO, null);
    }

    /** A decision still to be taken: the request waits for it ({@link #settle()}). */
    interface Pending {
        /** Blocks until the decision is taken. */
        Decision await();
    }

    /** A request waiting in a queue: its decision is whatever {@code pending} decides. */
    static Decision pending(Pending pending) {
        return new Decision(null, null, Map.of(), null, Duration.ZERO, Objects.requireNonNull(pending));
    }

    /** A normal answer that starts after {@code time} (an admitted request held by its service time). */
    static Decision normalAfter(Duration time) {
        return time.isZero() ? NORMAL : new Decision(null, null, Map.of(), null, time, null);
    }

    /** This decision, taken in the timeline phase {@code name}. */
    Decision inPhase(String name) {
        if (pending != null) {
            return later(d -> d.inPhase(name));
        }
        return new Decision(fault, label, values, name, serviceTime, null);
    }

    /** Whether a fault answers: a pending decision counts (a rule that queues a request has decided for it). */
    boolean fires() {
        return fault != null || pending != null;
    }

    Decision relabel(String newLabel) {
        if (pending != null) {
            return later(d -> d.relabel(newLabel));
        }
        return new Decision(fault, newLabel, values, phase, serviceTime, null);
    }

    /** A wrapper's label, given only if the decision, once taken, serves a fault. */
    Decision relabelIfFaulted(String newLabel) {
        if (pending != null) {
            return later(d -> d.relabelIfFaulted(newLabel));
        }
        return fault != null ? relabel(newLabel) : this;
    }

    /** This decision with {@code more} values under its own (its own win). */
    Decision withValuesUnder(Map<String, String> more) {
        if (more.isEmpty()) {
            return this;
        }
        if (pending != null) {
            return later(d -> d.withValuesUnder(more));
        }
        Map<String, String> all = new LinkedHashMap<>(more);
        all.putAll(values);
        return new Decision(fault, label, all, phase, serviceTime, null);
    }

    /** This decision with a service time of at least {@code time} (a normal answer then starts that late). */
    Decision withServiceTimeAtLeast(Duration time) {
        if (time.isZero() || time.compareTo(serviceTime) <= 0) {
            return this;
        }
        if (pending != null) {
            return later(d -> d.withServiceTimeAtLeast(time));
        }
        return new Decision(fault, label, values, phase, time, null);
    }

    /** The decision itself, once taken: waits for a pending one (outside any lock), returns any other at once. */
    Decision settle() {
        Decision taken = this;
        while (taken.pending != null) {
            taken = taken.pending.await();
        }
        return taken;
    }

    private Decision later(UnaryOperator<Decision> then) {
        Pending inner = pending;
        return pending(() -> then.apply(inner.await().settle()));
    }
}
