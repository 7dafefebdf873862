package dev.chaosgate.cli;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code chaosgate serve --upstream URL} end to end through the command: the banner names the real API, the run is
 * recorded with its answers, and {@code serve --replay FILE} (no {@code --upstream}) serves them again with the real
 * API gone. The real API is a stand-in server on loopback.
 */
class ServeLiveTest {
    private static final String REAL = "{\"id\":\"chatcmpl-cli-stand-in\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
            + "\"assistant\",\"content\":\"answered by the CLI test's stand-in\"},\"finish_reason\":\"stop\"}]}";
    private static final String KEY = "sk-cli-live-Wk27TESTKEY";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void liveThenOfflineReplayThroughTheCommand() throws Exception {
        AtomicInteger reached = new AtomicInteger();
        HttpServer standIn = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        standIn.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            reached.incrementAndGet();
            byte[] body = REAL.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        standIn.start();
        String upstream = "http://127.0.0.1:" + standIn.getAddress().getPort() + "/v1";
        Path recording = dir.resolve("live.json");
        List<HttpResponse<String>> live = new ArrayList<>();
        try (ServeRun run = ServeRun.start("--scenario", "bad-gateway-single", "--port", "0", "--console-port", "0",
                "--upstream", upstream, "--record", recording.toString())) {
            assertThat(run.out.toString()).contains("  live upstream: " + upstream + "   (requests without a fault go there");
            live.add(chat(run.baseUrl()));
            live.add(chat(run.baseUrl()));
        } finally {
            standIn.stop(0);
        }

        assertThat(live).extracting(HttpResponse::statusCode).containsExactly(502, 200);
        assertThat(live.get(1).body()).isEqualTo(REAL);
        assertThat(reached).as("requests the stand-in got: the 502 never reached it").hasValue(1);
        assertThat(Files.readString(recording)).doesNotContain(KEY).contains("answered by the CLI test's stand-in");

        List<HttpResponse<String>> replayed = new ArrayList<>();
        try (ServeRun replay = ServeRun.start("--replay", recording.toString(), "--port", "0", "--console-port", "0")) {
            assertThat(replay.out.toString()).doesNotContain("live upstream");
            replayed.add(chat(replay.baseUrl()));
            replayed.add(chat(replay.baseUrl()));
            assertThat(replay.err.toString()).as("warnings").isEmpty();
        }
        assertThat(replayed).extracting(HttpResponse::statusCode).containsExactly(502, 200);
        assertThat(replayed.get(1).body()).as("the recorded real answer, with the stand-in stopped").isEqualTo(REAL);
        assertThat(reached).hasValue(1);
    }

    private HttpResponse<String> chat(String baseUrl) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions")).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"Where is my order?\"}]}")).build(), HttpResponse.BodyHandlers.ofString());
    }
}
