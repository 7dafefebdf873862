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
    default ClientRun act(String baseUrl, Scenario scenario, String prompt, boolean streamed) {
        return act(baseUrl, null, scenario, prompt, streamed, SINGLE_USER);
    }

    /** {@link #act(String, Scenario, String, boolean)} as user {@code user} ({@code CHAOSGATE_USER}; each user of a crowd has its own). */
    default ClientRun act(String baseUrl, Scenario scenario, String prompt, boolean streamed, String user) {
        return act(baseUrl, null, scenario, prompt, streamed, user);
    }

    /** {@link #act(String, Scenario, String, boolean)} against an HTTPS gateway (see the six-argument form). */
    default ClientRun act(String baseUrl, java.nio.file.Path caCertificate, Scenario scenario, String prompt, boolean streamed) {
        return act(baseUrl, caCertificate, scenario, prompt, streamed, SINGLE_USER);
    }

    /**
     * Performs one user action as user {@code user} against {@code baseUrl}, an HTTPS gateway whose certificate
     * authority is the PEM file {@code caCertificate} (null for plain HTTP): the client is told to trust it the usual
     * ways.
     *
     * @param streamed whether the scenario faults streamed answers, so the client should ask for one
     */
    ClientRun act(String baseUrl, java.nio.file.Path caCertificate, Scenario scenario, String prompt, boolean streamed, String user);

    /** The user id of a row played by one user. */
    String SINGLE_USER = "user-1";

    /**
     * What one run of the client came to.
     *
     * @param report   what it showed (from its {@code SHOWN:}/{@code DRAFT:} lines)
     * @param stdout   its stdout lines (empty for the bundled client)
     * @param note     anything worth reporting about the run (exit code, timeout, stderr tail), or ""
     * @param problem  set when the client could not be run or crashed without reporting: the run stops
     *                 with this one-line error (exit code 2)
     * @param stderr   the last lines of its stderr ({@link ClientStderr#tail}), empty for the bundled client
     * @param usage    whether the problem is the command itself (not found, not executable): a usage error, which
     *                 leaves the reports of an earlier run alone when no row has finished
     */
    record ClientRun(ClientReport report, List<String> stdout, String note, String problem, Duration took,
                     List<String> stderr, boolean usage) {
        public ClientRun {
            stdout = List.copyOf(stdout);
            stderr = List.copyOf(stderr);
        }

        ClientRun(ClientReport report, List<String> stdout, String note, Duration took, List<String> stderr) {
            this(report, stdout, note, null, took, stderr, false);
        }

        static ClientRun failedToRun(String problem, Duration took) {
            return new ClientRun(null, List.of(), "", problem, took, List.of(), true);
        }

        static ClientRun crashed(String problem, Duration took, List<String> stdout, List<String> stderr) {
            return new ClientRun(null, stdout, "", problem, took, stderr, false);
        }
    }
}
