package dev.chaosgate.tls;

import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.scenario.Chaos;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.testsupport.ParallelSafe;
import dev.chaosgate.upstream.Faults;
import dev.chaosgate.upstream.UpstreamExchange;
import dev.chaosgate.upstream.UpstreamFault;
import dev.chaosgate.verdict.ClientReport;
import dev.chaosgate.verdict.LinkRequest;
import dev.chaosgate.verdict.Verdict;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * HTTP/2 over TLS with a real java.net.http client (which asks for {@code h2} by ALPN): answers come back over
 * HTTP/2, two streams on one connection reach the upstream as two requests that never share state, and a
 * client that speaks only HTTP/1.1 is still served.
 */
@ParallelSafe
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

    @Test
    void aStreamResetReachesTheClientAsRstStreamWithItsCodeAndTheConnectionLivesOn() throws Exception {
        Scenario reset = Chaos.scenario("h2-reset").then(Chaos.phase("reset").forRequests(1).serving(Faults.streamReset().withHttp2Error(UpstreamFault.StreamFault.Http2Error.ENHANCE_YOUR_CALM)))
                .then(Chaos.phase("fine")).build();
        try (ChaosGateway gateway = ChaosGateway.builder().http2().scenario(reset).start()) {
            HttpClient client = client(gateway, HttpClient.Version.HTTP_2);
            assertThatThrownBy(() -> send(client, gateway, "Summarise the meeting notes", true))
                    .isInstanceOf(IOException.class).hasMessageContaining("RST_STREAM");
            UpstreamExchange cut = gateway.exchanges().get(0);
            assertThat(cut.fault()).isEqualTo("stream reset after 2 text deltas (HTTP/2 ENHANCE_YOUR_CALM)");
            assertThat(cut.failureClass()).isEqualTo("stream_interrupted");

            HttpResponse<String> again = send(client, gateway, "Summarise the meeting notes", true);
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(again.body()).contains("data: [DONE]");
            Verdict verdict = gateway.verdict(ClientReport.of("Summarise the meeting notes", List.of("the answer"), ""));
            assertThat(verdict.attempts()).as(verdict.explain()).hasSize(2);
            assertThat(verdict.attempts().get(0).failureClass()).as(verdict.explain()).isEqualTo("stream_interrupted");
            assertThat(gateway.linkConnections()).as("TCP connections: RST_STREAM ends a stream, not its connection").isEqualTo(1);
        }
    }

    @Test
    void aGoAwayMidAnswerCutsTheStreamInFlightAndTheNextRequestTakesANewConnection() throws Exception {
        Scenario goAway = Chaos.scenario("h2-goaway").then(Chaos.phase("goaway").forRequests(1).serving(Faults.streamGoAway().beforeText()))
                .then(Chaos.phase("fine")).build();
        try (ChaosGateway gateway = ChaosGateway.builder().http2().scenario(goAway).start()) {
            HttpClient client = client(gateway, HttpClient.Version.HTTP_2);
            assertThatThrownBy(() -> send(client, gateway, "Summarise the meeting notes", true)).isInstanceOf(IOException.class);
            UpstreamExchange cut = gateway.exchanges().get(0);
            assertThat(cut.fault()).isEqualTo("stream goaway before any text");
            assertThat(cut.failureClass()).as("cut before any text").isEqualTo("connection_failure");

            HttpResponse<String> again = send(client, gateway, "Summarise the meeting notes", true);
            assertThat(again.body()).contains("data: [DONE]");
            assertThat(gateway.linkConnections()).as("TCP connections: the one the GOAWAY closed, and a new one").isEqualTo(2);
            // Judged as a connection that failed before any text: a retry was right, and it got the answer.
            Verdict verdict = gateway.verdict(ClientReport.of("Summarise the meeting notes", List.of("the answer"), ""));
            assertThat(verdict.attempts()).extracting(a -> a.failureClass()).as(verdict.explain()).containsExactly("connection_failure", null);
            assertThat(verdict.passed()).as(verdict.explain()).isTrue();
        }
    }

    /**
     * With OkHttp, which finishes the streams a graceful GOAWAY names (RFC 9113, section 6.8). java.net.http on
     * Java 17 does not: it fails every stream in flight with "GOAWAY received", so its user loses an answer
     * that was on its way; see the next test.
     */
    @Test
    void aGracefulGoAwayDeliversTheAnswerAndRetiresTheConnection() throws Exception {
        Scenario goAway = Chaos.scenario("h2-goaway-graceful").then(Chaos.phase("goaway").forRequests(1).serving(Faults.streamGoAwayGracefully()))
                .then(Chaos.phase("fine")).build();
        try (ChaosGateway gateway = ChaosGateway.builder().http2().scenario(goAway).start()) {
            OkHttpClient client = new OkHttpClient.Builder()
                    .sslSocketFactory(gateway.certificateAuthority().clientContext().getSocketFactory(), gateway.certificateAuthority().trustManager())
                    .build();
            try (Response first = client.newCall(okRequest(gateway, "Summarise the meeting notes")).execute()) {
                assertThat(first.protocol()).isEqualTo(Protocol.HTTP_2);
                assertThat(first.body().string()).contains("data: [DONE]");
            }
            assertThat(gateway.exchanges().get(0).failureClass()).as("no failure: the answer is whole").isNull();

            try (Response second = client.newCall(okRequest(gateway, "Translate the letter")).execute()) {
                assertThat(second.body().string()).contains("data: [DONE]");
            }
            assertThat(gateway.linkConnections()).as("TCP connections: the retired one, and a new one").isEqualTo(2);
            Verdict verdict = gateway.verdict(ClientReport.of("Summarise the meeting notes", List.of("the answer"), ""));
            assertThat(verdict.passed()).as(verdict.explain()).isTrue();
        }
    }

    @Test
    void disablingTheProxyClosesItsHttp2ConnectionsAsItDoesAnyOther() throws Exception {
        try (ChaosGateway gateway = ChaosGateway.builder().http2().scenario(ANSWERS).start()) {
            HttpClient client = client(gateway, HttpClient.Version.HTTP_2);
            assertThat(send(client, gateway, "warm the connection", false).version()).isEqualTo(HttpClient.Version.HTTP_2);

            gateway.link().updateProxy(ChaosGateway.LINK, null, null, false);

            // As Toxiproxy closes a disabled proxy's connections, the kept-alive HTTP/2 connection is gone (when it outlived
            // the stop, each new stream was reset): the client fails on it, or has seen it close and is refused a new one.
            assertThatThrownBy(() -> send(client, gateway, "after the proxy went down", false))
                    .isInstanceOf(IOException.class)
                    .satisfies(e -> assertThat(String.valueOf(e.getMessage())).doesNotContain("RST_STREAM"));
            assertThatThrownBy(() -> send(client, gateway, "once more", false)).isInstanceOf(java.net.ConnectException.class);
            assertThat(gateway.exchanges()).extracting(UpstreamExchange::prompt).containsExactly("warm the connection");
        }
    }

    private static Request okRequest(ChaosGateway gateway, String prompt) {
        String body = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
        return new Request.Builder().url(gateway.baseUrl() + "/chat/completions")
                .post(RequestBody.create(body, MediaType.get("application/json"))).build();
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
