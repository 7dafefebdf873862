package dev.chaosgate.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaosgate.console.RunningVerdict;
import dev.chaosgate.console.ServeSession;
import dev.chaosgate.fixtures.GuidanceCatalog;
import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.upstream.StreamPacing;
import dev.chaosgate.verdict.Attempt;
import dev.chaosgate.verdict.ClientReport;
import dev.chaosgate.verdict.FailureRule;
import dev.chaosgate.verdict.FindingCode;
import dev.chaosgate.verdict.Verdict;
import dev.chaosgate.verdict.VerdictEngine;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The report's colours and the judges read one failure rule ({@link FailureRule}): where the verdict says a
 * retry cannot help ({@code x-should-retry: false}, a team's catalog marking a class not retryable), the
 * timeline never draws the bar as "retrying can help", and where a retry can help it never draws "cannot".
 */
class FailureRuleAgreementTest {
    static final String PROMPT = "Summarise the incident report in three bullet points.";
    /** A team that treats 502 pages as final: not retryable. */
    static final GuidanceCatalog NO_RETRY_ON_502 = GuidanceCatalog.builtIn().withOverrides(GuidanceCatalog.parse("""
            classes:
              bad_gateway:
                extends: bad_gateway
                retryable: false
            """, "our-guidance.yaml"));

    /** A client that sends the prompt twice, 200 ms apart, whatever the first answer: a retry to judge. */
    static void askTwice(ChaosGateway gateway) throws IOException, InterruptedException {
        askTwice(gateway.baseUrl());
    }

    static void askTwice(String baseUrl) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}";
        for (int i = 0; i < 2; i++) {
            http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
                    .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            Thread.sleep(200);
        }
    }

    static Verdict judge(String scenarioName, VerdictEngine engine) throws IOException, InterruptedException {
        Scenario scenario = ScenarioCatalog.builtIn().get(scenarioName);
        try (ChaosGateway gateway = ChaosGateway.builder().pacing(StreamPacing.immediate()).scenario(scenario).start()) {
            askTwice(gateway);
            return engine.judge(scenario, gateway.exchanges(), gateway.linkCounters().connectionsAccepted(),
                    ClientReport.of(PROMPT, List.of("The service is busy; try again in a few minutes."), PROMPT));
        }
    }

    @Test
    void theShouldRetryFalse503IsDrawnNotRetryableAsTheJudgesSay() throws Exception {
        Verdict verdict = judge("should-retry-false", VerdictEngine.standard());
        Attempt first = verdict.attempts().get(0);

        assertThat(verdict.codes()).contains(FindingCode.RETRIED_NON_RETRYABLE);
        assertThat(verdict.retryable(first)).isFalse();
        assertThat(OutcomeColour.of(first, verdict.catalog())).isEqualTo(OutcomeColour.NOT_RETRYABLE);
        assertThat(TimelineSvg.render(verdict.attempts(), verdict.findings(), verdict.catalog()))
                .contains("fill=\"" + OutcomeColour.NOT_RETRYABLE.fill() + "\"")
                .doesNotContain("fill=\"" + OutcomeColour.RETRYABLE.fill() + "\"");
    }

    @Test
    void aRetried502IsDrawnRetryableAndNotJudged() throws Exception {
        Verdict verdict = judge("bad-gateway-burst", VerdictEngine.standard());
        Attempt first = verdict.attempts().get(0);

        assertThat(verdict.codes()).doesNotContain(FindingCode.RETRIED_NON_RETRYABLE);
        assertThat(verdict.retryable(first)).isTrue();
        assertThat(OutcomeColour.of(first, verdict.catalog())).isEqualTo(OutcomeColour.RETRYABLE);
    }

    @Test
    void aTeamCatalogThatMakes502FinalIsObeyedByJudgesAndColoursAlike() throws Exception {
        Verdict verdict = judge("bad-gateway-burst", VerdictEngine.withGuidance(NO_RETRY_ON_502));
        Attempt first = verdict.attempts().get(0);

        assertThat(verdict.codes()).contains(FindingCode.RETRIED_NON_RETRYABLE);
        assertThat(verdict.findings().get(0).evidence()).contains("bad_gateway is not retryable (guidance catalog)");
        assertThat(verdict.retryable(first)).isFalse();
        assertThat(FailureRule.retryable(first, GuidanceCatalog.builtIn())).as("the same attempt under the built-in catalog").isTrue();
        assertThat(OutcomeColour.of(first, verdict.catalog())).isEqualTo(OutcomeColour.NOT_RETRYABLE);
        assertThat(TimelineSvg.render(verdict.attempts(), verdict.findings(), verdict.catalog()))
                .contains("fill=\"" + OutcomeColour.NOT_RETRYABLE.fill() + "\"");
    }

    @Test
    void theConsoleVerdictReadsTheSameRule() throws Exception {
        try (ServeSession session = ServeSession.builder().scenario("should-retry-false").start()) {
            askTwice(session.baseUrl());
            RunningVerdict verdict = session.verdict();

            assertThat(verdict.findings()).extracting(f -> f.code()).contains(FindingCode.RETRIED_NON_RETRYABLE);
            assertThat(verdict.timeline()).hasSize(2);
            RunningVerdict.AttemptOutcome first = verdict.timeline().get(0);
            assertThat(first.failed()).isTrue();
            assertThat(first.retryable()).as("x-should-retry: false").isFalse();
            assertThat(first.failureClass()).isEqualTo("unavailable");
        }
    }
}
