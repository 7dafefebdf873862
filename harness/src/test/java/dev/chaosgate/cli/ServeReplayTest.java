package dev.chaosgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chaosgate.console.Recording;
import dev.chaosgate.scenario.ScenarioCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Record and replay end to end through {@code chaosgate serve}: a run whose faults were drawn at
 * random is served again, fault for fault, by {@code serve --replay}, whatever the seed.
 */
class ServeReplayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final int REQUESTS = 20;

    @TempDir
    Path dir;

    /** What the app met on one request: the status and the fault served, as the console logged them. */
    private record Met(int status, String fault) {
    }

    @Test
    void replayServesTheRecordedRandomFaultsInTheSameOrder() throws Exception {
        Path recording = dir.resolve("brownout.json");
        List<Met> recorded;
        try (ServeRun run = serve("--scenario", "brownout-30-percent", "--seed", "7", "--record", recording.toString())) {
            recorded = sendAndLog(run, REQUESTS);
        }
        assertThat(recorded).as("a run with both faults and answers, or the test proves little")
                .anySatisfy(m -> assertThat(m.status()).isEqualTo(502))
                .anySatisfy(m -> assertThat(m.status()).isEqualTo(200));
        assertThat(Recording.read(recording, ScenarioCatalog.builtIn()).decisions()).hasSize(REQUESTS);

        List<Met> replayed;
        try (ServeRun run = serve("--replay", recording.toString(), "--seed", "12345")) {
            replayed = sendAndLog(run, REQUESTS);
            JsonNode state = api(run, "state");
            assertThat(state.get("replaying").asBoolean()).isTrue();
            assertThat(state.get("replayRemaining").asInt()).isZero();
            assertThat(state.get("seed").asLong()).as("the seed of the recorded run").isEqualTo(7);
        }

        assertThat(replayed).containsExactlyElementsOf(recorded);

        List<Met> reseeded;
        try (ServeRun run = serve("--scenario", "brownout-30-percent", "--seed", "12345", "--record",
                dir.resolve("other.json").toString())) {
            reseeded = sendAndLog(run, REQUESTS);
        }
        // Another --seed leaves the scenario its own fault schedule (issue 14: seeds never make a scenario vacuous).
        assertThat(reseeded).as("the same scenario under another --seed meets the same faults").isEqualTo(recorded);
    }

    @Test
    void requestsBeyondTheRecordingAreAnsweredNormally() throws Exception {
        Path recording = recordInjectedRun(5);

        try (ServeRun run = serve("--replay", recording.toString())) {
            List<Met> met = sendAndLog(run, 8);

            assertThat(met.subList(0, 5)).containsExactly(new Met(503, "503 openai/503-overloaded (injected)"),
                    new Met(503, "503 openai/503-overloaded (injected)"), new Met(502, "502"), new Met(200, "answered"),
                    new Met(200, "answered"));
            assertThat(met.subList(5, 8)).containsOnly(new Met(200, "answered"));
            JsonNode log = api(run, "log?after=5");
            log.get("entries").forEach(entry -> assertThat(entry.get("source").asText()).isEqualTo("replay"));
            assertThat(api(run, "state").get("replayRemaining").asInt()).isZero();
        }
    }

    @Test
    void aShorterSessionLeavesTheRestOfTheRecordingAndResetReplaysFromTheStart() throws Exception {
        Path recording = recordInjectedRun(5);

        try (ServeRun run = serve("--replay", recording.toString())) {
            List<Met> firstTwo = sendAndLog(run, 2);
            assertThat(firstTwo).extracting(Met::status).containsExactly(503, 503);
            assertThat(api(run, "state").get("replayRemaining").asInt()).isEqualTo(3);

            post(run, "reset");
            assertThat(api(run, "state").get("replayRemaining").asInt()).isEqualTo(5);
            List<Met> again = sendAndLog(run, 5);
            assertThat(again).extracting(Met::status).containsExactly(503, 503, 502, 200, 200);
        }
    }

    // ---- helpers ----

    private ServeRun serve(String... args) throws InterruptedException {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--port", "0", "--console-port", "0"));
        return ServeRun.start(all.toArray(String[]::new));
    }

    /** Two injected 503s, then the scenario's 502 and answers, recorded over {@code requests} requests. */
    private Path recordInjectedRun(int requests) throws Exception {
        Path recording = dir.resolve("injected.json");
        try (ServeRun run = serve("--scenario", "bad-gateway-single", "--record", recording.toString())) {
            post(run, "fail-next", "{\"count\": 2, \"fault\": \"service-unavailable\"}");
            sendAndLog(run, requests);
        }
        return recording;
    }

    /**
     * Sends {@code count} chat requests one after the other, then reads what the console logged for
     * them; the statuses the app got must agree with the log.
     */
    private static List<Met> sendAndLog(ServeRun run, int count) throws Exception {
        long before = api(run, "log").get("last").asLong();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            statuses.add(chat(run.baseUrl(), "question " + i));
        }
        JsonNode entries = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> api(run, "log?after=" + before).get("entries"), e -> e.size() >= count);
        List<Met> met = new ArrayList<>();
        for (JsonNode entry : entries) {
            met.add(new Met(entry.get("status").asInt(), entry.get("fault").asText()));
        }
        assertThat(met).extracting(Met::status).containsExactlyElementsOf(statuses);
        return met;
    }

    private static JsonNode api(ServeRun run, String endpoint) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(run.consoleUrl() + "api/" + endpoint))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static void post(ServeRun run, String endpoint) throws IOException, InterruptedException {
        post(run, endpoint, "{}");
    }

    private static void post(ServeRun run, String endpoint, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(run.consoleUrl() + "api/" + endpoint))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private static int chat(String baseUrl, String prompt) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
                .timeout(Duration.ofSeconds(10)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"" + prompt + "\"}]}"))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
