package dev.chaosgate.scenario;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A named failure story a gateway plays to a client: a timeline of {@link Phase phases} and what a
 * good client does ({@link Expectation}). Immutable; the same model behind the Java DSL
 * ({@link Chaos}) and the YAML files ({@link ScenarioLoader}). Imports no server type.
 *
 * @param name        lower-case words joined by dashes, e.g. {@code bad-gateway-burst}
 * @param description one line: what the gateway does
 * @param situation   the real-world situation it stands for
 * @param seed        seed of every random draw while it plays (fault probabilities, toxicity, fixture values)
 * @param tags        free labels for selecting scenarios ({@code stream}, {@code must-not-retry}, ...)
 * @param clock       when time starts for the phases: durations, flapping cycles, outages and rate-limit windows
 * @param crowd       the users it needs at once ({@link Crowd}), or null for one user's action
 */
public record Scenario(String name, String description, String situation, long seed, List<Phase> phases,
                       Expectation expect, Set<String> tags, Clock clock, Crowd crowd) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    /**
     * When a scenario's time starts. The default, {@link #CLIENT}, makes a verdict independent of how long
     * the client takes to start: a JVM that needs two seconds meets the same first phase as a shell script.
     */
    public enum Clock {
        /**
         * At the action's first generation request ({@code POST /v1/chat/completions} or {@code /v1/responses}),
         * seen by the link or the upstream, whichever first; a model list or health check before it does not
         * start it. Until then the first phase is in force.
         */
        CLIENT("client"),
        /** When the scenario starts playing (the wall clock), whatever the client does meanwhile. */
        SCENARIO("scenario");

        private final String yamlName;

        Clock(String yamlName) {
            this.yamlName = yamlName;
        }

        /** As written in a scenario file's {@code clock:}. */
        public String yamlName() {
            return yamlName;
        }
    }

    /** A scenario for one user's action. */
    public Scenario(String name, String description, String situation, long seed, List<Phase> phases,
                    Expectation expect, Set<String> tags, Clock clock) {
        this(name, description, situation, seed, phases, expect, tags, clock, null);
    }

    /** A scenario whose time starts at the client's first generation request ({@link Clock#CLIENT}). */
    public Scenario(String name, String description, String situation, long seed, List<Phase> phases,
                    Expectation expect, Set<String> tags) {
        this(name, description, situation, seed, phases, expect, tags, Clock.CLIENT);
    }

    public Scenario {
        Objects.requireNonNull(clock, "clock cannot be null");
        Objects.requireNonNull(name, "name cannot be null");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("scenario name must be lower-case words joined by dashes, like 'bad-gateway-burst', got '" + name + "'");
        }
        description = description == null ? "" : description;
        situation = situation == null ? "" : situation;
        Objects.requireNonNull(expect, "expect cannot be null");
        phases = List.copyOf(phases);
        if (phases.isEmpty()) {
            throw new IllegalArgumentException("scenario '" + name + "' needs at least one phase");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < phases.size(); i++) {
            Phase phase = phases.get(i);
            if (!names.add(phase.name())) {
                throw new IllegalArgumentException("scenario '" + name + "' has two phases named '" + phase.name() + "'");
            }
            if (phase.openEnded() && i < phases.size() - 1) {
                throw new IllegalArgumentException("phase '" + phase.name() + "' of scenario '" + name
                        + "' has no requests or duration, so the phases after it would never start; only the last phase may be open-ended");
            }
        }
        tags = Set.copyOf(tags);
    }

    /** This scenario with its random choices drawn from {@code newSeed}. */
    /** Whether a phase breaks TLS ({@link Phase#tls()}): such a scenario needs a gateway serving HTTPS. */
    public boolean breaksTls() {
        return phases.stream().anyMatch(phase -> phase.tls() != null);
    }

    public Scenario withSeed(long newSeed) {
        return new Scenario(name, description, situation, newSeed, phases, expect, tags, clock, crowd);
    }

    /** This scenario with its time starting as {@code newClock} says. */
    public Scenario withClock(Clock newClock) {
        return new Scenario(name, description, situation, seed, phases, expect, tags, newClock, crowd);
    }

    /** This scenario played by {@code newCrowd} (null: one user's action). */
    public Scenario withCrowd(Crowd newCrowd) {
        return new Scenario(name, description, situation, seed, phases, expect, tags, clock, newCrowd);
    }
}
