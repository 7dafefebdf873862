package dev.chaosgate.console;

import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.upstream.live.LiveAnswer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
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
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Live mode over real sockets: a serve session in front of a stand-in for the real API ({@link StandInApi}, its own
 * server on loopback). What the scenario does not fault reaches the stand-in with the app's key and comes back byte
 * for byte (a stream as it comes); the scenario's 502s never reach it; the answers are recorded and a replay serves
 * them again with the stand-in gone; the key is in nothing chaosgate keeps or shows.
 */
class LiveModeTest {
    /** A key no fixture or template could produce: finding it anywhere means it leaked. */
    private static final String KEY = "sk-live-Zq81mXv0TESTKEY4e7c";
    private static final String PROMPT = "Why is the sea blue?";
    /** The query as Gemini's keys travel ({@code ?key=}), on the chat path so it is a generation request all the same. */
    private static final String CHAT = "/chat/completions?key=" + KEY;

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<String> warnings = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    @Test
    void whatTheScenarioDoesNotFaultReachesTheRealApiWithTheKeyAndFaultsNeverDo() throws Exception {
        StandInApi api = track(new StandInApi());
        RunningConsole console = live(api.baseUrl(), dir.resolve("live.json"));

        List<HttpResponse<byte[]>> answers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            answers.add(send(console, "POST", CHAT, chat(PROMPT, false)));
        }

        assertThat(answers).extracting(HttpResponse::statusCode).as("bad-gateway-burst: two 502s, then the real answer")
                .containsExactly(502, 502, 200);
        assertThat(text(answers.get(0))).as("the scenario's 502 is chaosgate's Cloudflare page").contains("Bad gateway");
        assertThat(api.received).as("requests the stand-in got: the two faulted ones must never reach it").hasSize(1);
        assertThat(text(answers.get(2))).as("the stand-in's answer, byte for byte").isEqualTo(StandInApi.ANSWER);
        assertThat(answers.get(2).headers().firstValue("x-stand-in")).as("the real answer's own headers").hasValue("answer");

        StandInApi.Received got = api.received.get(0);
        assertThat(got.method()).isEqualTo("POST");
        assertThat(got.target()).as("path under /v1 and the query, as sent").isEqualTo("/v1" + CHAT);
        assertThat(got.body()).isEqualTo(chat(PROMPT, false));
        assertThat(got.header("authorization")).as("the app's key, passed on").isEqualTo("Bearer " + KEY);
        assertThat(got.header("api-key")).isEqualTo(KEY);
        assertThat(got.header("x-api-key")).isEqualTo(KEY);
        assertThat(got.header("x-app-header")).as("the app's other headers").isEqualTo("kept");
        assertThat(got.headers()).as("hop-by-hop headers and Accept-Encoding are not passed on")
                .doesNotContainKeys("keep-alive", "te", "accept-encoding");
        assertThat(got.header("host")).as("the real API's own host").isEqualTo(api.baseUrl().getAuthority());
        assertThat(console.session.state().liveUpstream()).as("the state the console page shows").isEqualTo(api.baseUrl().toString());
        assertThat(console.session.log(0)).extracting(LogEntry::faultName).as("the console's log")
                .containsExactly("502 bad gateway (Cloudflare page)", "502 bad gateway (Cloudflare page)", "answered by the real API");
    }

    @Test
    void aStreamIsPassedOnAsItComesAndItsBytesAreTheRealApis() throws Exception {
        StandInApi api = track(new StandInApi());
        RunningConsole console = live(api.baseUrl(), dir.resolve("live.json"));
        console.session.pause();

        HttpResponse<InputStream> response = http.send(request(console, "POST", CHAT, chat(PROMPT, true)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        StringBuilder got = new StringBuilder();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            boolean released = false;
            while ((line = reader.readLine()) != null) {
                got.append(line).append('\n');
                if (!released && line.startsWith("data:")) {
                    // The first event is here while the stand-in still holds the rest: the stream was not buffered.
                    released = true;
                    api.releaseStream();
                }
            }
        }

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
        assertThat(api.streamReleasedInTime).as("the app read the first event before the stand-in sent the last"
                + " (false: chaosgate held the stream back until its end)").isTrue();
        assertThat(got.toString()).as("the stand-in's stream, byte for byte").isEqualTo(StandInApi.STREAM_HEAD + StandInApi.STREAM_TAIL);
    }

    @Test
    void theKeyIsInNothingChaosgateKeepsOrShows() throws Exception {
        StandInApi api = track(new StandInApi());
        Path recording = dir.resolve("live.json");
        RunningConsole console = live(api.baseUrl(), recording);
        for (int i = 0; i < 3; i++) {
            send(console, "POST", CHAT, chat(PROMPT, false));
        }
        api.releaseStream();
        send(console, "POST", CHAT, chat(PROMPT, true));
        send(console, "GET", "/models", null);

        String journal = console.session.gateway().journal().toJsonLines();
        List<String> shown = List.of(console.get("/__chaosgate/api/state").body(), console.get("/__chaosgate/api/log").body(),
                console.get("/__chaosgate/api/verdict").body(), new String(console.session.metrics(), StandardCharsets.UTF_8));
        console.close();
        open.remove(console);
        String recorded = Files.readString(recording);

        assertThat(journal).as("the journal").doesNotContain(KEY).contains("Bearer [redacted]")
                .contains("?key=[redacted]").contains("\"x-api-key\":[\"[redacted]\"]");
        assertThat(recorded).as("the recording").doesNotContain(KEY).contains("\"answers\"");
        for (String answer : shown) {
            assertThat(answer).as("a console API answer").doesNotContain(KEY);
        }
        assertThat(warnings).as("warnings").noneMatch(w -> w.contains(KEY));
        assertThat(api.received).as("the stand-in did get the key: the checks above look for the right text").hasSize(3)
                .allMatch(r -> ("Bearer " + KEY).equals(r.header("authorization")));
    }

    @Test
    void aReplayServesTheRecordedRealAnswersByteForByteWithTheRealApiGone() throws Exception {
        StandInApi api = new StandInApi();
        Path recording = dir.resolve("live.json");
        List<HttpResponse<byte[]>> live = new ArrayList<>();
        try (api; RunningConsole console = live(api.baseUrl(), recording)) {
            open.remove(console);
            api.releaseStream();
            live.addAll(theSameRun(console, PROMPT));
        }
        int reached = api.received.size();
        List<dev.chaosgate.console.Recording> segments = Recording.readSegments(recording, ScenarioCatalog.builtIn());
        assertThat(segments.get(0).answers()).as("recorded answers: the third chat, the stream and the models call")
                .extracting(LiveAnswer::status).containsExactly(200, 200, 200);

        RunningConsole replay = track(RunningConsole.start(null, null, b -> b.replay(segments).warnings(warnings::add)));
        List<HttpResponse<byte[]>> replayed = theSameRun(replay, PROMPT);

        assertThat(api.received).as("the stand-in is stopped and got nothing more").hasSize(reached);
        for (int i = 0; i < live.size(); i++) {
            assertThat(replayed.get(i).statusCode()).as("status of request %d", i + 1).isEqualTo(live.get(i).statusCode());
            if (live.get(i).statusCode() == 200) {
                assertThat(replayed.get(i).body()).as("bytes of answer %d: %s", i + 1, text(replayed.get(i)))
                        .isEqualTo(live.get(i).body());
                assertThat(replayed.get(i).headers().firstValue("x-stand-in"))
                        .isEqualTo(live.get(i).headers().firstValue("x-stand-in"));
            }
        }
        assertThat(text(replayed.get(3))).isEqualTo(StandInApi.STREAM_HEAD + StandInApi.STREAM_TAIL);
        assertThat(warnings).as("a replay of the same requests warns of nothing").isEmpty();
        assertThat(replay.session.log(0)).extracting(LogEntry::faultName).as("the replay's log").endsWith(
                "answered as the real API did (recorded)", "answered as the real API did (recorded)",
                "answered as the real API did (recorded)");
    }

    @Test
    void aReplayedRequestThatDiffersFromTheRecordedOneGetsA422ThatSaysWhatDiffers() throws Exception {
        Path recording = dir.resolve("live.json");
        try (StandInApi api = new StandInApi(); RunningConsole console = live(api.baseUrl(), recording)) {
            open.remove(console);
            api.releaseStream();
            theSameRun(console, PROMPT);
        }
        List<Recording> segments = Recording.readSegments(recording, ScenarioCatalog.builtIn());
        RunningConsole replay = track(RunningConsole.start(null, null, b -> b.replay(segments).warnings(warnings::add)));

        List<HttpResponse<byte[]>> replayed = theSameRun(replay, "Why is the sky blue?");

        assertThat(replayed.get(2).statusCode()).as("the third chat, the first the real API answered").isEqualTo(422);
        assertThat(text(replayed.get(2))).contains("chaosgate_replay_mismatch").contains("the body differs")
                .contains("is not the one the recording answered in this place");
        assertThat(warnings).as("warnings").anyMatch(w -> w.startsWith("replay: request #") && w.contains("the body differs"));
        assertThat(replayed.get(4).statusCode()).as("the models call is the same request: its recorded answer")
                .isEqualTo(200);
        assertThat(text(replayed.get(4))).isEqualTo(StandInApi.MODELS);
    }

    @Test
    void anUnreachableRealApiIsAClear502AndOneWarningNeverAStackTrace() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        RunningConsole console = live(URI.create("http://127.0.0.1:" + closedPort + "/v1"), null);

        List<HttpResponse<byte[]>> answers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            answers.add(send(console, "POST", CHAT, chat(PROMPT, false)));
        }

        assertThat(answers).extracting(HttpResponse::statusCode).containsExactly(502, 502, 502, 502);
        assertThat(text(answers.get(2))).contains("chaosgate could not reach the live upstream http://127.0.0.1:" + closedPort + "/v1")
                .contains("chaosgate_upstream_unreachable").doesNotContain("Exception:").doesNotContain("\tat ");
        assertThat(text(answers.get(0))).as("a scenario fault is still the scenario's").contains("Bad gateway");
        assertThat(warnings).as("one warning for the outage, not one per request").hasSize(1);
        assertThat(warnings.get(0)).contains("the live upstream http://127.0.0.1:" + closedPort + "/v1 cannot be reached")
                .doesNotContain("\tat ");
        assertThat(console.session.gateway().exchanges()).extracting(e -> e.fault())
                .containsExactly("502 cloudflare/502-branded", "502 cloudflare/502-branded", "live upstream unreachable",
                        "live upstream unreachable");
    }

    // ---- helpers ----

    /** Three chats (bad-gateway-burst: 502, 502, then the real answer), a streamed chat and a models call. */
    private List<HttpResponse<byte[]>> theSameRun(RunningConsole console, String prompt) {
        List<HttpResponse<byte[]>> answers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            answers.add(send(console, "POST", CHAT, chat(prompt, false)));
        }
        answers.add(send(console, "POST", CHAT, chat(PROMPT, true)));
        answers.add(send(console, "GET", "/models", null));
        return answers;
    }

    private RunningConsole live(URI upstream, Path recording) {
        return track(RunningConsole.start("bad-gateway-burst", recording, b -> b.upstream(upstream).warnings(warnings::add)));
    }

    private <T extends AutoCloseable> T track(T closeable) {
        open.add(closeable);
        return closeable;
    }

    private static String chat(String prompt, boolean stream) {
        return "{\"model\":\"gpt-4o-mini\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\""
                + prompt + "\"}]}";
    }

    private HttpRequest.Builder request(RunningConsole console, String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(console.session.baseUrl() + path))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + KEY).header("api-key", KEY).header("x-api-key", KEY)
                .header("X-App-Header", "kept").header("Keep-Alive", "timeout=5").header("TE", "trailers")
                .header("Accept-Encoding", "gzip");
        if (body == null) {
            return request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
    }

    private HttpResponse<byte[]> send(RunningConsole console, String method, String path, String body) {
        try {
            return http.send(request(console, method, path, body).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }
}
