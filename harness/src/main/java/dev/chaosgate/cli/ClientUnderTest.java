package dev.chaosgate.cli;

import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.verdict.ClientReport;

import java.time.Duration;
import java.util.List;

/** The client {@code chaosgate run} judges: the bundled reference client or a command. */
interface ClientUnderTest {

    /** How the client is named in progress lines and reports. */
    String description();

    /**
     * Performs one user action against {@code baseUrl} and reports what the user saw.
     *
     * @param streamed whether the scenario faults streamed answers, so the client should ask for one
     */
    ClientRun act(String baseUrl, Scenario scenario, String prompt, boolean streamed);

    /**
     * What one run of the client came to.
     *
     * @param report   what it showed (from its {@code SHOWN:}/{@code DRAFT:} lines)
     * @param stdout   its stdout lines (empty for the bundled client)
     * @param note     anything worth reporting about the run (exit code, timeout, stderr tail), or ""
     * @param problem  set when the client could not be run or crashed without reporting: the run stops
     *                 with this one-line error (exit code 2)
     */
    record ClientRun(ClientReport report, List<String> stdout, String note, String problem, Duration took) {
        static ClientRun failedToRun(String problem, Duration took) {
            return new ClientRun(null, List.of(), "", problem, took);
        }
    }
}
