package dev.chaosgate.scenario;

import dev.chaosgate.link.tls.TlsFault;
import dev.chaosgate.upstream.UpstreamFault;

import java.time.Duration;

/**
 * The one entry point of the scenario DSL:
 *
 * <pre>{@code
 * Scenario burst = Chaos.scenario("bad-gateway-burst")
 *         .describedAs("Three Cloudflare 502 pages, then the API answers again")
 *         .then(Chaos.phase("burst").forRequests(3).serving(Faults.badGateway()))
 *         .then(Chaos.phase("recovered"))
 *         .expect(Chaos.recovers().withMaxAttempts(5))
 *         .build();
 * }</pre>
 *
 * The same scenarios load from YAML with {@link ScenarioLoader}.
 */
public final class Chaos {
    private Chaos() {
    }

    public static ScenarioBuilder scenario(String name) {
        return new ScenarioBuilder(name);
    }

    /** An open-ended phase named {@code name}; bound it with {@link PhaseStart#forRequests} or {@link PhaseStart#lasting}. */
    public static PhaseStart phase(String name) {
        return new PhaseStart(name);
    }

    /** A good client retries and gets an answer. */
    public static Expectation recovers() {
        return Expectation.recovers();
    }

    /** A good client does not retry and shows the guidance of {@code guidanceClass}. */
    public static Expectation stopsWith(String guidanceClass) {
        return Expectation.stopsWith(guidanceClass);
    }

    /** A scenario that accepts any of several good behaviours (see {@link Expectation#anyOf}). */
    public static Expectation anyOf(Expectation first, Expectation... more) {
        return Expectation.anyOf(first, more);
    }

    /** A phase being named; it is already an open-ended {@link Phase} via {@link #build()}. */
    public static final class PhaseStart {
        private final String name;

        private PhaseStart(String name) {
            this.name = name;
        }

        public Phase forRequests(int count) {
            return Phase.requests(name, count);
        }

        public Phase lasting(Duration duration) {
            return Phase.lasting(name, duration);
        }

        /** The rest of the run, serving {@code fault}. */
        public Phase serving(UpstreamFault fault) {
            return Phase.rest(name).serving(fault);
        }

        /** The rest of the run, breaking the TLS of every connection as {@code fault} says (the gateway serves HTTPS). */
        public Phase breakingTls(TlsFault fault) {
            return Phase.rest(name).withTls(fault);
        }

        public Phase build() {
            return Phase.rest(name);
        }
    }
}
