package dev.chaosgate.load.clientapp;

import dev.chaosgate.load.figures.Latencies;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What happened in each phase of a {@link PhasePlan}: the users' requests to the client's service
 * (counted by the phase in force when each started), and the requests the upstream saw (from the
 * console log's sequence when each phase began). Thread-safe.
 */
public final class PhaseLedger {
    private final PhasePlan plan;
    private final List<PhaseCounts> counts = new ArrayList<>();
    /** Index into the plan of the phase in force; -1 before the first. */
    private volatile int current = -1;

    public PhaseLedger(PhasePlan plan) {
        this.plan = plan;
        for (int i = 0; i < plan.steps().size(); i++) {
            counts.add(new PhaseCounts());
        }
    }

    public PhasePlan plan() {
        return plan;
    }

    /** Phase {@code index} begins now; the upstream had answered {@code upstreamSequence} requests so far. */
    public void begin(int index, long upstreamSequence) {
        if (current >= 0) {
            counts.get(current).upstreamTo = upstreamSequence;
        }
        PhaseCounts phase = counts.get(index);
        phase.upstreamFrom = upstreamSequence;
        phase.beganNanos = System.nanoTime();
        current = index;
    }

    /** The run is over; the upstream had answered {@code upstreamSequence} requests. */
    public void end(long upstreamSequence) {
        if (current >= 0) {
            counts.get(current).upstreamTo = upstreamSequence;
        }
    }

    /** The phase in force, as its index in the plan (the first one until the conductor starts). */
    public int current() {
        return Math.max(0, current);
    }

    public String label(int index) {
        return plan.steps().get(index).label();
    }

    /** A user's request that started in phase {@code index} at {@code startedNanos} ended. */
    public void ended(int index, long startedNanos, boolean success) {
        PhaseCounts phase = counts.get(index);
        long now = System.nanoTime();
        (success ? phase.answered : phase.failed).increment();
        phase.times.record((now - startedNanos) / 1_000_000);
        if (!success) {
            phase.lastFailureNanos.accumulateAndGet(startedNanos, Math::max);
        }
    }

    /** Users' requests started and not ended yet, in every phase. */
    public long inFlight(long started) {
        long ended = counts.stream().mapToLong(c -> c.answered.sum() + c.failed.sum()).sum();
        return started - ended;
    }

    /** The figures of every phase, in plan order. */
    public List<PhaseFigures> figures() {
        List<PhaseFigures> figures = new ArrayList<>();
        for (int i = 0; i < counts.size(); i++) {
            figures.add(counts.get(i).figures(plan.steps().get(i), counts.get(0).beganNanos));
        }
        return figures;
    }

    private static final class PhaseCounts {
        final LongAdder answered = new LongAdder();
        final LongAdder failed = new LongAdder();
        final Latencies times = new Latencies();
        final AtomicLong lastFailureNanos = new AtomicLong(Long.MIN_VALUE);
        volatile long beganNanos = Long.MIN_VALUE;
        volatile long upstreamFrom = -1;
        volatile long upstreamTo = -1;

        PhaseFigures figures(PhasePlan.Step step, long runStart) {
            long requests = answered.sum() + failed.sum();
            long upstream = upstreamFrom < 0 || upstreamTo < 0 ? -1 : upstreamTo - upstreamFrom;
            boolean began = beganNanos != Long.MIN_VALUE;
            Long lastFailure = lastFailureNanos.get() == Long.MIN_VALUE || !began ? null
                    : Math.max(0, (lastFailureNanos.get() - beganNanos) / 1_000_000);
            return new PhaseFigures(step.number(), step.name(), step.duration().toMillis(),
                    began ? (beganNanos - runStart) / 1_000_000 : null, requests, answered.sum(),
                    requests == 0 ? 0 : round((double) answered.sum() / requests), times.percentiles(),
                    upstream, upstream < 0 || requests == 0 ? null : round((double) upstream / requests), lastFailure);
        }

        private static double round(double value) {
            return Math.round(value * 1000) / 1000.0;
        }
    }

    /**
     * One phase's figures.
     *
     * @param beganAtMs           when the phase began, since the first one began
     * @param upstreamRequests    requests the upstream answered during the phase (-1 when unknown)
     * @param amplification       upstream requests per user request: the service's retries (and any other calls it makes)
     * @param lastFailureAfterMs  when the last failed user request of the phase started, since the phase began
     */
    public record PhaseFigures(int number, String name, long durationMs, Long beganAtMs, long userRequests,
                               long answered, double successRate, Latencies.Percentiles userTimesMs,
                               long upstreamRequests, Double amplification, Long lastFailureAfterMs) {
    }
}
