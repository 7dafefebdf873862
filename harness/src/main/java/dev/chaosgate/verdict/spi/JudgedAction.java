package dev.chaosgate.verdict.spi;

import dev.chaosgate.fixtures.GuidanceCatalog;
import dev.chaosgate.scenario.Expectation;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.verdict.Attempt;
import dev.chaosgate.verdict.ClientReport;
import dev.chaosgate.verdict.FailureRule;

import java.util.List;

/**
 * A read-only view of one user action being judged, for a house {@link Judge}: the scenario, the
 * expectation judged, the attempts and what the client showed. Intended for implementors of judges;
 * chaosgate provides the instances.
 */
public interface JudgedAction {
    /** The scenario played. */
    Scenario scenario();

    /** The expectation judged: the scenario's, or the alternative of its {@code anyOf} being tried. */
    Expectation expectation();

    /** The attempts of the user's action, oldest first. */
    List<Attempt> attempts();

    /** What the client showed the user and left in the composer. */
    ClientReport report();

    /** Connections the link accepted while the action ran. */
    long linkConnections();

    /** The guidance catalog judged against. */
    GuidanceCatalog catalog();

    /** Whether the client stopped on a failed attempt (gave up). */
    boolean gaveUp();

    /** Whether the client was stopped while still waiting, with neither an answer nor a message. */
    boolean hung();

    /** Whether retrying {@code attempt} can help, by {@link FailureRule#retryable} with {@link #catalog()}. */
    default boolean retryable(Attempt attempt) {
        return FailureRule.retryable(attempt, catalog());
    }
}
