package com.example.chat;

import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.junit.ChaosTest;
import dev.chaosgate.junit.PlayScenario;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A client team's first chaos test: a small chat client that retries a 502 once, judged by chaosgate. */
@ChaosTest
class ChatClientChaosTest {
    private static final String PROMPT = "Where is my order 1234?";
    private static final Pattern CONTENT = Pattern.compile("\"content\"\\s*:\\s*\"([^\"]*)\"");

    @Test
    @PlayScenario("bad-gateway-single")
    void oneBadGatewayIsRetriedAway(ChaosGateway gateway) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/chat/completions"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer sk-test")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\""
                        + PROMPT + "\"}]}"))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 502) {
            Thread.sleep(300);                                   // back off, then retry the same request
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        }
        assertEquals(200, response.statusCode(), "the retry's status; body: " + response.body());
        Matcher answer = CONTENT.matcher(response.body());
        assertTrue(answer.find(), "an answer in " + response.body());

        gateway.verdict(PROMPT, List.of(answer.group(1)), "").assertPassed();
    }

    /**
     * The harness on the class path is the jar just deployed to the repository, not an older copy installed in
     * {@code ~/.m2}: scripts/check-client-project passes the deployed jar's SHA-1.
     */
    @Test
    void theHarnessOnTheClassPathIsTheDeployedOne() throws Exception {
        String expected = System.getProperty("chaosgate.expectedSha1");
        assertNotNull(expected, "run through scripts/check-client-project, which passes -Dchaosgate.expectedSha1");
        Path jar = Path.of(ChaosGateway.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(Files.readAllBytes(jar)));
        assertEquals(expected, actual, "SHA-1 of the harness jar on the test class path (" + jar + ") against the deployed jar");
    }
}
