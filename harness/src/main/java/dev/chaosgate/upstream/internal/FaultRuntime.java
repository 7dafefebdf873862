package dev.chaosgate.upstream.internal;

import dev.chaosgate.upstream.Faults;
import dev.chaosgate.upstream.RetryAfter;
import dev.chaosgate.upstream.UpstreamFault;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The live state of one {@link UpstreamFault} (counters, windows, the seeded random source) and the
 * decision it makes for each request. Decisions are taken one request at a time, in arrival order.
 */
final class FaultRuntime {
    private final Rule root;
    private final long startNanos;
    private final SplittableRandom random;

    FaultRuntime(UpstreamFault fault, long seed, long startNanos) {
        this.startNanos = startNanos;
        this.random = new SplittableRandom(seed);
        this.root = fault == null ? facts -> Decision.NORMAL : rule(fault);
    }

    synchronized Decision decide(RequestFacts facts) {
        return root.decide(facts);
    }

    private interface Rule {
        Decision decide(RequestFacts facts);
    }

    private Rule rule(UpstreamFault fault) {
        if (fault instanceof UpstreamFault.StreamFault stream) {
            return facts -> facts.streamed() ? fire(stream) : Decision.NORMAL;
        }
        if (fault instanceof UpstreamFault.ErrorResponse
                || fault instanceof UpstreamFault.ConnectionFault
                || fault instanceof UpstreamFault.SlowAnswer) {
            Decision always = fire(fault);
            return facts -> always;
        }
        if (fault instanceof UpstreamFault.FirstRequests first) {
            Rule inner = rule(first.fault());
            int[] seen = {0};
            return facts -> ++seen[0] <= first.count() ? inner.decide(facts) : Decision.NORMAL;
        }
        if (fault instanceof UpstreamFault.WithProbability chance) {
            Rule inner = rule(chance.fault());
            return facts -> random.nextDouble() < chance.probability() ? inner.decide(facts) : Decision.NORMAL;
        }
        if (fault instanceof UpstreamFault.Outage outage) {
            Rule inner = rule(outage.fault());
            long end = startNanos + outage.duration().toNanos();
            return facts -> facts.nanos() < end ? inner.decide(facts) : Decision.NORMAL;
        }
        if (fault instanceof UpstreamFault.Flapping flapping) {
            Rule inner = rule(flapping.fault());
            long down = flapping.down().toNanos();
            long period = down + flapping.up().toNanos();
            return facts -> Math.floorMod(facts.nanos() - startNanos, period) < down ? inner.decide(facts) : Decision.NORMAL;
        }
        if (fault instanceof UpstreamFault.Overload overload) {
            Decision shed = fire(overload.shed()).relabel(overload.label());
            return facts -> facts.inFlight() > overload.maxInFlight() ? shed : Decision.NORMAL;
        }
        if (fault instanceof UpstreamFault.RateLimitWindow window) {
            return new RateLimiter(window);
        }
        if (fault instanceof UpstreamFault.FirstOf firstOf) {
            List<Rule> rules = new ArrayList<>();
            for (UpstreamFault each : firstOf.faults()) {
                rules.add(rule(each));
            }
            return facts -> {
                Map<String, String> headers = new LinkedHashMap<>();
                for (Rule each : rules) {
                    Decision decision = each.decide(facts);
                    headers.putAll(decision.headers());
                    if (decision.fires()) {
                        return decision.withHeaders(headers);
                    }
                }
                return Decision.NORMAL.withHeaders(headers);
            };
        }
        throw new IllegalArgumentException("unknown fault " + fault);
    }

    private static Decision fire(UpstreamFault fault) {
        return new Decision(fault, fault.label(), Map.of());
    }

    /** A fixed window starting when the fault was set; rejected requests do not use up the budget. */
    private final class RateLimiter implements Rule {
        private final UpstreamFault.RateLimitWindow limits;
        private final long windowNanos;
        private long windowStart = startNanos;
        private int requests;
        private int tokens;

        RateLimiter(UpstreamFault.RateLimitWindow limits) {
            this.limits = limits;
            this.windowNanos = limits.window().toNanos();
        }

        @Override
        public Decision decide(RequestFacts facts) {
            if (facts.nanos() - windowStart >= windowNanos) {
                long windows = (facts.nanos() - windowStart) / windowNanos;
                windowStart += windows * windowNanos;
                requests = 0;
                tokens = 0;
            }
            boolean requestsExceeded = limits.requests() > 0 && requests + 1 > limits.requests();
            boolean tokensExceeded = limits.tokens() > 0 && tokens + facts.tokens() > limits.tokens();
            Duration untilReset = Duration.ofNanos(windowStart + windowNanos - facts.nanos());
            if (requestsExceeded || tokensExceeded) {
                long seconds = Math.max(1, (untilReset.toMillis() + 999) / 1000);
                UpstreamFault.ErrorResponse answer = (tokensExceeded && !requestsExceeded
                        ? Faults.status(429).withFixture("openai/429-rate-limit-tokens")
                        : Faults.rateLimited())
                        .withRetryAfter(RetryAfter.seconds(seconds))
                        .withRetryAfterMs(Math.max(1, untilReset.toMillis()));
                return new Decision(answer, limits.label(), headers(untilReset));
            }
            requests++;
            tokens += facts.tokens();
            return Decision.NORMAL.withHeaders(headers(untilReset));
        }

        private Map<String, String> headers(Duration untilReset) {
            Map<String, String> headers = new LinkedHashMap<>();
            // OpenAI writes these to the millisecond at most (e.g. "6m0s", "1.2s", "20ms").
            long millis = Math.max(0, (untilReset.toNanos() + 999_999) / 1_000_000);
            String reset = GoDuration.format(Duration.ofMillis(millis));
            if (limits.requests() > 0) {
                headers.put("x-ratelimit-limit-requests", Integer.toString(limits.requests()));
                headers.put("x-ratelimit-remaining-requests", Integer.toString(Math.max(0, limits.requests() - requests)));
                headers.put("x-ratelimit-reset-requests", reset);
            }
            if (limits.tokens() > 0) {
                headers.put("x-ratelimit-limit-tokens", Integer.toString(limits.tokens()));
                headers.put("x-ratelimit-remaining-tokens", Integer.toString(Math.max(0, limits.tokens() - tokens)));
                headers.put("x-ratelimit-reset-tokens", reset);
            }
            return headers;
        }
    }
}
