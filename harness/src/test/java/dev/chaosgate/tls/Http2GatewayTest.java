package dev.chaosgate.tls;

import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.scenario.Chaos;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.upstream.Faults;
import dev.chaosgate.upstream.UpstreamExchange;
import dev.chaosgate.verdict.ClientReport;
import dev.chaosgate.verdict.LinkRequest;
import dev.chaosgate.verdict.Verdict;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP/2 over TLS with a real java.net.http client (which asks for {@code h2} by ALPN): answers come back over
 * HTTP/2, two streams on one connection reach the upstream as two requests that never share state, and a
 * client that speaks only HTTP/1.1 is still served.
 */
class Http2GatewayTest {
    private static final Scenario ANSWERS = Chaos.scenario("answers").then(Chaos.phase("fine")).build();

    @Test
    void anHttp2ClientIsAnsweredOverHttp2AndTheVerdictSeesItsRequest() throws Exception {
        try (ChaosGateway gateway = ChaosGateway.builder().http2().scenario(ANSWERS).start()) {
            HttpResponse<String> answer = send(client(gateway, HttpClient.Version.HTTP_2), gateway, "Summarise the meeting notes", false);

            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(answer.body()).contains("\"choices\"");
            assertThat(answer.headers().map().keySet()).as("headers the client sees").doesNotContain("x-chaosgate-http2", "transfer-encoding", "connection");
            List<LinkRequest> requests = gateway.linkRequests();
            assertThat(requests).extracting(LinkRequest::path).containsExactly("/v1/chat/completions");
            assertThat(requests).extracting(LinkRequest::tls).containsOnly("gateway");
            Verdict verdict = gateway.verdict(ClientReport.of("Summarise the meeting notes", List.of("the answer"), ""));
            assertThat(verdict.attempts()).as(verdict.explain()).hasSize(1);
            assertThat(verdict.passed()).as(verdict.explain()).isTrue();
        }
    }

    @Test
    void twoStreamsOnOneConnectionReachTheUpstreamAsTwoRequestsWithTheirOwnPrompts() throws Exception {
        try (ChaosGateway gateway = ChaosGateway.builder().http2().scenario(ANSWERS).start()) {
            HttpClient client = client(gateway, HttpClient.Version.HTTP_2);
            // One request first, so the second and third share its connection as concurrent streams.
            send(client, gateway, "warm the connection", false);
            CompletableFuture<HttpResponse<String>> first = sendAsync(client, gateway, "Translate the first letter", true);
            CompletableFuture<HttpResponse<String>> second = sendAsync(client, gateway, "Translate the second letter", true);
            assertThat(first.get().statusCode()).isEqualTo(200);
            assertThat(second.get().statusCode()).isEqualTo(200);
            assertThat(first.get().version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(first.get().body()).contains("data: [DONE]");
            assertThat(second.get().body()).contains("data: [DONE]");

            List<UpstreamExchange> exchanges = gateway.exchanges();
            assertThat(exchanges).hasSize(3);
            assertThat(exchanges).extracting(UpstreamExchange::prompt)
                    .containsExactlyInAnyOrder("warm the connection", "Translate the first letter", "Translate the second letter");
            assertThat(exchanges).extracting(UpstreamExchange::connection).as("one upstream connection per stream").doesNotHaveDuplicates();
            List<LinkRequest> requests = gateway.linkRequests();
            assertThat(requests).hasSize(3);
            assertThat(requests).extracting(LinkRequest::upstreamPort).doesNotHaveDuplicates();
        }
    }

    @Test
    void aClientThatSpeaksOnlyHttp1IsStillServed() throws Exception {
        try (ChaosGateway gateway = ChaosGateway.builder().http2().scenario(ANSWERS).start()) {
            HttpResponse<String> answer = send(client(gateway, HttpClient.Version.HTTP_1_1), gateway, "Summarise the meeting notes", true);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(answer.body()).contains("data: [DONE]");
            assertThat(gateway.linkRequests()).extracting(LinkRequest::path).containsExactly("/v1/chat/completions");
        }
    }

    static HttpClient client(ChaosGateway gateway, HttpClient.Version version) {
        return HttpClient.newBuilder().version(version).sslContext(gateway.certificateAuthority().clientContext())
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    static HttpResponse<String> send(HttpClient client, ChaosGateway gateway, String prompt, boolean stream) throws Exception {
        return client.send(request(gateway, prompt, stream), HttpResponse.BodyHandlers.ofString());
    }

    static CompletableFuture<HttpResponse<String>> sendAsync(HttpClient client, ChaosGateway gateway, String prompt, boolean stream) {
        return client.sendAsync(request(gateway, prompt, stream), HttpResponse.BodyHandlers.ofString());
    }

    static HttpRequest request(ChaosGateway gateway, String prompt, boolean stream) {
        String body = "{\"model\":\"gpt-4o-mini\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
        return HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/chat/completions"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
}
