package dev.chaosgate.console;

import dev.chaosgate.fixtures.yaml.Closest;
import dev.chaosgate.upstream.Faults;
import dev.chaosgate.upstream.RetryAfter;
import dev.chaosgate.upstream.UpstreamFault;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The faults a QA person can inject by hand ("fail the next N requests with …"), under the short
 * names the console and its admin API use. Each stands for one {@link Faults} preset.
 */
public enum ConsoleFault {
    BAD_GATEWAY("bad-gateway", "502 Bad Gateway, Cloudflare's page", Faults::badGateway),
    SERVICE_UNAVAILABLE("service-unavailable", "503 overloaded, OpenAI's JSON error", Faults::overloaded),
    GATEWAY_TIMEOUT("gateway-timeout", "504 Gateway Timeout from nginx", Faults::gatewayTimeout),
    ORIGIN_TIMEOUT_524("origin-timeout-524", "524 A timeout occurred, Cloudflare's page", Faults::originTimeout),
    RATE_LIMITED("rate-limited", "429 rate limit reached, Retry-After: 2",
            () -> Faults.rateLimited().withRetryAfter(RetryAfter.seconds(2))),
    QUOTA_EXHAUSTED("quota-exhausted", "429 insufficient_quota: retrying cannot help", Faults::quotaExhausted),
    ACCESS_DENIED_1020("access-denied-1020", "403 Cloudflare error 1020, access denied", Faults::accessDenied),
    CONNECTION_RESET("connection-reset", "TCP reset before any answer", Faults::connectionReset),
    STREAM_CUT("stream-cut", "a streamed answer stops after its second piece of text, no [DONE]", Faults::streamCut);

    private final String wireName;
    private final String description;
    private final Supplier<UpstreamFault> fault;

    ConsoleFault(String wireName, String description, Supplier<UpstreamFault> fault) {
        this.wireName = wireName;
        this.description = description;
        this.fault = fault;
    }

    /** The name the console and admin API use, e.g. {@code bad-gateway}. */
    public String wireName() {
        return wireName;
    }

    /** One line for people: status and what the answer looks like. */
    public String description() {
        return description;
    }

    public UpstreamFault fault() {
        return fault.get();
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(ConsoleFault::wireName).toList();
    }

    public static Optional<ConsoleFault> find(String wireName) {
        return Arrays.stream(values()).filter(f -> f.wireName.equals(wireName)).findFirst();
    }

    /** The fault named {@code wireName}; an unknown name is an error naming the closest one and listing them all. */
    public static ConsoleFault named(String wireName) {
        return find(wireName).orElseThrow(() -> new IllegalArgumentException("unknown fault '" + wireName + "'"
                + Closest.likelyTypo(wireName, wireNames()).map(c -> "; did you mean '" + c + "'?").orElse("")
                + " (one of " + String.join(", ", wireNames()) + ")"));
    }
}
