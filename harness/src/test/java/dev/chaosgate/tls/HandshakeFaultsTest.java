package dev.chaosgate.tls;

import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.link.tls.TlsFault;
import dev.chaosgate.scenario.Chaos;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.verdict.Attempt;
import dev.chaosgate.verdict.ClientReport;
import dev.chaosgate.verdict.FindingCode;
import dev.chaosgate.verdict.Verdict;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The two handshake faults with a real java.net.http client: a reset when the ClientHello arrives, and a
 * handshake that never gets an answer. Neither reaches the upstream; each connection is an attempt of class
 * {@code connection_failure}, which is retryable. A client that comes back once the phase is over gets its answer
 * and passes; one that gives up after the first failure, with retries left and a service that recovers, is told
 * {@code NO_RETRY}.
 */
class HandshakeFaultsTest {
    private static final String PROMPT = "Summarise the meeting notes";
    private static final Duration PHASE = Duration.ofMillis(1500);

    @ParameterizedTest
    @EnumSource(value = TlsFault.class, names = {"HANDSHAKE_RESET", "HANDSHAKE_STALL"})
    void aClientThatComesBackAfterTheHandshakeFaultGetsItsAnswerAndPasses(TlsFault fault) throws Exception {
        try (ChaosGateway gateway = ChaosGateway.builder().scenario(scenario(fault)).start()) {
            HttpClient client = client(gateway);
            assertThatThrownBy(() -> send(client, gateway)).isInstanceOf(IOException.class);
            assertThat(gateway.exchanges()).as("nothing got past the handshake").isEmpty();

            // Back once the phase is over, as a client that waits before retrying would be.
            await().atMost(Duration.ofSeconds(10)).until(() -> "fine".equals(gateway.phase()));
            assertThat(send(client(gateway), gateway).statusCode()).isEqualTo(200);

            Verdict verdict = gateway.verdict(ClientReport.of(PROMPT, List.of("the answer"), ""));
            assertThat(verdict.attempts()).as(verdict.explain()).hasSize(2);
            assertThat(verdict.attempts()).extracting(Attempt::failureClass).containsExactly("connection_failure", null);
            assertThat(verdict.passed()).as(verdict.explain()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsFault.class, names = {"HANDSHAKE_RESET", "HANDSHAKE_STALL"})
    void aClientThatGivesUpAfterOneHandshakeFailureIsToldItDidNotRetry(TlsFault fault) throws Exception {
        try (ChaosGateway gateway = ChaosGateway.builder().scenario(scenario(fault)).start()) {
            assertThatThrownBy(() -> send(client(gateway), gateway)).isInstanceOf(IOException.class);

            Verdict verdict = gateway.verdict(ClientReport.of(PROMPT,
                    List.of("The connection to the assistant was interrupted. Your message is kept; try again in a moment."), PROMPT));
            assertThat(verdict.attempts()).as(verdict.explain()).hasSize(1);
            assertThat(verdict.attempts().get(0).failureClass()).isEqualTo("connection_failure");
            assertThat(verdict.codes()).as(verdict.explain()).contains(FindingCode.NO_RETRY)
                    .doesNotContain(FindingCode.TLS_VERIFICATION_DISABLED, FindingCode.RETRIED_NON_RETRYABLE);
        }
    }

    private static Scenario scenario(TlsFault fault) {
        return Chaos.scenario(fault.label()).then(Chaos.phase("broken").lasting(PHASE).withTls(fault))
                .then(Chaos.phase("fine")).build();
    }

    private static HttpClient client(ChaosGateway gateway) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(gateway.certificateAuthority().clientContext())
                .connectTimeout(Duration.ofSeconds(1)).build();
    }

    private static HttpResponse<String> send(HttpClient client, ChaosGateway gateway) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/chat/completions"))
                .timeout(Duration.ofMillis(800))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\""
                        + PROMPT + "\"}]}")).build(), HttpResponse.BodyHandlers.ofString());
    }
}
