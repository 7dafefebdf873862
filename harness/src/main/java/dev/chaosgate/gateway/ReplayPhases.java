package dev.chaosgate.gateway;

import dev.chaosgate.scenario.Scenario;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The phases of a replayed run: the phase of each recorded generation decision, in order, so the link
 * carries the toxics of the phase the next decision was recorded in.
 */
final class ReplayPhases {
    private final Scenario scenario;
    private final List<String> phases;
    private final AtomicInteger served = new AtomicInteger();

    ReplayPhases(Scenario scenario, List<String> phases) {
        this.scenario = scenario;
        this.phases = List.copyOf(phases);
    }

    Scenario scenario() {
        return scenario;
    }

    /** Counts one more recorded generation decision served; returns how many have been. */
    int served() {
        return served.incrementAndGet();
    }

    /**
     * The index in the scenario's phases of the phase of recorded generation decision {@code next}
     * (the last one when past the end), or -1 when nothing was recorded or the phase is unknown.
     */
    int phaseOf(int next) {
        if (phases.isEmpty()) {
            return -1;
        }
        String name = phases.get(Math.min(next, phases.size() - 1));
        for (int i = 0; i < scenario.phases().size(); i++) {
            if (scenario.phases().get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
