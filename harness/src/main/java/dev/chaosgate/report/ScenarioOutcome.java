package dev.chaosgate.report;

import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.verdict.Verdict;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How one scenario of a run went: its verdict, or why it was not judged.
 *
 * @param scenario     the scenario played (its seed is the one used)
 * @param status       PASS or FAIL from the verdict; SKIPPED when not played
 * @param verdict      the verdict, null when skipped
 * @param elapsed      how long the scenario took, client included
 * @param note         why it was skipped, or what the client run reported (exit code, stderr tail); "" if nothing
 * @param clientOutput the client's stdout lines as read (its "screen"), empty for an in-process client
 */
public record ScenarioOutcome(Scenario scenario, Status status, Verdict verdict, Duration elapsed, String note,
                              List<String> clientOutput) {

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
    }

    public static ScenarioOutcome judged(Scenario scenario, Verdict verdict, Duration elapsed, String note, List<String> clientOutput) {
        return new ScenarioOutcome(scenario, verdict.passed() ? Status.PASS : Status.FAIL, verdict, elapsed, note, clientOutput);
    }

    public static ScenarioOutcome skipped(Scenario scenario, String reason) {
        return new ScenarioOutcome(scenario, Status.SKIPPED, null, Duration.ZERO, reason, List.of());
    }

    public boolean failed() {
        return status == Status.FAIL;
    }
}
