package dev.chaosgate.tls;

import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.link.tls.TlsFault;
import dev.chaosgate.scenario.Chaos;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.upstream.Faults;
import dev.chaosgate.verdict.ClientReport;
import dev.chaosgate.verdict.FindingCode;
import dev.chaosgate.verdict.LinkRequest;
import dev.chaosgate.verdict.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The HTTPS gateway with real java.net.http clients over loopback: a client that trusts the run's
 * authority talks to it; one that does not, or meets a bad certificate (another issuer, another host's
 * name, expired) with verification on, stops at the handshake and nothing reaches the upstream; one that
 * trusts everything (the "make it work" fix) gets its answer over the bad certificate and the verdict
 * finds {@code TLS_VERIFICATION_DISABLED}, naming the connection and the certificate.
 */
class HttpsGatewayTest {
    private static final String PROMPT = "Summarise the meeting notes";
    private static final Scenario ANSWERS = Chaos.scenario("answers").then(Chaos.phase("fine")).build();
    private static final String BODY = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}";

    @Test
    void aClientThatTrustsTheGatewaysAuthorityIsAnsweredOverTlsAndNothingIsFound() throws Exception {
        try (ChaosGateway gateway = ChaosGateway.builder().https().scenario(ANSWERS).start()) {
            assertThat(gateway.baseUrl()).startsWith("https://127.0.0.1:");
            HttpResponse<String> answer = send(gateway, gateway.certificateAuthority().clientContext());

            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.version()).as("the link offers no ALPN: HTTP/1.1 over TLS").isEqualTo(HttpClient.Version.HTTP_1_1);
            X509Certificate served = (X509Certificate) answer.sslSession().orElseThrow().getPeerCertificates()[0];
            assertThat(served.getIssuerX500Principal()).isEqualTo(gateway.certificateAuthority().certificate().getSubjectX500Principal());
            List<LinkRequest> requests = gateway.linkRequests();
            assertThat(requests).extracting(LinkRequest::tls).containsOnly("gateway");
            assertThat(requests).extracting(LinkRequest::path).contains("/v1/chat/completions");
            Verdict verdict = gateway.verdict(ClientReport.of(PROMPT, List.of("the answer"), ""));
            assertThat(verdict.codes()).doesNotContain(FindingCode.TLS_VERIFICATION_DISABLED);
            assertThat(verdict.passed()).as(verdict.explain()).isTrue();
        }
    }

    @Test
    void aClientThatWasNeverToldAboutTheAuthorityStopsAtTheHandshake() throws Exception {
        try (ChaosGateway gateway = ChaosGateway.builder().https().scenario(ANSWERS).start()) {
            assertThatThrownBy(() -> send(gateway, SSLContext.getDefault())).isInstanceOf(SSLHandshakeException.class);
            assertThat(gateway.exchanges()).as("requests that reached the upstream").isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsFault.class, names = {"UNTRUSTED_ISSUER", "WRONG_HOST", "EXPIRED"})
    void aVerifyingClientRefusesEachBadCertificateAndIsNotBlamed(TlsFault bad) throws Exception {
        try (ChaosGateway gateway = ChaosGateway.builder().https().scenario(ANSWERS).start()) {
            gateway.tlsFault(bad);
            assertThatThrownBy(() -> send(gateway, gateway.certificateAuthority().clientContext()))
                    .isInstanceOf(SSLHandshakeException.class);
            assertThat(gateway.exchanges()).isEmpty();
            assertThat(gateway.linkConnections()).as("connections the client opened").isPositive();
            assertThat(gateway.linkRequests()).as("request heads read past the handshake").allMatch(LinkRequest::unreadable);
            Verdict verdict = gateway.verdict(ClientReport.of(PROMPT, List.of("Your network blocked a secure connection"), PROMPT));
            assertThat(verdict.codes()).doesNotContain(FindingCode.TLS_VERIFICATION_DISABLED);

            // The fault ends: the gateway's own certificate again, and the same client gets through.
            gateway.tlsFault(null);
            assertThat(send(gateway, gateway.certificateAuthority().clientContext()).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aClientThatRefusesTheInspectingProxysCertificateOnceAndSaysWhoCanHelpPasses() throws Exception {
        Scenario inspected = Chaos.scenario("tls-inspection-untrusted")
                .then(Chaos.phase("inspected").breakingTls(TlsFault.UNTRUSTED_ISSUER))
                .expect(Chaos.stopsWith("tls_certificate")).build();
        try (ChaosGateway gateway = ChaosGateway.builder().scenario(inspected).start()) {
            assertThatThrownBy(() -> send(gateway, gateway.certificateAuthority().clientContext())).isInstanceOf(SSLHandshakeException.class);
            Verdict verdict = gateway.verdict(ClientReport.of(PROMPT, List.of("The secure connection to the assistant could not be"
                    + " verified (untrusted certificate). Your network may inspect TLS traffic: contact your IT department."), PROMPT));
            assertThat(verdict.attempts()).as(verdict.explain()).hasSize(1);
            assertThat(verdict.attempts().get(0).failureClass()).isEqualTo("tls_certificate");
            assertThat(verdict.passed()).as(verdict.explain()).isTrue();
        }
    }

    @Test
    void aMessageThatPromisesARetryForACertificateIsWrongGuidance() throws Exception {
        Scenario inspected = Chaos.scenario("tls-inspection-untrusted")
                .then(Chaos.phase("inspected").breakingTls(TlsFault.UNTRUSTED_ISSUER))
                .expect(Chaos.stopsWith("tls_certificate")).build();
        try (ChaosGateway gateway = ChaosGateway.builder().scenario(inspected).start()) {
            assertThatThrownBy(() -> send(gateway, gateway.certificateAuthority().clientContext())).isInstanceOf(SSLHandshakeException.class);
            Verdict verdict = gateway.verdict(ClientReport.of(PROMPT, List.of("The service is busy, please try again in a moment."), PROMPT));
            assertThat(verdict.codes()).as(verdict.explain()).contains(FindingCode.WRONG_GUIDANCE)
                    .doesNotContain(FindingCode.RETRIED_NON_RETRYABLE, FindingCode.TLS_VERIFICATION_DISABLED);
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsFault.class, names = {"UNTRUSTED_ISSUER", "WRONG_HOST", "EXPIRED"})
    void aClientThatTrustsAnyCertificateIsCaughtWithTheConnectionAndTheCertificate(TlsFault bad) throws Exception {
        try (ChaosGateway gateway = ChaosGateway.builder().https().scenario(ANSWERS).start()) {
            gateway.tlsFault(bad);
            HttpResponse<String> answer = send(gateway, trustingEverything());
            assertThat(answer.statusCode()).isEqualTo(200);

            Verdict verdict = gateway.verdict(ClientReport.of(PROMPT, List.of("the answer"), ""));
            assertThat(verdict.codes()).as(verdict.explain()).contains(FindingCode.TLS_VERIFICATION_DISABLED);
            assertThat(verdict.explain()).contains("certificate `" + bad.label() + "`, then POST /v1/chat/completions");
        }
    }

    private static HttpResponse<String> send(ChaosGateway gateway, SSLContext tls) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
        return client.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/chat/completions"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** What "make it work" code does: a trust manager that accepts any chain for any host. */
    private static SSLContext trustingEverything() throws Exception {
        X509ExtendedTrustManager anything = new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new javax.net.ssl.TrustManager[]{anything}, new SecureRandom());
        return context;
    }
}
