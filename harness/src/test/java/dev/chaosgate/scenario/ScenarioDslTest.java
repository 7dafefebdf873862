package dev.chaosgate.scenario;

import dev.chaosgate.link.ToxicStream;
import dev.chaosgate.upstream.Faults;
import dev.chaosgate.upstream.RetryAfter;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Java DSL and the YAML form build one model: equal records. Also the rules the model itself
 * enforces, whichever way it is built. docs/scenarios.md quotes the marked regions of this file.
 */
class ScenarioDslTest {
    private final ScenarioLoader loader = ScenarioLoader.standard();

    @Test
    void anInlineScenarioInJavaEqualsTheSameInYaml() {
        // docs:begin dsl-example
        Scenario maintenance = Chaos.scenario("checkout-maintenance")
                .describedAs("Two 503 pages with Retry-After 2, then normal answers.")
                .situation("The payment team's gateway is in a maintenance window.")
                .seed(7)
                .tag("503", "retry-after")
                .then(Chaos.phase("maintenance").forRequests(2)
                        .serving(Faults.status(503).withFixture("nginx/503").withRetryAfter(RetryAfter.seconds(2))))
                .then(Chaos.phase("slow-link").lasting(Duration.ofSeconds(10))
                        .withToxic(LinkToxic.latency(300)))
                .then(Chaos.phase("back"))
                .expect(Chaos.recovers().withMaxAttempts(4).withMinBackoff(Duration.ofMillis(250)))
                .build();
        // docs:end dsl-example

        String yaml = """
                # docs:begin yaml-example
                name: checkout-maintenance
                description: Two 503 pages with Retry-After 2, then normal answers.
                situation: The payment team's gateway is in a maintenance window.
                seed: 7
                tags: [503, retry-after]
                phases:
                  - name: maintenance
                    requests: 2
                    upstream:
                      status: 503
                      fixture: nginx/503
                      retryAfter: 2
                  - name: slow-link
                    duration: 10s
                    link:
                      - type: latency
                        attributes:
                          latency: 300
                  - name: back
                expect:
                  maxAttempts: 4
                  minBackoff: 250ms
                # docs:end yaml-example
                """;

        assertThat(loader.parse(yaml, "checkout-maintenance.yaml")).isEqualTo(maintenance);
    }

    @Test
    void theBurstOfTheCatalogInJava() {
        Scenario yaml = ScenarioCatalog.builtIn().get("bad-gateway-burst");
        // docs:begin dsl-burst
        Scenario burst = Chaos.scenario("bad-gateway-burst")
                .describedAs(yaml.description())
                .situation(yaml.situation())
                .seed(2)
                .tag("5xx", "502", "cloudflare", "html")
                .then(Chaos.phase("burst").forRequests(2).serving(Faults.badGateway()))
                .then(Chaos.phase("recovered"))
                .expect(Chaos.recovers().withMaxAttempts(3))
                .build();
        // docs:end dsl-burst

        assertThat(burst).isEqualTo(yaml);
    }

    @Test
    void theBlackHoleAndTheQuotaOfTheCatalogInJava() {
        Scenario blackHoleYaml = ScenarioCatalog.builtIn().get("black-hole-timeout");
        Scenario blackHole = Chaos.scenario("black-hole-timeout")
                .describedAs(blackHoleYaml.description())
                .situation(blackHoleYaml.situation())
                .seed(27)
                .tag("link", "timeout", "connection", "gives-up")
                .then(Chaos.phase("black-hole").build().withToxic(LinkToxic.blackHole()))
                .expect(Chaos.recovers().withGuidance("connection_failure").withOutcome(Expectation.Outcome.GIVES_UP)
                        .withMaxAttempts(2).withUserWaitsAtMost(Duration.ofSeconds(60)))
                .build();
        assertThat(blackHole).isEqualTo(blackHoleYaml);

        Scenario quotaYaml = ScenarioCatalog.builtIn().get("quota-exhausted");
        Scenario quota = Chaos.scenario("quota-exhausted")
                .describedAs(quotaYaml.description())
                .situation(quotaYaml.situation())
                .seed(13)
                .tag("4xx", "429", "openai", "json", "must-not-retry", "gives-up")
                .then(Chaos.phase("no-credit").serving(Faults.quotaExhausted()))
                .expect(Chaos.stopsWith("quota_exhausted"))
                .build();
        assertThat(quota).isEqualTo(quotaYaml);
    }

    @Test
    void retryAfterHugeAcceptsTwoGoodBehavioursInJavaAndYaml() {
        Expectation yaml = ScenarioCatalog.builtIn().get("retry-after-huge").expect();
        Expectation java = Chaos.anyOf(
                Chaos.recovers().withMaxAttempts(3).withHonourRetryAfter(false).withUserWaitsAtMost(Duration.ofSeconds(60)),
                Chaos.stopsWith("unavailable"));
        assertThat(yaml).isEqualTo(java);
        assertThat(yaml.alternatives()).hasSize(2);
        // The record's own components are the first alternative's, so code reading expect().retry() sees a sound value.
        assertThat(yaml.retry()).isTrue();
        assertThat(Chaos.recovers().alternatives()).containsExactly(Chaos.recovers());
    }

    @Test
    void alternativesAreCheckedWhereTheyAreMade() {
        assertThatThrownBy(() -> new Expectation(Expectation.Outcome.SUCCEEDS, true, 4, Duration.ofMillis(100), true, null, true,
                null, List.of(Chaos.recovers())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least two alternatives");
        Expectation both = Chaos.anyOf(Chaos.recovers(), Chaos.stopsWith("unavailable"));
        assertThatThrownBy(() -> Chaos.anyOf(both, Chaos.recovers()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot have alternatives itself");
        assertThatThrownBy(() -> both.withMaxAttempts(2))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("change an alternative");
        assertThatThrownBy(() -> Chaos.recovers().withUserWaitsAtMost(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("userWaitsAtMost must be more than 0");
    }

    @Test
    void defaultsAreTheSameInJavaAndYaml() {
        Scenario yaml = loader.parse("name: bare\nphases:\n  - name: only\n", "bare.yaml");
        Scenario java = Chaos.scenario("bare").then(Chaos.phase("only")).build();
        assertThat(java).isEqualTo(yaml);
        assertThat(java.seed()).isEqualTo(1);
        assertThat(java.clock()).as("time starts at the client's first generation request unless asked otherwise")
                .isEqualTo(Scenario.Clock.CLIENT);
        assertThat(java.expect()).isEqualTo(Expectation.recovers());
        assertThat(java.expect()).isEqualTo(new Expectation(Expectation.Outcome.SUCCEEDS, true, 4, Duration.ofMillis(100), true, null, true));

        Scenario noRetryYaml = loader.parse("name: no-retry\nphases:\n  - name: only\nexpect:\n  retry: false\n", "no-retry.yaml");
        assertThat(noRetryYaml.expect()).isEqualTo(Chaos.recovers().withRetry(false));
        assertThat(noRetryYaml.expect().maxAttempts()).isEqualTo(1);
        assertThat(noRetryYaml.expect().minBackoff()).isZero();
        assertThat(Chaos.stopsWith("access_denied")).isEqualTo(Chaos.recovers().withRetry(false)
                .withGuidance("access_denied").withOutcome(Expectation.Outcome.GIVES_UP));
    }

    @Test
    void aScenarioAsksForTheWallClockTheSameWayInJavaAndYaml() {
        Scenario yaml = loader.parse("name: wall\nclock: scenario\nphases:\n  - name: only\n", "wall.yaml");
        Scenario java = Chaos.scenario("wall").clock(Scenario.Clock.SCENARIO).then(Chaos.phase("only")).build();
        assertThat(yaml.clock()).isEqualTo(Scenario.Clock.SCENARIO);
        assertThat(java).isEqualTo(yaml);
        assertThat(loader.parse("name: client\nclock: client\nphases:\n  - name: only\n", "client.yaml").clock())
                .isEqualTo(Scenario.Clock.CLIENT);
        assertThat(java.withSeed(5).clock()).as("a new seed keeps the clock").isEqualTo(Scenario.Clock.SCENARIO);
        assertThat(java.withClock(Scenario.Clock.CLIENT)).isEqualTo(Chaos.scenario("wall").then(Chaos.phase("only")).build());
        assertThatThrownBy(() -> Chaos.scenario("wall").clock(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("clock cannot be null");
    }

    @Test
    void toxicsGetTheirDefaultNamesInBothForms() {
        Scenario yaml = loader.parse("""
                name: toxics
                phases:
                  - name: bad-link
                    link:
                      - type: reset_peer
                        stream: upstream
                        attributes: {timeout: 0}
                      - type: bandwidth
                        toxicity: 0.5
                        attributes: {rate: 10}
                """, "toxics.yaml");
        Phase java = Chaos.phase("bad-link").build()
                .withToxic(LinkToxic.resetPeer())
                .withToxic(LinkToxic.bandwidth(10).withToxicity(0.5f));
        assertThat(yaml.phases()).containsExactly(java);
        assertThat(java.link()).extracting(LinkToxic::name).containsExactly("reset_peer_upstream", "bandwidth_downstream");
        assertThat(java.link().get(0).stream()).isEqualTo(ToxicStream.UPSTREAM);
    }

    // ---- the model's own rules ----

    @Test
    void aScenarioNeedsAValidNameAndAtLeastOnePhase() {
        assertThatThrownBy(() -> Chaos.scenario("Bad_Name").then(Chaos.phase("p")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("scenario name must be lower-case words joined by dashes, like 'bad-gateway-burst', got 'Bad_Name'");
        assertThatThrownBy(() -> Chaos.scenario("empty").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("scenario 'empty' needs at least one phase");
    }

    @Test
    void phasesAreUniqueAndOnlyTheLastIsOpenEnded() {
        assertThatThrownBy(() -> Chaos.scenario("twice").then(Chaos.phase("p").forRequests(1)).then(Chaos.phase("p")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("scenario 'twice' has two phases named 'p'");
        assertThatThrownBy(() -> Chaos.scenario("stuck").then(Chaos.phase("down").serving(Faults.badGateway())).then(Chaos.phase("up")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("phase 'down' of scenario 'stuck' has no requests or duration, so the phases after it would never start; only the last phase may be open-ended");
    }

    @Test
    void aPhaseLastsAtLeastOneRequestOrSomeTimeButNotBoth() {
        assertThatThrownBy(() -> Chaos.phase("p").forRequests(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("phase 'p' must last at least 1 request, got 0");
        assertThatThrownBy(() -> Chaos.phase("p").lasting(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("phase 'p' must last more than 0, got PT0S");
        assertThatThrownBy(() -> new Phase("p", 1, Duration.ofSeconds(1), null, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("phase 'p' sets both requests and duration; a phase lasts one or the other");
        assertThatThrownBy(() -> Chaos.phase("p").build().withToxic(LinkToxic.latency(1)).withToxic(LinkToxic.latency(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("phase 'p' has two link toxics named 'latency_downstream'");
        assertThatThrownBy(() -> LinkToxic.of("latency", ToxicStream.DOWNSTREAM, Map.of()).withToxicity(1.5f))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("toxicity must be in 0..1, got 1.5");
    }

    @Test
    void anExpectationIsConsistent() {
        assertThatThrownBy(() -> new Expectation(Expectation.Outcome.SUCCEEDS, false, 3, Duration.ZERO, true, null, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a client that must not retry has exactly 1 attempt, got maxAttempts 3");
        assertThatThrownBy(() -> Chaos.recovers().withOutcome(Expectation.Outcome.GIVES_UP))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a scenario where the client gives up must name the guidance class the user gets");
        assertThatThrownBy(() -> Chaos.recovers().withMaxAttempts(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxAttempts must be >= 1, got 0");
        assertThatThrownBy(() -> Chaos.recovers().withMinBackoff(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("minBackoff must be >= 0, got PT-0.001S");
        assertThat(Chaos.recovers().withRetry(false).maxAttempts()).isEqualTo(1);
    }

    @Test
    void theModelIsImmutable() {
        Scenario scenario = ScenarioCatalog.builtIn().get("bad-gateway-burst");
        assertThatThrownBy(() -> scenario.phases().add(Phase.rest("more"))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> scenario.tags().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }
}
