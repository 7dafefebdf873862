package dev.chaosgate.load.figures;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.dummy;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.scenario;

/**
 * The figures a run must meet that Gatling assertions cannot compute (ratios of our own counters,
 * comparisons between client models), turned into Gatling assertions all the same: a one-user
 * "figures" scenario waits until the load is over, evaluates each check once and records it as a
 * zero-time {@code dummy} request named {@code check: ...}, OK or KO; {@link #assertions()} asserts
 * that none of them is KO. A failed check is then an ordinary Gatling assertion failure: the
 * report is still written and the Maven plugin fails the build.
 */
public final class RunChecks {
    private static final Duration POLL = Duration.ofMillis(200);
    private static final String DEADLINE = "chaosgateRefereeDeadline";
    private final List<Check> checks = new ArrayList<>();
    private volatile List<Result> results;

    /** A figure that must hold: {@code actual} says what was measured, for the report and the JSON summary. */
    public RunChecks require(String name, BooleanSupplier holds, Supplier<String> actual) {
        checks.add(new Check("check: " + Objects.requireNonNull(name, "name cannot be null"), holds, actual));
        return this;
    }

    /**
     * The scenario that judges the run: start one user of it when the load has been injected; it
     * waits until {@code loadDone} (every logical request ended), at most {@code patience}.
     */
    public ScenarioBuilder referee(BooleanSupplier loadDone, Duration patience) {
        ChainBuilder waitForLoad = exec(session -> session.set(DEADLINE, System.nanoTime() + patience.toNanos()))
                .asLongAs(session -> !loadDone.getAsBoolean() && System.nanoTime() - session.getLong(DEADLINE) < 0)
                .on(pause(POLL));
        ChainBuilder judge = exec(session -> {
            evaluate();
            return session;
        });
        for (int i = 0; i < checks.size(); i++) {
            int index = i;
            judge = judge.exec(dummy(checks.get(i).name(), 0).withSuccess(session -> results.get(index).holds()));
        }
        return scenario("figures").exec(waitForLoad, judge);
    }

    /** One assertion per check: its {@code check: ...} line has no KO (and exists: a check never judged fails). */
    public List<Assertion> assertions() {
        return checks.stream().map(check -> details(check.name()).failedRequests().count().is(0L)).toList();
    }

    /** The checks' outcomes, evaluated when the load was over; evaluated now if the referee never ran. */
    public List<Result> results() {
        if (results == null) {
            evaluate();
        }
        return results;
    }

    private synchronized void evaluate() {
        if (results != null) {
            return;
        }
        List<Result> evaluated = new ArrayList<>();
        for (Check check : checks) {
            boolean holds;
            try {
                holds = check.holds().getAsBoolean();
            } catch (RuntimeException e) {
                holds = false;
            }
            evaluated.add(new Result(check.name(), holds, check.actual().get()));
        }
        results = List.copyOf(evaluated);
    }

    private record Check(String name, BooleanSupplier holds, Supplier<String> actual) {
    }

    /** A check's outcome, as written in the JSON summary. */
    public record Result(String name, boolean holds, String actual) {
    }
}
