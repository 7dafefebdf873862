package dev.chaosgate.verdict;

import dev.chaosgate.fixtures.GuidanceCatalog;
import dev.chaosgate.fixtures.GuidanceEntry;
import dev.chaosgate.scenario.Expectation;
import dev.chaosgate.scenario.Scenario;

import java.util.List;
import java.util.Optional;

/** Everything the judges look at for one verdict. */
record VerdictCase(Scenario scenario, List<Attempt> attempts, ClientReport report, long linkConnections,
                   GuidanceCatalog catalog) {

    Expectation expect() {
        return scenario.expect();
    }

    Optional<Attempt> last() {
        return attempts.isEmpty() ? Optional.empty() : Optional.of(attempts.get(attempts.size() - 1));
    }

    /** The client stopped on a failed attempt: its last attempt failed and no other came. */
    boolean gaveUp() {
        return last().map(VerdictCase::failed).orElse(linkConnections > 0);
    }

    /** A failed attempt: the upstream served a failure, or an answer so slow the client left before it came. */
    static boolean failed(Attempt attempt) {
        return failureClass(attempt) != null;
    }

    /** The attempt's failure class; an answer still being delayed when the client left counts as a gateway timeout. */
    static String failureClass(Attempt attempt) {
        if (attempt.failureClass() != null) {
            return attempt.failureClass();
        }
        return attempt.exchange().fault() != null && !attempt.exchange().complete() ? "gateway_timeout" : null;
    }

    /** Whether retrying a failure of {@code failureClass} can help, per the guidance catalog. */
    boolean retryable(Attempt attempt) {
        if (Boolean.FALSE.equals(attempt.shouldRetry())) {
            return false;
        }
        String failureClass = failureClass(attempt);
        return failureClass != null && entry(failureClass).map(GuidanceEntry::retryable).orElse(true);
    }

    Optional<GuidanceEntry> entry(String failureClass) {
        return catalog.classes().stream().filter(c -> c.name().equals(failureClass)).findFirst().map(catalog::entry);
    }

    /** The guidance the user must get when the client gives up: the scenario's, else the last failure's class. */
    Optional<String> expectedGuidance() {
        if (expect().guidance() != null) {
            return Optional.of(expect().guidance());
        }
        return last().map(VerdictCase::failureClass);
    }
}
