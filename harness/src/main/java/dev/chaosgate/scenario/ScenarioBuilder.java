package dev.chaosgate.scenario;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** Builds a {@link Scenario}; start with {@link Chaos#scenario(String)}. Not thread-safe; values are checked in {@link #build()}. */
public final class ScenarioBuilder {
    private final String name;
    private String description = "";
    private String situation = "";
    private long seed = 1;
    private final List<Phase> phases = new ArrayList<>();
    private Expectation expect = Expectation.recovers();
    private final Set<String> tags = new LinkedHashSet<>();
    private Scenario.Clock clock = Scenario.Clock.CLIENT;
    private Crowd crowd;

    ScenarioBuilder(String name) {
        this.name = Objects.requireNonNull(name, "name cannot be null");
    }

    public ScenarioBuilder describedAs(String oneLine) {
        this.description = Objects.requireNonNull(oneLine, "description cannot be null");
        return this;
    }

    public ScenarioBuilder situation(String realWorld) {
        this.situation = Objects.requireNonNull(realWorld, "situation cannot be null");
        return this;
    }

    public ScenarioBuilder seed(long value) {
        this.seed = value;
        return this;
    }

    /** Appends a phase to the timeline. */
    public ScenarioBuilder then(Phase phase) {
        phases.add(Objects.requireNonNull(phase, "phase cannot be null"));
        return this;
    }

    /** Appends an open-ended phase (normal answers for the rest of the run). */
    public ScenarioBuilder then(Chaos.PhaseStart phase) {
        return then(phase.build());
    }

    public ScenarioBuilder expect(Expectation expectation) {
        this.expect = Objects.requireNonNull(expectation, "expectation cannot be null");
        return this;
    }

    public ScenarioBuilder tag(String... more) {
        tags.addAll(List.of(more));
        return this;
    }

    /**
     * When time starts for the phases (default {@link Scenario.Clock#CLIENT}: at the client's first generation
     * request); {@link Scenario.Clock#SCENARIO} starts it when the scenario starts playing.
     */
    public ScenarioBuilder clock(Scenario.Clock startsAt) {
        this.clock = Objects.requireNonNull(startsAt, "clock cannot be null");
        return this;
    }

    /** The users the scenario needs at once (see {@link Crowd}); none by default: one user's action. */
    public ScenarioBuilder crowd(Crowd users) {
        this.crowd = users;
        return this;
    }

    public Scenario build() {
        return new Scenario(name, description, situation, seed, phases, expect, tags, clock, crowd);
    }
}
