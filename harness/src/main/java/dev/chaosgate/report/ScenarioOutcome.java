package dev.chaosgate.report;

import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.scenario.StreamMode;
import dev.chaosgate.verdict.CrowdVerdict;
import dev.chaosgate.verdict.Verdict;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How one scenario of a run went, in one {@link StreamMode}: its verdict, or why it was not judged.
 * A run that plays a scenario in both modes has two outcomes for it, each a row of its own.
 *
 * @param scenario     the scenario played (its seed is the one used)
 * @param status       PASS or FAIL from the verdict; SKIPPED when not played on purpose; ERROR when it could not be
 *                     judged: the client crashed in it, or the run stopped before it
 * @param verdict      the verdict, null when skipped or in error
 * @param elapsed      how long the scenario took, client included
 * @param note         why it was skipped, or what the client run reported (exit code, stderr tail); "" if nothing
 * @param clientOutput the client's stdout lines as read (its "screen"), empty for an in-process client
 * @param mode         whether the client was asked to stream ({@code CHAOSGATE_STREAM})
 * @param clientStderr the last lines of the client's stderr (at most 20 lines, 4 KB), empty when it wrote none or
 *                     ran in-process: what says why a client crashed
 * @param crowd        for a row played by several users at once, the crowd's verdict (each user's and the aggregate;
 *                     {@code verdict} is then {@link CrowdVerdict#combined()}), else null
 */
public record ScenarioOutcome(Scenario scenario, Status status, Verdict verdict, Duration elapsed, String note,
                              List<String> clientOutput, StreamMode mode, List<String> clientStderr, CrowdVerdict crowd) {

    public enum Status { PASS, FAIL, SKIPPED, ERROR }

    public ScenarioOutcome {
        Objects.requireNonNull(scenario, "scenario");
        Objects.requireNonNull(status, "status");
        if (status == Status.PASS || status == Status.FAIL) {
            Objects.requireNonNull(verdict, "a judged outcome needs its verdict");
        }
        Objects.requireNonNull(elapsed, "elapsed");
        note = note == null ? "" : note;
        clientOutput = List.copyOf(clientOutput);
        Objects.requireNonNull(mode, "mode");
        clientStderr = clientStderr == null ? List.of() : List.copyOf(clientStderr);
    }

    /** An outcome of one user's action. */
    public ScenarioOutcome(Scenario scenario, Status status, Verdict verdict, Duration elapsed, String note,
                           List<String> clientOutput, StreamMode mode, List<String> clientStderr) {
        this(scenario, status, verdict, elapsed, note, clientOutput, mode, clientStderr, null);
    }

    public ScenarioOutcome(Scenario scenario, Status status, Verdict verdict, Duration elapsed, String note,
                           List<String> clientOutput, StreamMode mode) {
        this(scenario, status, verdict, elapsed, note, clientOutput, mode, List.of());
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

    /** Judged, with the tail of the client's stderr kept for the reports. */
    public static ScenarioOutcome judged(Scenario scenario, StreamMode mode, Verdict verdict, Duration elapsed, String note,
                                         List<String> clientOutput, List<String> clientStderr) {
        return new ScenarioOutcome(scenario, verdict.passed() ? Status.PASS : Status.FAIL, verdict, elapsed, note, clientOutput,
                mode, clientStderr);
    }

    /** Judged, played by a crowd: PASS when every user passed and the aggregate found nothing. */
    public static ScenarioOutcome judgedCrowd(Scenario scenario, StreamMode mode, CrowdVerdict crowd, Duration elapsed, String note,
                                              List<String> clientOutput, List<String> clientStderr) {
        return new ScenarioOutcome(scenario, crowd.passed() ? Status.PASS : Status.FAIL, crowd.combined(), elapsed, note,
                clientOutput, mode, clientStderr, crowd);
    }

    /**
     * Not judged: the client crashed in this row without saying what it showed, or the run stopped before the
     * row (then {@code reason} says why, and the outputs are empty).
     */
    public static ScenarioOutcome error(Scenario scenario, StreamMode mode, String reason, Duration elapsed,
                                        List<String> clientOutput, List<String> clientStderr) {
        return new ScenarioOutcome(scenario, Status.ERROR, null, elapsed, reason, clientOutput, mode, clientStderr);
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

    /** A failed verdict, or a row that could not be judged: either makes a run not green. */
    public boolean failed() {
        return status == Status.FAIL || status == Status.ERROR;
    }
}
