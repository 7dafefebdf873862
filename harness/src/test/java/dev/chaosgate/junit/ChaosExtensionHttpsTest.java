package dev.chaosgate.junit;

import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.upstream.UpstreamExchange;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;

import javax.net.ssl.SSLContext;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static dev.chaosgate.junit.ChaosTestKit.assertAllSucceeded;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @ChaosTest(https = true)}: the gateway serves HTTPS and an {@link SSLContext} parameter trusts its authority;
 * without {@code https}, asking for the context is an error that says how to turn HTTPS on. Fixtures run through
 * the JUnit engine.
 */
class ChaosExtensionHttpsTest {
    static final Map<String, String> SEEN = new ConcurrentHashMap<>();

    @ChaosTest(https = true, pacing = ChaosTest.Pacing.IMMEDIATE)
    static class HttpsTestCases {
        @Test
        @PlayScenario("bad-gateway-single")
        void aClientGivenTheContextTalksHttps(ChaosGateway gateway, SSLContext tls) throws Exception {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(tls).build();
            int first = ChaosTestKit.chat(client, gateway);
            int second = ChaosTestKit.chat(client, gateway);
            List<Integer> statuses = gateway.exchanges().stream().map(UpstreamExchange::status).toList();
            SEEN.put("https", gateway.baseUrl().substring(0, 8) + " " + first + " " + second + " " + statuses);
        }
    }

    @ChaosTest
    static class PlainTestCases {
        @Test
        @PlayScenario("bad-gateway-single")
        void asksForAContext(SSLContext tls) {
            SEEN.put("plain", "resolved");
        }
    }

    @Test
    void theGatewayServesHttpsAndTheContextTrustsIt() {
        SEEN.clear();
        EngineExecutionResults results = ChaosTestKit.run(HttpsTestCases.class);
        assertAllSucceeded(results, 1);
        assertThat(SEEN.get("https")).isEqualTo("https:// 502 200 [502, 200]");
    }

    @Test
    void aContextFromAPlainGatewayIsAnErrorThatSaysHowToTurnHttpsOn() {
        SEEN.clear();
        Throwable failure = ChaosTestKit.singleFailure(ChaosTestKit.run(PlainTestCases.class));
        assertThat(failure).hasMessageContaining("serves plain HTTP: write @ChaosTest(https = true)");
        assertThat(SEEN).doesNotContainKey("plain");
    }
}
