package dev.chaosgate.verdict.clients;

import dev.chaosgate.cli.bundled.WellBehavedClient;
import dev.chaosgate.fixtures.FailureClass;
import dev.chaosgate.fixtures.GuidanceCatalog;
import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.scenario.Chaos;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.testsupport.ParallelSafe;
import dev.chaosgate.upstream.Faults;
import dev.chaosgate.upstream.StreamPacing;
import dev.chaosgate.upstream.UpstreamExchange;
import dev.chaosgate.verdict.ClientReport;
import dev.chaosgate.cli.bundled.WellBehavedClient.Timeouts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The raw behaviour of the reference clients against a real {@link ChaosGateway}: attempts, gaps between
 * them, prompts sent, what was shown and the draft. Not verdicts: those are judged elsewhere from the same runs.
 * The gaps asserted here are lower bounds or have a second of margin; the no-backoff client's retries at once are
 * checked apart, in {@link NoBackoffClientTest}, with the cores to itself.
 */
@ParallelSafe
class ReferenceClientsTest {

    private static final String PROMPT = "Summarise the causes of a 502 Bad Gateway in two sentences.";
    private static final ScenarioCatalog CATALOG = ScenarioCatalog.builtIn();
    private static final GuidanceCatalog GUIDANCE = GuidanceCatalog.builtIn();
    /** Short timeouts for the scenarios that wait on a timeout (none of these runs needs the 12 s default). */
    private static final Timeouts SHORT = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(1));

    record Run(ClientReport report, List<UpstreamExchange> exchanges, long connections) {
        List<Duration> gaps() {
            List<Duration> gaps = new ArrayList<>();
            for (int i = 1; i < exchanges.size(); i++) {
                gaps.add(Duration.between(exchanges.get(i - 1).arrived(), exchanges.get(i).arrived()));
            }
            return gaps;
        }

        List<String> prompts() {
            return exchanges.stream().map(UpstreamExchange::prompt).toList();
        }

        String lastShown() {
            List<String> shown = report.shown();
            return shown.isEmpty() ? "" : shown.get(shown.size() - 1);
        }
    }

    static Run run(ReferenceClient client, String scenario, boolean stream) {
        return run(client, CATALOG.get(scenario), stream);
    }

    private static Run run(ReferenceClient client, Scenario scenario, boolean stream) {
        try (ChaosGateway gateway = ChaosGateway.builder().scenario(scenario).pacing(StreamPacing.immediate()).start()) {
            ClientReport report = client.ask(gateway.baseUrl(), PROMPT, stream);
            return new Run(report, gateway.exchanges(), gateway.linkCounters().connectionsAccepted());
        }
    }

    private static boolean passes(FailureClass cls, String shown) {
        return GUIDANCE.entry(cls).judge(shown).passed();
    }

    static void assertAnswered(Run run) {
        assertThat(run.report().shown()).hasSize(1);
        assertThat(run.report().shown().get(0)).isNotBlank().doesNotContain("<", "{");
        assertThat(run.report().draft()).isEmpty();
    }

    private static void assertGaveUp(Run run, FailureClass cls) {
        assertThat(passes(cls, run.lastShown())).as("%s passes %s", run.lastShown(), cls.name()).isTrue();
        assertThat(run.report().draft()).isEqualTo(PROMPT);
    }

    // ---- the well-behaved client

    @Test
    void wellBehavedRetriesABurstOfBadGatewaysWithGrowingBackoffAndSucceeds() {
        Run run = run(new WellBehavedReference(), "bad-gateway-burst", false);
        assertThat(run.exchanges()).hasSize(3);
        assertThat(run.exchanges().get(2).fault()).isNull();
        assertThat(run.gaps().get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
        assertThat(run.gaps().get(1)).isGreaterThan(run.gaps().get(0));
        assertThat(run.prompts()).containsOnly(PROMPT);
        assertThat(run.exchanges().get(0).requestHeaders().get("idempotency-key"))
                .isEqualTo(run.exchanges().get(2).requestHeaders().get("idempotency-key"));
        assertAnswered(run);
    }

    @Test
    void wellBehavedStopsAtOnceOnNonRetryableFailures() {
        Run blocked = run(new WellBehavedReference(), "access-denied-1020", false);
        assertThat(blocked.exchanges()).hasSize(1);
        assertGaveUp(blocked, FailureClass.ACCESS_DENIED);
        assertThat(blocked.lastShown()).contains("1020", "Ray ID");

        Run quota = run(new WellBehavedReference(), "quota-exhausted", false);
        assertThat(quota.exchanges()).hasSize(1);
        assertGaveUp(quota, FailureClass.QUOTA_EXHAUSTED);

        Run tooLarge = run(new WellBehavedReference(), "request-too-large", false);
        assertThat(tooLarge.exchanges()).hasSize(1);
        assertGaveUp(tooLarge, FailureClass.REQUEST_TOO_LARGE);

        Run shouldNot = run(new WellBehavedReference(), "should-retry-false", false);
        assertThat(shouldNot.exchanges()).hasSize(1);
        assertGaveUp(shouldNot, FailureClass.UNAVAILABLE);

        Run key = run(new WellBehavedReference(), "invalid-api-key", false);
        assertThat(key.exchanges()).hasSize(1);
        assertGaveUp(key, FailureClass.AUTHENTICATION_FAILED);
    }

    @Test
    void wellBehavedWaitsAtLeastRetryAfter() {
        Run run = run(new WellBehavedReference(), "service-unavailable-maintenance", false);
        assertThat(run.exchanges()).hasSize(2);
        assertThat(run.gaps().get(0)).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        assertAnswered(run);
    }

    @Test
    void wellBehavedWaitsAtLeastRetryAfterMs() {
        Scenario scenario = Chaos.scenario("retry-after-ms-short")
                .then(Chaos.phase("limited").forRequests(1)
                        .serving(Faults.status(503).withFixture("openai/503-overloaded").withRetryAfterMs(1500)))
                .then(Chaos.phase("ok"))
                .build();
        Run run = run(new WellBehavedReference(), scenario, false);
        assertThat(run.exchanges()).hasSize(2);
        assertThat(run.gaps().get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(1500)).isLessThan(Duration.ofMillis(2500));
        assertAnswered(run);
    }

    @Test
    void wellBehavedFallsBackToItsBackoffOnUnusableRetryAfter() {
        Run huge = run(new WellBehavedReference(), "retry-after-huge", false);
        assertThat(huge.exchanges()).hasSize(2);
        assertThat(huge.gaps().get(0)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(2));
        assertAnswered(huge);

        Run past = run(new WellBehavedReference(), "retry-after-past", false);
        assertThat(past.exchanges()).hasSize(2);
        assertThat(past.gaps().get(0)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(2));
        assertAnswered(past);

        Run garbage = run(new WellBehavedReference(), "retry-after-garbage", false);
        assertThat(garbage.exchanges()).hasSize(2);
        assertAnswered(garbage);
    }

    @Test
    void wellBehavedGivesUpAfterThreeAttemptsKeepingTheDraft() {
        Run run = run(new WellBehavedReference(), "full-outage", false);
        assertThat(run.exchanges()).hasSize(WellBehavedClient.MAX_ATTEMPTS);
        assertThat(run.gaps()).allSatisfy(gap -> assertThat(gap).isGreaterThanOrEqualTo(Duration.ofMillis(500)));
        assertThat(run.report().shown()).hasSize(1);
        assertGaveUp(run, FailureClass.BAD_GATEWAY);
    }

    @Test
    void wellBehavedRetriesResetsBeforeAnyResponse() {
        Run run = run(new WellBehavedReference(), "connection-reset", false);
        assertThat(run.exchanges()).hasSize(3);
        assertAnswered(run);
    }

    @Test
    void wellBehavedRetriesATimeoutOnlyOnce() {
        Run once = run(new WellBehavedReference(), "gateway-timeout-504", false);
        assertThat(once.exchanges()).hasSize(2);
        assertAnswered(once);

        Scenario thrice = Chaos.scenario("gateway-timeout-thrice")
                .then(Chaos.phase("timed-out").forRequests(3).serving(Faults.gatewayTimeout()))
                .then(Chaos.phase("ok"))
                .build();
        Run twice = run(new WellBehavedReference(), thrice, false);
        assertThat(twice.exchanges()).hasSize(2);
        assertGaveUp(twice, FailureClass.GATEWAY_TIMEOUT);

        Run hung = run(new WellBehavedReference(SHORT), "origin-hangs-once", false);
        assertThat(hung.exchanges()).hasSize(2);
        assertAnswered(hung);

        Run blackHole = run(new WellBehavedReference(SHORT), "black-hole-timeout", false);
        assertThat(blackHole.connections()).isEqualTo(2);
        assertGaveUp(blackHole, FailureClass.CONNECTION_FAILURE);
    }

    @Test
    void wellBehavedWaitsForASlowFirstByteWithoutRetrying() {
        Scenario slow = Chaos.scenario("slow-first-byte-short")
                .then(Chaos.phase("slow").forRequests(1).serving(Faults.slowAnswer(Duration.ofMillis(1500))))
                .then(Chaos.phase("quick"))
                .build();
        Run run = run(new WellBehavedReference(new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(1))),
                slow, false);
        assertThat(run.exchanges()).hasSize(1);
        assertAnswered(run);
    }

    @Test
    void wellBehavedStreamsAndMarksCutStreamsWithoutReplaying() {
        Run complete = run(new WellBehavedReference(), "bad-gateway-single", true);
        assertThat(complete.exchanges()).hasSize(2);
        assertAnswered(complete);
        String fullAnswer = complete.report().shown().get(0);

        for (String scenario : List.of("stream-cut-mid-answer", "stream-error-event", "stream-reset-mid-answer")) {
            Run cut = run(new WellBehavedReference(), scenario, true);
            assertThat(cut.exchanges()).as(scenario).hasSize(1);
            assertThat(cut.report().shown()).as(scenario).hasSize(2);
            assertThat(fullAnswer).as(scenario).startsWith(cut.report().shown().get(0));
            assertThat(cut.report().shown().get(0)).as(scenario).isNotEmpty().isNotEqualTo(fullAnswer);
            assertGaveUp(cut, FailureClass.STREAM_INTERRUPTED);
        }

        Run stall = run(new WellBehavedReference(SHORT), "stream-stall", true);
        assertThat(stall.exchanges()).hasSize(1);
        assertGaveUp(stall, FailureClass.STREAM_INTERRUPTED);
    }

    // ---- every client, where no bug can show

    static Stream<ReferenceClient> clients() {
        return ReferenceClients.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clients")
    void everyClientAnswersWhenNothingFails(ReferenceClient client) {
        Scenario calm = Chaos.scenario("calm").then(Chaos.phase("ok")).build();
        for (boolean stream : new boolean[] {false, true}) {
            Run run = run(client, calm, stream);
            assertThat(run.exchanges()).hasSize(1);
            assertThat(run.prompts()).containsExactly(PROMPT);
            assertAnswered(run);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clients")
    void everyClientButNoRetryRecoversFromOneBadGateway(ReferenceClient client) {
        Run run = run(client, "bad-gateway-single", false);
        if (client instanceof NoRetryClient) {
            assertThat(run.exchanges()).hasSize(1);
            assertGaveUp(run, FailureClass.BAD_GATEWAY);
            return;
        }
        assertThat(run.exchanges()).hasSize(2);
        assertAnswered(run);
    }

    @Test
    void allHoldsTheWellBehavedClientFirstAndTenFlawedOnes() {
        List<ReferenceClient> all = ReferenceClients.all();
        assertThat(all.get(0)).isExactlyInstanceOf(WellBehavedReference.class);
        assertThat(all).hasSize(11);
        assertThat(all.stream().map(ReferenceClient::name).distinct()).hasSize(11);
    }

    // ---- each flawed variant shows its one bug

    @Test
    void noRetryGivesUpAfterOneAttemptButKeepsEverythingElse() {
        Run run = run(new NoRetryClient(), "bad-gateway-burst", false);
        assertThat(run.exchanges()).hasSize(1);
        assertGaveUp(run, FailureClass.BAD_GATEWAY);
    }

    @Test
    void retriesEverythingRetriesA1020AndShouldRetryFalse() {
        Run blocked = run(new RetriesEverythingClient(), "access-denied-1020", false);
        assertThat(blocked.exchanges()).hasSize(WellBehavedClient.MAX_ATTEMPTS);
        assertGaveUp(blocked, FailureClass.ACCESS_DENIED);

        Run shouldNot = run(new RetriesEverythingClient(), "should-retry-false", false);
        assertThat(shouldNot.exchanges()).hasSize(WellBehavedClient.MAX_ATTEMPTS);
    }

    @Test
    void ignoresRetryAfterRetriesBeforeTheServerAllows() {
        Run run = run(new IgnoresRetryAfterClient(), "service-unavailable-maintenance", false);
        assertThat(run.exchanges()).hasSize(2);
        assertThat(run.gaps().get(0)).isLessThan(Duration.ofSeconds(2));
        assertAnswered(run);
    }

    @Test
    void retryStormMakesTenAttempts() {
        Run run = run(new RetryStormClient(), "full-outage", false);
        assertThat(run.exchanges()).hasSize(RetryStormClient.STORM_ATTEMPTS);
        assertThat(run.gaps()).allSatisfy(gap -> assertThat(gap).isGreaterThanOrEqualTo(Duration.ofMillis(250)));
        assertGaveUp(run, FailureClass.BAD_GATEWAY);
    }

    @Test
    void rewritesPromptSendsAnotherPromptOnTheRetry() {
        Run run = run(new RewritesPromptClient(), "bad-gateway-single", false);
        assertThat(run.prompts()).containsExactly(PROMPT, RewritesPromptClient.PREFIX + PROMPT);
        assertThat(run.report().prompt()).isEqualTo(PROMPT);
        assertAnswered(run);
    }

    @Test
    void clearsDraftLosesThePromptOnFailure() {
        Run run = run(new ClearsDraftClient(), "full-outage", false);
        assertThat(run.exchanges()).hasSize(WellBehavedClient.MAX_ATTEMPTS);
        assertThat(passes(FailureClass.BAD_GATEWAY, run.lastShown())).isTrue();
        assertThat(run.report().draft()).isEmpty();
    }

    @Test
    void rawErrorShowsTheHtmlPage() {
        Run run = run(new RawErrorClient(), "access-denied-1020", false);
        assertThat(run.exchanges()).hasSize(1);
        assertThat(run.lastShown()).containsIgnoringCase("<!DOCTYPE html").contains("Access was blocked");
        assertThat(GUIDANCE.entry(FailureClass.ACCESS_DENIED).judge(run.lastShown()).saidForbidden("raw_error")).isTrue();
        assertThat(run.report().draft()).isEqualTo(PROMPT);
    }

    @Test
    void genericMessageSaysTheSameForEverything() {
        Run run = run(new GenericMessageClient(), "access-denied-1020", false);
        assertThat(run.exchanges()).hasSize(1);
        assertThat(run.report().shown()).containsExactly(GenericMessageClient.MESSAGE);
        assertThat(passes(FailureClass.ACCESS_DENIED, run.lastShown())).isFalse();
        assertThat(run.report().draft()).isEqualTo(PROMPT);
    }

    @Test
    void truncationBlindShowsACutStreamAsComplete() {
        Run run = run(new TruncationBlindClient(), "stream-cut-mid-answer", true);
        assertThat(run.exchanges()).hasSize(1);
        assertThat(run.report().shown()).hasSize(1);
        assertThat(run.report().shown().get(0)).isNotEmpty().doesNotContainIgnoringCase("interrupted");
        assertThat(run.report().draft()).isEmpty();

        Run reset = run(new TruncationBlindClient(), "stream-reset-mid-answer", true);
        assertThat(reset.report().shown()).hasSize(1);
        assertThat(reset.report().draft()).isEmpty();
    }
}
