package dev.chaosgate.upstream;

import java.util.Map;
import java.util.Objects;

/**
 * What the fake upstream decided for one request, as it decided it: the fault to serve (null for a
 * normal answer) and the fixture values the answer is rendered with. A run's decisions, in order,
 * are what {@link FakeUpstream#replay} serves again to reproduce it.
 *
 * @param sequence   the request's arrival order (as in {@link UpstreamExchange#sequence()})
 * @param generation whether the request asks for a model's answer ({@link UpstreamExchange#isGeneration()})
 * @param phase      the scenario phase in force, or null
 * @param label      the fault's label as journalled, or null for a normal answer
 * @param fault      the fault served: always a single answer ({@link UpstreamFault.ErrorResponse},
 *                   {@link UpstreamFault.ConnectionFault}, {@link UpstreamFault.StreamFault},
 *                   {@link UpstreamFault.SlowAnswer}), never a wrapper; null for a normal answer
 * @param values     fixture values the rate limiter set (its counters), usually empty
 * @param source     why this answer was chosen
 */
public record FaultDecision(long sequence, boolean generation, String phase, String label, UpstreamFault fault,
                            Map<String, String> values, Source source) {

    /** Where a decision came from. */
    public enum Source {
        /** The fault or scenario being served. */
        SCENARIO,
        /** A fault queued by {@link FakeUpstream#failNext}. */
        INJECTED,
        /** Faults are paused: answered normally. */
        PAUSED,
        /** A recorded decision served again by {@link FakeUpstream#replay}. */
        REPLAY
    }

    public FaultDecision {
        values = Map.copyOf(values);
        Objects.requireNonNull(source, "source cannot be null");
    }

    /** Whether a fault was served. */
    public boolean faulted() {
        return fault != null;
    }
}
