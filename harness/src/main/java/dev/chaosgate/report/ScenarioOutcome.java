package dev.chaosgate.report;

import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.scenario.StreamMode;
import dev.chaosgate.verdict.Verdict;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How one scenario of a run went, in one {@link StreamMode}: its verdict, or why it was not judged.
 * A run that plays a scenario in both modes has two outcomes for it, each a row of its own.
 *
 * @param scenario     the scenario played (its seed is the one used)
 * @param status       PASS or FAIL from the verdict; SKIPPED when not played
 * @param verdict      the verdict, null when skipped
 * @param elapsed      how long the scenario took, client included
 * @param note         why it was skipped, or what the client run reported (exit code, stderr tail); "" if nothing
 * @param clientOutput the client's stdout lines as read (its "screen"), empty for an in-process client
 * @param mode         whether the client was asked to stream ({@code CHAOSGATE_STREAM})
 */
public record ScenarioOutcome(Scenario scenario, Status status, Verdict verdict, Duration elapsed, String note,
                              List<String> clientOutput, StreamMode mode) {

    public enum Status { PASS, FAIL, SKIPPED }

    public ScenarioOutcome {
        Objects.requireNonNull(scenario, "scenario");
        Objects.requireNonNull(status, "status");
        if (status != Status.SKIPPED) {
            Objects.requireNonNull(verdict, "a judged outcome needs its verdict");
        }
        Objects.requireNonNull(elapsed, "elapsed");
        note = note == null ? "" : note;
        clientOutput = List.copyOf(clientOutput);
        Objects.requireNonNull(mode, "mode");
    }

    /** An outcome in the scenario's only mode before modes existed: streamed exactly when its faults are stream-specific. */
    public ScenarioOutcome(Scenario scenario, Status status, Verdict verdict, Duration elapsed, String note, List<String> clientOutput) {
        this(scenario, status, verdict, elapsed, note, clientOutput, StreamMode.of(StreamMode.streamOnly(scenario)));
    }

    public static ScenarioOutcome judged(Scenario scenario, StreamMode mode, Verdict verdict, Duration elapsed, String note,
                                         List<String> clientOutput) {
        return new ScenarioOutcome(scenario, verdict.passed() ? Status.PASS : Status.FAIL, verdict, elapsed, note, clientOutput, mode);
    }

    /** Judged in the scenario's own mode: streamed exactly when its faults are stream-specific. */
    public static ScenarioOutcome judged(Scenario scenario, Verdict verdict, Duration elapsed, String note, List<String> clientOutput) {
        return judged(scenario, StreamMode.of(StreamMode.streamOnly(scenario)), verdict, elapsed, note, clientOutput);
    }

    public static ScenarioOutcome skipped(Scenario scenario, StreamMode mode, String reason) {
        return new ScenarioOutcome(scenario, Status.SKIPPED, null, Duration.ZERO, reason, List.of(), mode);
    }

    public static ScenarioOutcome skipped(Scenario scenario, String reason) {
        return skipped(scenario, StreamMode.of(StreamMode.streamOnly(scenario)), reason);
    }

    /** The row's name: the scenario's, with {@code [stream]} after it in the streamed row of a scenario played both ways. */
    public String label() {
        return mode.label(scenario);
    }

    public boolean failed() {
        return status == Status.FAIL;
    }
}
