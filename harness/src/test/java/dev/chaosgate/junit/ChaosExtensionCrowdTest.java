package dev.chaosgate.junit;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.gateway.CrowdUser;
import dev.chaosgate.verdict.ClientReport;
import dev.chaosgate.verdict.CrowdVerdict;
import dev.chaosgate.verdict.FindingCode;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static dev.chaosgate.junit.ChaosTestKit.assertAllSucceeded;
import static dev.chaosgate.verdict.ChaosAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crowds in JUnit: {@code gateway.crowd().act(...)} runs a Java client for several users at once against one gateway and
 * judges each user and the crowd. The client is the real openai-java SDK (4.101.0), whose policy the expectations come
 * from: {@code RetryingHttpClient} retries 5xx twice with {@code min(0.5 * 2^(n-1), 8) s * (1 - 0.25 * random)}
 * between attempts, and when the answer asks for a wait ({@code Retry-After}) it waits exactly that, clamped to 8 s,
 * with no jitter. So a crowd of it recovers from a burst of 502s, and a crowd turned away with the same Retry-After comes
 * back together: {@code RETRIES_SYNCHRONISED}. Fixtures run through the JUnit engine.
 */
class ChaosExtensionCrowdTest {
    static final Map<String, CrowdVerdict> VERDICTS = new ConcurrentHashMap<>();

    /** The app around the SDK: one user's action, reported as the app shows it. */
    static ClientReport ask(ChaosGateway gateway, CrowdUser user) {
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey("test")
                .putHeader(CrowdUser.HEADER, user.id()).build();
        try {
            ChatCompletion answer = client.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("gpt-4o-mini").addUserMessage(user.prompt()).build());
            return ClientReport.of(user.prompt(), List.of(answer.choices().get(0).message().content().orElse("")), "");
        } catch (OpenAIServiceException e) {
            return ClientReport.of(user.prompt(), List.of("The AI service is busy or unreachable right now (error "
                    + e.statusCode() + "). Your prompt is saved — try again in a moment."), user.prompt());
        } finally {
            client.close();
        }
    }

    @ChaosTest(pacing = ChaosTest.Pacing.IMMEDIATE)
    static class CrowdTestCases {
        @Test
        @PlayScenario(file = "src/test/resources/junit/crowd-502-burst.yaml")
        void burst(ChaosGateway gateway) {
            VERDICTS.put("burst", gateway.crowd().act(user -> ask(gateway, user)));
        }

        @Test
        @PlayScenario(file = "src/test/resources/junit/crowd-overload-retry-after-2.yaml")
        void overload(ChaosGateway gateway) {
            VERDICTS.put("overload", gateway.crowd().act(user -> ask(gateway, user)));
        }

        @Test
        @PlayScenario(file = "src/test/resources/junit/crowd-502-burst.yaml")
        void identicalPrompts(ChaosGateway gateway) {
            VERDICTS.put("identical", gateway.crowd().users(4).identicalPrompts().act(user -> ask(gateway, user)));
        }
    }

    @Test
    void aCrowdOfARealSdkIsJudgedPerUserAndAsACrowd() {
        VERDICTS.clear();
        EngineExecutionResults results = ChaosTestKit.run(CrowdTestCases.class);
        assertAllSucceeded(results, 3);

        // 8 users, each first attempt a 502, each retried once after a jittered backoff: all pass.
        CrowdVerdict burst = VERDICTS.get("burst");
        assertThat(burst).passes();
        assertThat(burst.figures().users()).isEqualTo(8);
        assertThat(burst.figures().attempts()).as(burst.explain()).isEqualTo(16);
        assertThat(burst.figures().turnedAway()).as(burst.explain()).isEqualTo(8);
        assertThat(burst.users().stream().map(u -> u.verdict().attempts().size())).as(burst.explain()).containsOnly(2);

        // 6 of 12 turned away with Retry-After 2; openai-java waits exactly 2 s, no jitter: the crowd's retries come
        // back together. Each user honoured the wait and got its answer, so only the crowd has a finding.
        CrowdVerdict overload = VERDICTS.get("overload");
        assertThat(overload).hasCrowdFindings(FindingCode.RETRIES_SYNCHRONISED);
        assertThat(overload.failedUsers()).as(overload.explain()).isEmpty();
        assertThat(overload.figures().turnedAway()).as(overload.explain()).isEqualTo(6);
        assertThat(overload.figures().retriesAfterWait()).as(overload.explain()).isEqualTo(6);
        assertThat(overload).user("user-1").hasNoFinding(FindingCode.RETRY_AFTER_IGNORED);
        // A failing crowd assertion reads like a bug report: the figures, the crowd's finding, the verdict.
        AssertionError error = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> assertThat(overload).passes());
        assertThat(error.getMessage()).contains("RETRIES_SYNCHRONISED").contains("Crowd: 12 users, 12 answered")
                .contains("chaosgate crowd verdict for scenario 'crowd-overload-retry-after-2': FAIL");

        // Identical prompts: only the header tells the 4 users apart. The 8 failures fall two per user, so each
        // verdict holds its own 502, 502, 200, and each user stayed within openai-java's 3 attempts.
        CrowdVerdict identical = VERDICTS.get("identical");
        assertThat(identical.figures().unattributed()).as(identical.explain()).isZero();
        assertThat(identical.users().stream().map(u -> u.verdict().attempts().stream().map(a -> a.exchange().status()).toList()))
                .as(identical.explain()).containsExactly(List.of(502, 502, 200), List.of(502, 502, 200), List.of(502, 502, 200),
                        List.of(502, 502, 200));
        assertThat(identical).passes();
    }
}
