package dev.chaosgate.scenario.syntax;

import dev.chaosgate.upstream.UpstreamFault;

import java.time.Duration;

/** {@code flapping: {down, up}} with {@code fault:}: {@link UpstreamFault.Flapping}. */
final class FlappingForm implements FaultForm {
    static final Key<Duration> DOWN = Key.duration("down", "How long `fault` is served each time.");
    static final Key<Duration> UP = Key.duration("up", "How long normal answers are served each time.");
    static final ObjectSyntax RHYTHM = ObjectSyntax.of(null, DOWN, UP).requiring("down", "up");
    static final Key<Fields> FLAPPING = Key.of("flapping", "The rhythm: `down`, then `up`, and again.", RHYTHM.schema(),
            (fields, entry) -> RHYTHM.of(fields.yaml().mapping(entry.key(), "`flapping` of " + fields.where()).orElseThrow(), fields.where()));
    static final Key<UpstreamFault> FAULT = FaultForms.nested("The fault of the down times.");
    private static final ObjectSyntax SYNTAX = ObjectSyntax.of("A fault that comes and goes.", FLAPPING, FAULT).requiring("flapping", "fault");

    @Override
    public String kind() {
        return "flapping";
    }

    @Override
    public ObjectSyntax syntax() {
        return SYNTAX;
    }

    @Override
    public UpstreamFault read(Fields fields) {
        Fields rhythm = fields.require(FLAPPING);
        return new UpstreamFault.Flapping(rhythm.require(DOWN), rhythm.require(UP), fields.require(FAULT));
    }
}
