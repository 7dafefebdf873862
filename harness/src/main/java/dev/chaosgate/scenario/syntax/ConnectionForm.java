package dev.chaosgate.scenario.syntax;

import dev.chaosgate.upstream.UpstreamFault;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code connection: reset}: {@link UpstreamFault.ConnectionFault}. */
final class ConnectionForm implements FaultForm {
    static final List<String> KINDS = Arrays.stream(UpstreamFault.ConnectionFault.Kind.values()).map(FaultForm::keyword).toList();
    static final Key<String> CONNECTION = Key.choice("connection", KINDS, "reset: TCP reset before any answer; empty-response: the"
            + " connection closes without an answer; malformed-chunk: a 200 with broken chunked encoding; random-data: garbage bytes, then close.");
    private static final ObjectSyntax SYNTAX = ObjectSyntax.of("A broken connection instead of an answer.", CONNECTION).requiring("connection");

    @Override
    public String kind() {
        return "connection";
    }

    @Override
    public ObjectSyntax syntax() {
        return SYNTAX;
    }

    @Override
    public UpstreamFault read(Fields fields) {
        return new UpstreamFault.ConnectionFault(FaultForm.constant(UpstreamFault.ConnectionFault.Kind.class, fields.require(CONNECTION)));
    }

    @Override
    public Optional<Map<String, Object>> write(UpstreamFault fault) {
        return fault instanceof UpstreamFault.ConnectionFault connection
                ? Optional.of(Map.of("connection", FaultForm.keyword(connection.kind()))) : Optional.empty();
    }
}
