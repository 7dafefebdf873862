package dev.chaosgate.scenario.syntax;

import dev.chaosgate.upstream.UpstreamFault;

/** {@code probability: 0.3} with {@code fault:}: {@link UpstreamFault.WithProbability}. */
final class ProbabilityForm implements FaultForm {
    static final Key<Double> PROBABILITY = Key.number("probability", 0, 1, "A probability is a fraction of requests: 0.3 means 30%",
            "The share of requests that get `fault`, drawn from the scenario's seed: 0.3 is 30%.");
    static final Key<UpstreamFault> FAULT = FaultForms.nested("The fault those requests get.");
    private static final ObjectSyntax SYNTAX = ObjectSyntax.of("A fault for a seeded share of the requests.", PROBABILITY, FAULT)
            .requiring("probability", "fault");

    @Override
    public String kind() {
        return "probability";
    }

    @Override
    public ObjectSyntax syntax() {
        return SYNTAX;
    }

    @Override
    public UpstreamFault read(Fields fields) {
        double probability = fields.require(PROBABILITY);
        return new UpstreamFault.WithProbability(probability, fields.require(FAULT));
    }
}
