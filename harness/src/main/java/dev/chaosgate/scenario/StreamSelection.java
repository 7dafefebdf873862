package dev.chaosgate.scenario;

import java.util.Locale;

/**
 * Which {@link StreamMode modes} a run plays each scenario in: {@code chaosgate run --stream true|false|both}
 * and {@code @ScenarioSource(stream = ...)}. Scenarios whose faults only exist inside a stream are played
 * streamed whatever the selection ({@link StreamMode#modes}).
 */
public enum StreamSelection {
    /** Non-streamed only (stream-specific scenarios: streamed). */
    FALSE,
    /** Streamed only. */
    TRUE,
    /** Each scenario twice: non-streamed, then streamed (stream-specific scenarios: streamed only). */
    BOTH;

    /**
     * {@code true}, {@code false} or {@code both}, any case.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static StreamSelection parse(String text) {
        return switch (text == null ? "" : text.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> TRUE;
            case "false" -> FALSE;
            case "both" -> BOTH;
            default -> throw new IllegalArgumentException("a stream selection is true, false or both, got '" + text + "'");
        };
    }
}
