package dev.chaosgate.console;

import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.upstream.FaultDecision;
import dev.chaosgate.upstream.UpstreamExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The session behind the console: its recording file, its log, and what a replay allows. */
class ServeSessionTest {
    @TempDir
    Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
    }

    private RunningConsole start(String scenario, Path recordTo) {
        RunningConsole console = RunningConsole.start(scenario, recordTo);
        open.add(console);
        return console;
    }

    @Test
    void theRecordingFileIsWrittenAtOnceAndKeptUpToDateAsRequestsArrive() {
        Path file = dir.resolve("run.json");
        RunningConsole c = start("bad-gateway-burst", file);

        assertThat(file).as("written before the first request").exists();
        assertThat(read(file).decisions()).isEmpty();
        assertThat(c.session.recordingPath()).isEqualTo(file.toAbsolutePath());

        c.chat("one");
        c.chat("two");
        c.chat("three");

        Recording recorded = await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> read(file), r -> r.decisions().size() == 3);
        assertThat(recorded.scenario().name()).isEqualTo("bad-gateway-burst");
        assertThat(recorded.seed()).isEqualTo(2);
        assertThat(recorded.decisions()).extracting(FaultDecision::label)
                .containsExactly("502 cloudflare/502-branded", "502 cloudflare/502-branded", null);
    }

    @Test
    void closingWritesWhatTheLastPeriodicWriteMissed() throws Exception {
        Path file = dir.resolve("run.json");
        RunningConsole c = RunningConsole.start("bad-gateway-single", file);
        try {
            c.chat("quick");
            ConsoleApiTest.awaitLog(c, 0, 1);
        } finally {
            c.close();
        }

        Recording recorded = read(file);
        assertThat(recorded.decisions()).hasSize(1);
        String text = Files.readString(file);
        assertThat(text).contains("\"journal\"").contains("\"prompt\" : \"quick\"");
    }

    @Test
    void aTimedScenarioStartsAtTheAppsFirstGenerationRequestHoweverLongQaTakesToType() throws Exception {
        RunningConsole c = start("gateway-flapping", null);
        assertThat(c.api("state").path("clockStart").isNull()).as("before any request").isTrue();
        java.net.http.HttpRequest models = java.net.http.HttpRequest.newBuilder(java.net.URI.create(c.session.baseUrl() + "/models")).GET().build();
        assertThat(c.send(java.net.http.HttpRequest.newBuilder(models.uri()).GET()).statusCode()).isEqualTo(200);
        // QA types the prompt: on a clock started with the session this would be gateway-flapping's up window (1 s down, 2 s up).
        Thread.sleep(1200);
        assertThat(c.api("state").path("clockStart").isNull()).as("after the app's model list").isTrue();
        assertThat(c.chat("first")).as("the first generation request meets the 503 wave").isEqualTo(503);
        Instant started = Instant.parse(c.api("state").path("clockStart").asText());
        assertThat(started).isBefore(Instant.now());

        c.api("reset", "{}");
        assertThat(c.api("state").path("clockStart").isNull()).as("after a reset the clock waits again").isTrue();
        c.api("pause", "{}");
        assertThat(c.chat("while paused")).isEqualTo(200);
        assertThat(c.api("state").path("clockStart").isNull()).as("a request while faults are paused does not start it").isTrue();
        c.api("resume", "{}");
        Thread.sleep(1200);
        assertThat(c.chat("after resuming")).as("the first generation request after resuming meets the 503 wave").isEqualTo(503);
        assertThat(c.api("state").path("clockStart").isNull()).isFalse();
    }

    @Test
    void switchingOrResettingStartsANewSegmentAndKeepsTheEarlierOnes() {
        Path file = dir.resolve("run.json");
        RunningConsole c = start("bad-gateway-single", file);
        c.chat("a");
        c.chat("b");
        await().atMost(Duration.ofSeconds(5)).until(() -> c.session.recording().decisions().size() == 2);
        assertThat(c.api("state").path("segment").asInt()).as("the state's segment at the start").isEqualTo(1);

        c.session.switchScenario("access-denied-1020");
        assertThat(c.api("state").path("segment").asInt()).as("the state's segment after a switch").isEqualTo(2);
        assertThat(c.session.recording().scenario().name()).isEqualTo("access-denied-1020");
        assertThat(c.session.recording().decisions()).as("the new segment").isEmpty();
        c.chat("c");
        List<Recording> switched = await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> Recording.readSegments(file, ScenarioCatalog.builtIn()),
                        r -> r.size() == 2 && r.get(1).decisions().size() == 1);
        assertThat(switched.get(0).decisions()).as("the first segment, kept").hasSize(2);
        assertThat(switched.get(1).cause()).isEqualTo(Recording.SWITCH);
        assertThat(switched.get(1).decisions().get(0).fault()).isNotNull();

        c.session.reset();
        assertThat(c.session.recording().decisions()).isEmpty();
        assertThat(c.session.recordedDecisions()).as("every segment's decisions").isEqualTo(3);
        c.session.reset();
        assertThat(c.session.recordedSegments()).as("a reset in a segment where nothing happened replaces it")
                .extracting(Recording::cause).containsExactly(Recording.START, Recording.SWITCH, Recording.RESET);
        assertThat(c.api("state").path("segment").asInt()).as("the state's segment after two resets").isEqualTo(3);
        List<Recording> written = await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> Recording.readSegments(file, ScenarioCatalog.builtIn()), r -> r.size() == 3);
        assertThat(written).extracting(r -> r.decisions().size()).containsExactly(2, 1, 0);
    }

    @Test
    void aSeedGivenToTheSessionSeedsEveryScenarioItPlays() {
        ServeSession session = ServeSession.builder().scenario("brownout-30-percent").seed(99).start();
        open.add(session);

        assertThat(session.state().seed()).isEqualTo(99);
        session.switchScenario("bad-gateway-burst");
        assertThat(session.state().seed()).isEqualTo(99);
    }

    @Test
    void aPlainSessionRefusesToSwitchToAScenarioThatBreaksTlsAndSaysHowToServeHttps() {
        ServeSession session = ServeSession.builder().scenario("bad-gateway-single").start();
        open.add(session);

        assertThat(session.certificateAuthority()).as("a plain session has no authority").isNull();
        assertThatThrownBy(() -> session.switchScenario("tls-inspection-untrusted"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("breaks TLS").hasMessageContaining("chaosgate serve --https");
        assertThat(session.state().scenario()).as("still playing what it played").isEqualTo("bad-gateway-single");
    }

    @Test
    void aSessionStartedOnAScenarioThatBreaksTlsServesHttpsAndATrustingClientMeetsTheInspectingCertificate() throws Exception {
        ServeSession session = ServeSession.builder().scenario("tls-inspection-untrusted").start();
        open.add(session);
        assertThat(session.baseUrl()).startsWith("https://127.0.0.1:");
        HttpClient trusting = HttpClient.newBuilder().sslContext(session.certificateAuthority().clientContext())
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest chat = HttpRequest.newBuilder(URI.create(session.baseUrl() + "/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build();

        // The scenario's first phase presents a certificate from an issuer the client was not told to trust.
        assertThatThrownBy(() -> trusting.send(chat, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
        session.switchScenario("bad-gateway-single");
        HttpResponse<String> answer = trusting.send(chat, HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as("the gateway's own certificate is trusted: " + answer.body()).isEqualTo(502);
    }

    @Test
    void httpsAskedForServesEveryScenarioOverTlsAndCanSwitchToOneThatBreaksIt() {
        ServeSession session = ServeSession.builder().scenario("bad-gateway-single").https().start();
        open.add(session);

        assertThat(session.baseUrl()).startsWith("https://");
        assertThat(session.certificateAuthority().pem()).startsWith("-----BEGIN CERTIFICATE-----");
        session.switchScenario("tls-inspection-untrusted");
        assertThat(session.state().scenario()).isEqualTo("tls-inspection-untrusted");
    }

    @Test
    void http2AskedForServesAnHttp2ClientOverHttp2AndAnHttp1ClientOverHttp1() throws Exception {
        ServeSession session = ServeSession.builder().scenario("bad-gateway-single").http2().start();
        open.add(session);
        assertThat(session.baseUrl()).startsWith("https://");

        for (HttpClient.Version version : List.of(HttpClient.Version.HTTP_2, HttpClient.Version.HTTP_1_1)) {
            HttpClient client = HttpClient.newBuilder().version(version).sslContext(session.certificateAuthority().clientContext()).build();
            HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create(session.baseUrl() + "/models"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.version()).as("asked for %s", version).isEqualTo(version);
        }
    }

    @Test
    void anUnknownScenarioFailsBeforeAnythingListens() {
        assertThatThrownBy(() -> ServeSession.builder().scenario("brownout").start())
                .isInstanceOf(UnknownScenarioException.class)
                .hasMessage("no scenario named 'brownout'; closest: brownout-30-percent, full-outage, slow-trickle"
                        + " (`chaosgate list` shows them all)");
    }

    @Test
    void aRecordingFileThatCannotBeWrittenIsARecordingException() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("file.txt"), "x");

        assertThatThrownBy(() -> ServeSession.builder().scenario("bad-gateway-single")
                .recordTo(notADirectory.resolve("run.json")).start())
                .isInstanceOf(RecordingException.class)
                .hasMessageStartingWith("cannot write the recording to " + notADirectory.resolve("run.json"));
    }

    @Test
    void whileReplayingFailNextAndPauseAreRefusedBecauseTheRecordingDecides() {
        Recording recording = Recording.start(ScenarioCatalog.builtIn().get("bad-gateway-single"), 502);
        recording.add(new FaultDecision(1, true, "bad-gateway", "502", dev.chaosgate.upstream.Faults.status(502),
                Map.of(), FaultDecision.Source.SCENARIO));
        RunningConsole c = RunningConsole.start(null, null, b -> b.replay(recording));
        open.add(c);

        assertThat(c.session.state().replaying()).isTrue();
        assertThat(c.session.state().replayRemaining()).isEqualTo(1);
        assertThatThrownBy(() -> c.session.failNext(1, "bad-gateway")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("while a recording is replayed");
        ConsoleApiTest.assertError(c.post("/__chaosgate/api/pause", "{}"), 409, "cannot pause faults while a recording is replayed");

        c.session.switchScenario("bad-gateway-single");
        assertThat(c.session.state().replaying()).as("switching ends the replay").isFalse();
        c.session.failNext(1, "bad-gateway");
    }

    @Test
    void theLogKeepsTheNewestEntriesAndTheSourceOfEachAnswer() {
        RequestLog log = new RequestLog(2);
        for (long sequence = 1; sequence <= 3; sequence++) {
            log.decided(new FaultDecision(sequence, true, null, null, null, Map.of(),
                    sequence == 2 ? FaultDecision.Source.INJECTED : FaultDecision.Source.PAUSED));
            log.finished(exchange(sequence, true), null);
        }
        log.finished(exchange(4, false), null);

        assertThat(log.last()).isEqualTo(3);
        assertThat(log.after(0)).extracting(LogEntry::sequence).containsExactly(2L, 3L);
        assertThat(log.after(0)).extracting(LogEntry::source).containsExactly("injected", "paused");
        assertThat(log.after(2)).extracting(LogEntry::request).containsExactly(3L);
    }

    private static UpstreamExchange exchange(long sequence, boolean complete) {
        return new UpstreamExchange(sequence, Instant.now(), 1, "POST", "/v1/chat/completions", Map.of(), "{}", null, 200,
                Map.of(), false, Duration.ofMillis(3), complete, null, null, "a prompt " + "x".repeat(100));
    }

    private static Recording read(Path file) {
        return Recording.read(file, ScenarioCatalog.builtIn());
    }
}
