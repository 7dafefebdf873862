package dev.chaosgate.scenario.syntax;

import dev.chaosgate.upstream.Faults;
import dev.chaosgate.upstream.RetryAfter;
import dev.chaosgate.upstream.UpstreamFault;

/** {@code overload: {maxInFlight, retryAfter}}: {@link UpstreamFault.Overload}, shedding with OpenAI's 503. */
final class OverloadForm implements FaultForm {
    static final Key<Integer> MAX_IN_FLIGHT = Key.count("maxInFlight", 0, Integer.MAX_VALUE, null,
            "Requests answered at once; one more gets 503 server_is_overloaded.");
    static final Key<RetryAfter> RETRY_AFTER = Key.retryAfter("retryAfter", "Retry-After of the 503 (default 1).");
    static final ObjectSyntax SETTINGS = ObjectSyntax.of(null, MAX_IN_FLIGHT, RETRY_AFTER).requiring("maxInFlight");
    static final Key<Fields> OVERLOAD = Key.of("overload", "Overload tied to concurrency, like an Envoy circuit breaker.", SETTINGS.schema(),
            (fields, entry) -> SETTINGS.of(fields.yaml().mapping(entry.key(), "`overload` of " + fields.where()).orElseThrow(), fields.where()));
    private static final ObjectSyntax SYNTAX = ObjectSyntax.of(null, OVERLOAD).requiring("overload");

    @Override
    public String kind() {
        return "overload";
    }

    @Override
    public ObjectSyntax syntax() {
        return SYNTAX;
    }

    @Override
    public UpstreamFault read(Fields fields) {
        Fields settings = fields.require(OVERLOAD);
        int max = settings.require(MAX_IN_FLIGHT);
        RetryAfter retryAfter = settings.get(RETRY_AFTER).orElse(RetryAfter.seconds(1));
        return new UpstreamFault.Overload(max, Faults.overloaded().withRetryAfter(retryAfter));
    }
}
