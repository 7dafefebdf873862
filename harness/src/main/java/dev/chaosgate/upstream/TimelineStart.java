package dev.chaosgate.upstream;

/** When the clock of a timeline the upstream plays starts: what its durations, flapping cycles and windows count from. */
public enum TimelineStart {
    /** When the timeline starts playing, whatever the client does. */
    NOW,
    /**
     * At the first generation request ({@code POST /v1/chat/completions} or {@code /v1/responses}); a
     * model list or a health check before it does not start it. Until then the first step is in force.
     */
    FIRST_GENERATION_REQUEST
}
