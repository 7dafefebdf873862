package dev.chaosgate.tls;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.link.tls.TlsFault;
import dev.chaosgate.scenario.Chaos;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.testsupport.ParallelSafe;
import dev.chaosgate.verdict.ClientReport;
import dev.chaosgate.verdict.FindingCode;
import dev.chaosgate.verdict.LinkRequest;
import dev.chaosgate.verdict.Verdict;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Real SDKs over the HTTPS gateway: openai-java (OkHttp, given the run's authority through its
 * {@code sslSocketFactory} and {@code trustManager}) and the openai npm SDK (Node, given it through
 * {@code NODE_EXTRA_CA_CERTS}). Both get their answers over TLS. Behind a TLS-inspecting proxy whose
 * authority they do not trust, both refuse the certificate, but both retry the refusal as if it were a
 * passing connection failure: openai-java's {@code RetryingHttpClient.shouldRetry(Throwable)} retries every
 * {@code IOException} (an {@code SSLHandshakeException} is one), and openai-node's {@code makeRequest} retries
 * every failed fetch while {@code retriesRemaining} lasts; both default to 2 retries. Expected: 3 attempts,
 * {@code RETRIED_NON_RETRYABLE}, never {@code TLS_VERIFICATION_DISABLED}.
 */
@ParallelSafe
class HttpsSdkTest {
    private static final String PROMPT = "Draft a polite reply to the landlord";
    private static final String GOOD_MESSAGE = "We couldn't verify the secure connection to the AI service: its certificate is not"
            + " trusted. If your company inspects TLS traffic, ask your IT team.";
    private static final Scenario ANSWERS = Chaos.scenario("answers").then(Chaos.phase("fine")).build();
    private static final Scenario INSPECTED = Chaos.scenario("tls-inspection-untrusted")
            .then(Chaos.phase("inspected").breakingTls(TlsFault.UNTRUSTED_ISSUER))
            .expect(Chaos.stopsWith("tls_certificate")).build();
    private static final Path NODE_SDK_DIR = Path.of("src/test/sdk");

    @Test
    void openaiJavaGivenTheAuthorityIsAnsweredOverTls() {
        try (ChaosGateway gateway = ChaosGateway.builder().https().scenario(ANSWERS).start()) {
            ChatCompletion completion = openaiJava(gateway).chat().completions().create(params());
            assertThat(completion.choices()).isNotEmpty();
            assertThat(gateway.linkRequests()).extracting(LinkRequest::tls).containsOnly("gateway");
        }
    }

    @Test
    void openaiJavaRetriesACertificateItCannotVerifyTwice() {
        try (ChaosGateway gateway = ChaosGateway.builder().scenario(INSPECTED).start()) {
            assertThat(gateway.https()).as("a scenario that breaks TLS makes the gateway serve HTTPS").isTrue();
            OpenAIClient client = openaiJava(gateway);
            assertThatThrownBy(() -> client.chat().completions().create(params()))
                    .hasCauseInstanceOf(javax.net.ssl.SSLHandshakeException.class);

            Verdict verdict = gateway.verdict(ClientReport.of(PROMPT, List.of(GOOD_MESSAGE), PROMPT));
            assertThat(gateway.linkConnections()).as("TLS connections the SDK opened").isEqualTo(3);
            assertThat(verdict.attempts()).as(verdict.explain()).hasSize(3);
            assertThat(verdict.codes()).as(verdict.explain())
                    .contains(FindingCode.RETRIED_NON_RETRYABLE).doesNotContain(FindingCode.TLS_VERIFICATION_DISABLED);
            assertThat(gateway.exchanges()).as("requests that reached the upstream").isEmpty();
        }
    }

    @Test
    void openaiNodeGivenTheAuthorityInNodeExtraCaCertsIsAnswered(@TempDir Path dir) throws Exception {
        try (ChaosGateway gateway = ChaosGateway.builder().https().scenario(ANSWERS).start()) {
            ClientReport report = runOpenAiNode(gateway, dir);
            assertThat(report.shown()).as("what the app showed").isNotEmpty();
            Verdict verdict = gateway.verdict(report);
            assertThat(verdict.passed()).as(verdict.explain()).isTrue();
            assertThat(gateway.linkRequests()).extracting(LinkRequest::tls).containsOnly("gateway");
        }
    }

    @Test
    void openaiNodeRetriesACertificateItCannotVerifyTwice(@TempDir Path dir) throws Exception {
        try (ChaosGateway gateway = ChaosGateway.builder().scenario(INSPECTED).start()) {
            ClientReport shown = runOpenAiNode(gateway, dir);
            Verdict verdict = gateway.verdict(ClientReport.of(PROMPT, List.of(GOOD_MESSAGE), PROMPT));
            assertThat(shown.shown()).as("the app showed its message for a refused certificate").isNotEmpty();
            assertThat(verdict.attempts()).as(verdict.explain()).hasSize(3);
            assertThat(verdict.codes()).as(verdict.explain())
                    .contains(FindingCode.RETRIED_NON_RETRYABLE).doesNotContain(FindingCode.TLS_VERIFICATION_DISABLED);
        }
    }

    private static OpenAIClient openaiJava(ChaosGateway gateway) {
        return OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey("test")
                .sslSocketFactory(gateway.certificateAuthority().clientContext().getSocketFactory())
                .trustManager(gateway.certificateAuthority().trustManager())
                .build();
    }

    private static ChatCompletionCreateParams params() {
        return ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage(PROMPT).build();
    }

    /** The openai npm SDK's thin app, given the authority the usual Node way; what it showed, read from its lines. */
    private static ClientReport runOpenAiNode(ChaosGateway gateway, Path dir) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isDirectory(NODE_SDK_DIR.resolve("node_modules/openai6")),
                "npm packages of src/test/sdk are not installed (run npm ci there)");
        Path ca = gateway.certificateAuthority().writePem(dir.resolve("gateway-ca.pem"));
        ProcessBuilder node = new ProcessBuilder("node", "openai-node.mjs", "openai6").directory(NODE_SDK_DIR.toFile())
                .redirectErrorStream(true);
        node.environment().putAll(java.util.Map.of("CHAOSGATE_BASE_URL", gateway.baseUrl(), "OPENAI_BASE_URL", gateway.baseUrl(),
                "OPENAI_API_KEY", "test", "CHAOSGATE_PROMPT", PROMPT, "CHAOSGATE_STREAM", "false",
                "NODE_EXTRA_CA_CERTS", ca.toString()));
        Process process = node.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("node finished").isTrue();
        return ClientReport.parse(PROMPT, out);
    }
}
