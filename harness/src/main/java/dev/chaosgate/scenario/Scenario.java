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
 */
public record Scenario(String name, String description, String situation, long seed, List<Phase> phases,
                       Expectation expect, Set<String> tags) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    public Scenario {
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
    public Scenario withSeed(long newSeed) {
        return new Scenario(name, description, situation, newSeed, phases, expect, tags);
    }
}
