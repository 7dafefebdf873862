package dev.chaosgate.scenario;

import dev.chaosgate.upstream.UpstreamFault;

import java.util.List;

/**
 * Whether the client under test asks for streamed answers in one play of a scenario
 * ({@code CHAOSGATE_STREAM=true} for a command client). Most chat apps stream, and a client's streaming
 * code path often has a retry policy of its own, so a scenario whose fault is not stream-specific is
 * worth playing in both modes ({@link StreamSelection#BOTH}); a scenario whose faults only exist inside
 * a stream ({@link #streamOnly(Scenario)}) is always played {@link #STREAMED}.
 */
public enum StreamMode {
    /** The client asks for a whole answer ({@code "stream": false}). */
    NOT_STREAMED,
    /** The client asks for a streamed answer ({@code "stream": true}). */
    STREAMED;

    /** Whether the client is asked to stream. */
    public boolean streamed() {
        return this == STREAMED;
    }

    /**
     * The name of a play of {@code scenario} in this mode: {@code bad-gateway-burst [stream]} for the streamed
     * play of a scenario that has both, else the bare name (a stream-only scenario is always streamed, so its
     * name says it already, and keeps the name it had in reports before modes).
     */
    public String label(Scenario scenario) {
        return this == STREAMED && !streamOnly(scenario) ? scenario.name() + " [stream]" : scenario.name();
    }

    /** The mode of {@code streamed}. */
    public static StreamMode of(boolean streamed) {
        return streamed ? STREAMED : NOT_STREAMED;
    }

    /**
     * Whether {@code scenario}'s faults exist only inside a streamed answer (a phase's upstream fault cuts,
     * resets, stalls or breaks a stream): a client that does not stream would never meet them.
     */
    public static boolean streamOnly(Scenario scenario) {
        return scenario.phases().stream().anyMatch(phase -> phase.upstream() instanceof UpstreamFault.StreamFault);
    }

    /**
     * The modes {@code scenario} is played in for {@code selection}, non-streamed first: a stream-only
     * scenario is played {@link #STREAMED} whatever the selection.
     */
    public static List<StreamMode> modes(Scenario scenario, StreamSelection selection) {
        if (streamOnly(scenario)) {
            return List.of(STREAMED);
        }
        return switch (selection) {
            case FALSE -> List.of(NOT_STREAMED);
            case TRUE -> List.of(STREAMED);
            case BOTH -> List.of(NOT_STREAMED, STREAMED);
        };
    }
}
