package dev.chaosgate.scenario.syntax;

import dev.chaosgate.fixtures.yaml.YamlFields;
import dev.chaosgate.upstream.UpstreamFault;

import java.time.Duration;

/** {@code rateLimit: {requests, tokens, window}}: {@link UpstreamFault.RateLimitWindow}. */
final class RateLimitForm implements FaultForm {
    static final Key<Integer> REQUESTS = Key.count("requests", 0, Integer.MAX_VALUE, null, "Requests allowed per window; 0: no limit on requests.");
    static final Key<Integer> TOKENS = Key.count("tokens", 0, Integer.MAX_VALUE, null,
            "Tokens (prompt plus requested completion) allowed per window; 0: no limit on tokens.");
    static final Key<Duration> WINDOW = Key.duration("window", "The window; it starts when the phase does.");
    static final ObjectSyntax LIMITS = ObjectSyntax.of(null, REQUESTS, TOKENS, WINDOW).requiring("window")
            .rule("anyOf", Json.array(
                    Json.obj("required", Json.array("requests"), "properties", Json.obj("requests", Json.obj("minimum", 1))),
                    Json.obj("required", Json.array("tokens"), "properties", Json.obj("tokens", Json.obj("minimum", 1)))));
    static final Key<Fields> RATE_LIMIT = Key.of("rateLimit", "A rate limiter with real state: x-ratelimit-* headers count down;"
                    + " over the limit, 429 with Retry-After to the reset.", LIMITS.schema(),
            (fields, entry) -> LIMITS.of(fields.yaml().mapping(entry.key(), "`rateLimit` of " + fields.where()).orElseThrow(), fields.where()));
    private static final ObjectSyntax SYNTAX = ObjectSyntax.of(null, RATE_LIMIT).requiring("rateLimit");

    @Override
    public String kind() {
        return "rateLimit";
    }

    @Override
    public ObjectSyntax syntax() {
        return SYNTAX;
    }

    @Override
    public UpstreamFault read(Fields fields) {
        Fields limits = fields.require(RATE_LIMIT);
        int requests = limits.get(REQUESTS).orElse(0);
        int tokens = limits.get(TOKENS).orElse(0);
        if (requests == 0 && tokens == 0) {
            throw YamlFields.problem(limits.yaml().location(), "requests", "`rateLimit` of " + fields.where() + " limits nothing",
                    "Set `requests:` and/or `tokens:` above 0");
        }
        return new UpstreamFault.RateLimitWindow(requests, tokens, limits.require(WINDOW));
    }
}
