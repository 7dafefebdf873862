package dev.chaosgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaosgate.console.Recording;
import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.testsupport.ParallelSafe;
import dev.chaosgate.upstream.FaultDecision;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recordings are never lost: each serve session records to a new file, an existing file is never written over,
 * Reset and Switch start a new segment of the same recording (replayed one at a time or all in order), and Ctrl-C
 * or SIGTERM ends with a line saying where the recording is. Real serve processes and real HTTP requests.
 */
@ParallelSafe
class ServeRecordingKeptTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ScenarioCatalog CATALOG = ScenarioCatalog.builtIn();
    private static final Pattern STOPPED = Pattern.compile(
            "chaosgate serve: stopped; the recording is (\\S+) \\((\\d+) decisions? in (\\d+) segments?\\); replay it with"
                    + " `chaosgate serve --replay \\S+`");

    @TempDir
    Path dir;

    @Test
    void restartingServeInTheSameFolderKeepsTheEarlierRecordingAndCtrlCSaysWhereItIs() throws Exception {
        Path first;
        try (CliProcess serve = CliProcess.start(dir, "serve", "--scenario", "bad-gateway-burst", "--port", "0",
                "--console-port", "0")) {
            String baseUrl = baseUrl(serve);
            assertThat(chat(baseUrl, "one")).isEqualTo(502);
            assertThat(chat(baseUrl, "two")).isEqualTo(502);

            serve.interrupt();

            assertThat(serve.awaitExit(Duration.ofSeconds(30))).as("exit code after Ctrl-C\n%s", serve).isEqualTo(130);
            Matcher stopped = stoppedLine(serve);
            first = Path.of(stopped.group(1));
            assertThat(stopped.group(2)).as("decisions in the line").isEqualTo("2");
            assertThat(stopped.group(3)).as("segments in the line").isEqualTo("1");
        }
        assertThat(first.getParent()).isEqualTo(dir.toRealPath());
        assertThat(first.getFileName().toString()).matches("chaosgate-recording-\\d{8}-\\d{6}(-\\d+)?\\.json");

        Path second;
        try (CliProcess serve = CliProcess.start(dir, "serve", "--scenario", "bad-gateway-burst", "--port", "0",
                "--console-port", "0")) {
            baseUrl(serve);

            serve.terminate();

            assertThat(serve.awaitExit(Duration.ofSeconds(30))).as("exit code after SIGTERM\n%s", serve).isEqualTo(143);
            Matcher stopped = stoppedLine(serve);
            second = Path.of(stopped.group(1));
            assertThat(stopped.group(2)).isEqualTo("0");
        }

        assertThat(second).as("the second session's file").isNotEqualTo(first);
        assertThat(Recording.readSegments(first, CATALOG)).as("the first session's recording after the restart")
                .singleElement().satisfies(segment -> assertThat(segment.decisions()).extracting(FaultDecision::label)
                        .containsExactly("502 cloudflare/502-branded", "502 cloudflare/502-branded"));
        assertThat(Recording.readSegments(second, CATALOG).get(0).decisions()).isEmpty();
    }

    @Test
    void aRecordFileThatExistsIsRefusedAndLeftAsItWas() throws IOException {
        Path taken = Files.writeString(dir.resolve("qa.json"), "{\"an\": \"earlier recording\"}\n");
        byte[] before = Files.readAllBytes(taken);

        ServeRun.Finished result = ServeRun.toEnd("--scenario", "bad-gateway-single", "--port", "0", "--console-port", "0",
                "--record", taken.toString());

        assertThat(result.exit()).as(result.err()).isEqualTo(ChaosgateCli.EXIT_USAGE);
        assertThat(result.err().strip()).isEqualTo("chaosgate serve: the recording " + taken.toAbsolutePath()
                + " already exists, and a recording is never written over; give a new file with --record, or leave"
                + " --record out for a new timestamped file");
        assertThat(Files.readAllBytes(taken)).as("the existing file").isEqualTo(before);
    }

    @Test
    void resetAndSwitchStartSegmentsOfTheSameRecordingAndReplayPlaysOneOrAll() throws Exception {
        Path file = dir.resolve("session.json");
        try (ServeRun serve = ServeRun.start("--scenario", "bad-gateway-single", "--port", "0", "--console-port", "0",
                "--record", file.toString())) {
            assertThat(chat(serve.baseUrl(), "a")).isEqualTo(502);
            assertThat(chat(serve.baseUrl(), "b")).isEqualTo(200);
            post(serve.consoleUrl() + "api/reset", "{}");
            assertThat(chat(serve.baseUrl(), "c")).isEqualTo(502);
            post(serve.consoleUrl() + "api/scenario", "{\"name\": \"access-denied-1020\"}");
            assertThat(chat(serve.baseUrl(), "d")).isEqualTo(403);
        }

        List<Recording> segments = Recording.readSegments(file, CATALOG);
        assertThat(segments).extracting(Recording::cause).containsExactly("start", "reset", "switch");
        assertThat(segments).extracting(s -> s.scenario().name())
                .containsExactly("bad-gateway-single", "bad-gateway-single", "access-denied-1020");
        assertThat(segments).extracting(s -> s.decisions().size()).containsExactly(2, 1, 1);

        assertThat(replayStatuses(file, null, 5)).as("every segment, in order, then normal answers")
                .containsExactly(502, 200, 502, 403, 200);
        assertThat(replayStatuses(file, "2", 2)).as("segment 2 only").containsExactly(502, 200);
        assertThat(replayStatuses(file, "3", 2)).as("segment 3 only").containsExactly(403, 200);

        ServeRun.Finished outOfRange = ServeRun.toEnd("--replay", file.toString(), "--segment", "4", "--port", "0");
        assertThat(outOfRange.exit()).isEqualTo(ChaosgateCli.EXIT_USAGE);
        assertThat(outOfRange.err().strip()).isEqualTo("chaosgate serve: --segment 4: " + file
                + " holds 3 segments (1..3); leave --segment out to replay them all");
    }

    /** Replays {@code file} (one segment, or all when null) and returns the statuses of {@code requests} chats. */
    private static List<Integer> replayStatuses(Path file, String segment, int requests) throws Exception {
        List<String> args = new ArrayList<>(List.of("--replay", file.toString(), "--port", "0", "--console-port", "0"));
        if (segment != null) {
            args.addAll(List.of("--segment", segment));
        }
        List<Integer> statuses = new ArrayList<>();
        try (ServeRun replay = ServeRun.start(args.toArray(String[]::new))) {
            for (int i = 0; i < requests; i++) {
                statuses.add(chat(replay.baseUrl(), "again " + i));
            }
        }
        return statuses;
    }

    private static String baseUrl(CliProcess serve) throws InterruptedException {
        String line = serve.awaitOut(l -> l.trim().startsWith("app base URL:"), Duration.ofSeconds(60), "the app base URL");
        serve.awaitOut(l -> l.equals("Press Ctrl-C to stop."), Duration.ofSeconds(30), "the banner's last line");
        return line.trim().substring("app base URL:".length()).trim().split("\\s+")[0];
    }

    private static Matcher stoppedLine(CliProcess serve) throws InterruptedException {
        String line = serve.awaitOut(l -> STOPPED.matcher(l).matches(), Duration.ofSeconds(10), "the line saying where the recording is");
        Matcher matcher = STOPPED.matcher(line);
        assertThat(matcher.matches()).isTrue();
        return matcher;
    }

    private static int chat(String baseUrl, String prompt) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
                .timeout(Duration.ofSeconds(20)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}"))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static void post(String url, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("POST %s: %s", url, response.body()).isEqualTo(200);
    }
}
