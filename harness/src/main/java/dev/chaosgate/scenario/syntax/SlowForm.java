package dev.chaosgate.scenario.syntax;

import dev.chaosgate.upstream.UpstreamFault;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** {@code slow: 3s}: {@link UpstreamFault.SlowAnswer}. */
final class SlowForm implements FaultForm {
    static final Key<Duration> SLOW = Key.duration("slow", "A normal answer whose first byte waits this long.");
    private static final ObjectSyntax SYNTAX = ObjectSyntax.of("A slow first byte.", SLOW).requiring("slow");

    @Override
    public String kind() {
        return "slow";
    }

    @Override
    public ObjectSyntax syntax() {
        return SYNTAX;
    }

    @Override
    public UpstreamFault read(Fields fields) {
        return new UpstreamFault.SlowAnswer(fields.require(SLOW));
    }

    @Override
    public Optional<Map<String, Object>> write(UpstreamFault fault) {
        return fault instanceof UpstreamFault.SlowAnswer slow ? Optional.of(Map.of("slow", FaultForm.written(slow.delay()))) : Optional.empty();
    }
}
