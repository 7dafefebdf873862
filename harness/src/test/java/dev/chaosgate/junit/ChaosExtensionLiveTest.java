package dev.chaosgate.junit;

import com.sun.net.httpserver.HttpServer;
import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.upstream.StreamPacing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.chaosgate.junit.ChaosTestKit.singleFailure;
import static org.assertj.core.api.Assertions.assertThat;

/** Live mode from JUnit: {@code ChaosExtension.builder().upstream(URI)} and {@code @ChaosTest(upstream = ...)}. */
class ChaosExtensionLiveTest {
    static final String REAL_ANSWER = "{\"id\":\"chatcmpl-junit-stand-in\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
            + "\"assistant\",\"content\":\"from the stand-in\"},\"finish_reason\":\"stop\"}]}";
    static HttpServer standIn;
    static final List<String> keysSeen = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startStandIn() throws Exception {
        standIn = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        standIn.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            keysSeen.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            byte[] body = REAL_ANSWER.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        standIn.start();
    }

    @AfterAll
    static void stopStandIn() {
        standIn.stop(0);
    }

    static class LiveTestCases {
        @RegisterExtension
        static ChaosExtension chaos = ChaosExtension.builder().scenario("bad-gateway-single").pacing(StreamPacing.immediate())
                .upstream(URI.create("http://127.0.0.1:" + standIn.getAddress().getPort() + "/v1")).build();

        @Test
        void theFaultIsChaosgatesAndTheRetryGetsTheRealAnswer(ChaosGateway gateway) throws Exception {
            HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/chat/completions"))
                    .header("Authorization", "Bearer sk-junit-live-key").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\","
                            + "\"content\":\"Hi\"}]}")).build();
            HttpResponse<String> first = ChaosTestKit.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> second = ChaosTestKit.HTTP.send(request, HttpResponse.BodyHandlers.ofString());

            assertThat(first.statusCode()).as("bad-gateway-single's 502").isEqualTo(502);
            assertThat(second.body()).as("the stand-in's answer").isEqualTo(REAL_ANSWER);
            assertThat(gateway.live()).hasToString("http://127.0.0.1:" + standIn.getAddress().getPort() + "/v1");
            assertThat(gateway.journal().toJsonLines()).doesNotContain("sk-junit-live-key");
        }
    }

    @Test
    void aRegisteredExtensionWithAnUpstreamForwardsWhatTheScenarioDoesNotFault() {
        keysSeen.clear();
        ChaosTestKit.assertAllSucceeded(ChaosTestKit.run(LiveTestCases.class), 1);
        assertThat(keysSeen).as("requests the stand-in got: the retry only, with the key").containsExactly("Bearer sk-junit-live-key");
    }

    @ChaosTest(upstream = "ftp://api.example.com/v1")
    static class BadUpstreamTestCases {
        @Test
        @PlayScenario("bad-gateway-single")
        void any(ChaosGateway gateway) {
        }
    }

    @Test
    void anUpstreamThatIsNotAnHttpUrlNamesTheAttributeAndTheFix() {
        assertThat(singleFailure(ChaosTestKit.run(BadUpstreamTestCases.class)))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("@ChaosTest(upstream = ...) on class `ChaosExtensionLiveTest.BadUpstreamTestCases`:"
                        + " 'ftp://api.example.com/v1' is not an http or https URL; give the API's base URL, e.g. https://api.openai.com/v1");
    }
}
