package dev.chaosgate.verdict;

import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.upstream.StreamPacing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code FAULT_NOT_EXERCISED} says how far the client got, end to end through a real gateway: not to the
 * gateway at all; to the gateway, with requests the upstream never read (the transport named); to the gateway
 * on a path the upstream does not answer as a generation call. Clients: raw sockets writing what real clients
 * have sent, and the JDK HttpClient.
 */
@Timeout(60)
class FaultNotExercisedMessagesTest {
    private static final String PROMPT = "Summarise the meeting notes in three bullet points";
    private static final String JSON = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}";
    private static final List<String> SHOWN = List.of("The service is unavailable, please try again.");
    /** What a careful client shows after its connection attempts failed. */
    private static final List<String> CONNECTION_FAILED = List.of("We couldn't reach the AI service: the connection failed."
            + " Your message is kept, please try again shortly.");

    private static ChaosGateway burst() {
        return ChaosGateway.builder().scenario(ScenarioCatalog.builtIn().get("bad-gateway-burst")).pacing(StreamPacing.immediate()).start();
    }

    /** Writes {@code bytes} on a fresh connection to the gateway and reads until the other side closes (or 3 s pass). */
    private static String exchange(String baseUrl, byte[] bytes) throws IOException {
        URI uri = URI.create(baseUrl);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 2_000);
            socket.setSoTimeout(3_000);
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            StringBuilder answer = new StringBuilder();
            byte[] buffer = new byte[4096];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    answer.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                }
            } catch (java.net.SocketTimeoutException enough) {
                // the answer so far is enough
            }
            return answer.toString();
        }
    }

    /** A client that retries twice, 300 ms then 600 ms later, each time on a new connection. */
    private static void sendThreeTimesBackingOff(String baseUrl, byte[] bytes) throws Exception {
        for (int attempt = 1; attempt <= 3; attempt++) {
            if (attempt > 1) {
                Thread.sleep(300L << (attempt - 2));
            }
            exchange(baseUrl, bytes);
        }
    }

    private static Finding onlyFinding(Verdict verdict) {
        assertThat(verdict.codes()).as("finding codes of\n%s", verdict.explain()).containsExactly(FindingCode.FAULT_NOT_EXERCISED);
        return verdict.findings().get(0);
    }

    @Test
    void requestsTheUpstreamCouldNotReadAreNamedWithTheirTransportNotBlamedOnTheBaseUrl() throws Exception {
        try (ChaosGateway gateway = burst()) {
            // Given a client whose chunked body the upstream cannot parse (a chunk size that is not hex), sent three times
            String path = URI.create(gateway.baseUrl()).getPath() + "/chat/completions";
            byte[] broken = ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + JSON + "\r\n0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
            sendThreeTimesBackingOff(gateway.baseUrl(), broken);
            assertThat(gateway.exchanges()).as("requests the upstream read").isEmpty();

            // Then the verdict says the requests reached the gateway and the upstream read none, naming the transport
            Finding finding = onlyFinding(gateway.verdict(PROMPT, CONNECTION_FAILED, PROMPT));
            assertThat(finding.message())
                    .startsWith("the client's requests reached the gateway but the upstream never read one of them")
                    .contains("3 request(s) passed the link (HTTP/1.1, chunked body, kept alive)")
                    .doesNotContain("base URL");
            assertThat(finding.evidence()).last().asString().contains("transport named above");
        }
    }

    @Test
    void aConnectionInAProtocolTheUpstreamDoesNotSpeakIsNamedToo() throws Exception {
        try (ChaosGateway gateway = burst()) {
            // HTTP/2 with prior knowledge: the fake upstream speaks HTTP/1.1 only
            sendThreeTimesBackingOff(gateway.baseUrl(), "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertThat(gateway.exchanges()).as("requests the upstream read").isEmpty();

            Finding finding = onlyFinding(gateway.verdict(PROMPT, CONNECTION_FAILED, PROMPT));
            assertThat(finding.message()).startsWith("the client's requests reached the gateway but the upstream never read one")
                    .contains("not HTTP/1.x");
        }
    }

    @Test
    void aClientOnTheWrongPathIsToldWhatTheLinkSaw() throws Exception {
        try (ChaosGateway gateway = burst()) {
            // Spring AI's mistake when handed the base URL with /v1 stripped twice: POST /chat/completions
            String origin = gateway.baseUrl().replaceFirst("/v1$", "");
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            http.send(HttpRequest.newBuilder(URI.create(origin + "/chat/completions")).timeout(Duration.ofSeconds(5))
                    .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(JSON)).build(),
                    HttpResponse.BodyHandlers.ofString());

            Finding finding = onlyFinding(gateway.verdict(PROMPT, SHOWN, PROMPT));
            assertThat(finding.message()).startsWith("the client reached the gateway (1 connection(s))");
            assertThat(finding.evidence().get(0)).contains("POST /chat/completions (HTTP/1.1, body of known length, kept alive)");
            assertThat(finding.evidence()).last().asString().contains("check the path");
        }
    }

    @Test
    void aClientThatNeverCameStillGetsTheBaseUrlHint() {
        try (ChaosGateway gateway = burst()) {
            Finding finding = onlyFinding(gateway.verdict(PROMPT, SHOWN, PROMPT));
            assertThat(finding.evidence()).last().isEqualTo("is the client pointed at the gateway's base URL?");
        }
    }
}
