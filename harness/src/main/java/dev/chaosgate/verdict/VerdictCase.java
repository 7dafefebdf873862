package dev.chaosgate.verdict;

import dev.chaosgate.fixtures.GuidanceCatalog;
import dev.chaosgate.fixtures.GuidanceEntry;
import dev.chaosgate.scenario.Expectation;
import dev.chaosgate.scenario.Scenario;

import java.util.List;
import java.util.Optional;

/**
 * Everything the judges look at for one verdict.
 *
 * @param expect       the expectation judged: the scenario's, or one of its {@link Expectation#anyOf} alternatives
 * @param linkRequests every request the link saw while the action ran (those of other calls too)
 */
record VerdictCase(Scenario scenario, List<Attempt> attempts, ClientReport report, long linkConnections,
                   GuidanceCatalog catalog, Expectation expect, List<LinkRequest> linkRequests) {

    VerdictCase(Scenario scenario, List<Attempt> attempts, ClientReport report, long linkConnections, GuidanceCatalog catalog) {
        this(scenario, attempts, report, linkConnections, catalog, scenario.expect(), List.of());
    }

    VerdictCase(Scenario scenario, List<Attempt> attempts, ClientReport report, long linkConnections, GuidanceCatalog catalog,
                List<LinkRequest> linkRequests) {
        this(scenario, attempts, report, linkConnections, catalog, scenario.expect(), List.copyOf(linkRequests));
    }

    /** The same case judged against {@code alternative}. */
    VerdictCase against(Expectation alternative) {
        return new VerdictCase(scenario, attempts, report, linkConnections, catalog, alternative, linkRequests);
    }

    Optional<Attempt> last() {
        return attempts.isEmpty() ? Optional.empty() : Optional.of(attempts.get(attempts.size() - 1));
    }

    /**
     * The client stopped on a failed attempt: its last attempt failed and no other came. A client that was
     * stopped while still waiting ({@link #hung()}) did not give up.
     */
    boolean gaveUp() {
        if (hung()) {
            return false;
        }
        return last().map(VerdictCase::failed).orElse(linkConnections > 0);
    }

    /** The client was stopped while still running, without an answer: it neither answered nor gave up. */
    boolean hung() {
        return report.stopped() && !last().map(VerdictCase::answered).orElse(false);
    }

    /** Answered normally and in full. */
    static boolean answered(Attempt attempt) {
        return !failed(attempt) && attempt.exchange().complete() && !attempt.exchange().clientClosed()
                && attempt.exchange().status() / 100 == 2;
    }

    /** A failed attempt ({@link FailureRule#failed}). */
    static boolean failed(Attempt attempt) {
        return FailureRule.failed(attempt);
    }

    /** The attempt's failure class ({@link FailureRule#failureClass}), or null. */
    static String failureClass(Attempt attempt) {
        return FailureRule.failureClass(attempt).orElse(null);
    }

    /** Whether retrying the attempt can help ({@link FailureRule#retryable}, with this case's catalog). */
    boolean retryable(Attempt attempt) {
        return FailureRule.retryable(attempt, catalog);
    }

    Optional<GuidanceEntry> entry(String failureClass) {
        return FailureRule.entry(catalog, failureClass);
    }

    /**
     * The guidance the user must get when the client gives up: the expectation's, else the last failure's
     * class. The stream_interrupted guidance is for a stream cut after answer text was sent; a stream that
     * failed before any text is a plain failure of its own class, and so is its guidance.
     */
    Optional<String> expectedGuidance() {
        Optional<String> lastClass = last().map(VerdictCase::failureClass);
        if (expect().guidance() != null) {
            boolean streamBeforeText = expect().guidance().equals(GuidanceJudge.STREAM_INTERRUPTED)
                    && lastClass.isPresent() && !lastClass.get().equals(GuidanceJudge.STREAM_INTERRUPTED);
            return streamBeforeText ? lastClass : Optional.of(expect().guidance());
        }
        return lastClass;
    }
}
