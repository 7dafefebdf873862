package dev.chaosgate.verdict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.scenario.Chaos;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.testsupport.ParallelSafe;
import dev.chaosgate.upstream.Faults;
import dev.chaosgate.upstream.StreamPacing;
import dev.chaosgate.upstream.UpstreamExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stalled stream end to end, through a real gateway: an answer the client waited out and received in full
 * is an answer (at most the user waited too long), while a client that left during the stall, or was still
 * waiting when it was stopped, is judged for the cut or for hanging, as before.
 */
@ParallelSafe
@Timeout(60)
class StallVerdictTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROMPT = "Explain how TCP slow start works";
    private static final Duration STALL = Duration.ofSeconds(3);
    private static final String INTERRUPTED = "The answer was interrupted before its end. Press Regenerate to try again; your prompt is kept.";

    /** The catalog's stream-stall, shortened: a 3 s stall after two pieces of text, the same two alternatives. */
    private static Scenario stall(Duration userWaitsAtMost) {
        return Chaos.scenario("stream-stall")
                .then(Chaos.phase("stall").forRequests(1).serving(Faults.streamStall(STALL)))
                .then(Chaos.phase("normal"))
                .expect(Chaos.anyOf(
                        Chaos.stopsWith("stream_interrupted").withUserWaitsAtMost(userWaitsAtMost),
                        Chaos.recovers().withMaxAttempts(3).withUserWaitsAtMost(userWaitsAtMost)))
                .build();
    }

    /** What one streamed request got: the text read, whether [DONE] came, whether the client closed it first. */
    record Read(String text, boolean done, boolean leftEarly) {
    }

    /**
     * Reads a Chat Completions stream; with an {@code idle} timeout it closes the body when no line comes for that
     * long (as an app's idle watchdog does), and with {@code killAfter} it closes it then, as a killed process would.
     */
    private static Read read(ChaosGateway gateway, Duration idle, Duration killAfter) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        String body = JSON.writeValueAsString(JSON.createObjectNode().put("model", "gpt-4o-mini").put("stream", true)
                .set("messages", JSON.createArrayNode().add(JSON.createObjectNode().put("role", "user").put("content", PROMPT))));
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/chat/completions"))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        StringBuilder text = new StringBuilder();
        boolean done = false;
        boolean[] closed = {false};
        Runnable close = () -> {
            closed[0] = true;
            try {
                response.body().close();
            } catch (IOException ignored) {
                // closing is all we want
            }
        };
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            if (killAfter != null) {
                timer.schedule(close, killAfter.toMillis(), TimeUnit.MILLISECONDS);
            }
            ScheduledFuture<?> watchdog = idle == null ? null : timer.schedule(close, idle.toMillis(), TimeUnit.MILLISECONDS);
            String line;
            while ((line = lines.readLine()) != null) {
                if (watchdog != null) {
                    watchdog.cancel(false);
                    watchdog = timer.schedule(close, idle.toMillis(), TimeUnit.MILLISECONDS);
                }
                if (line.equals("data: [DONE]")) {
                    done = true;
                } else if (line.startsWith("data: ")) {
                    JsonNode delta = JSON.readTree(line.substring(6)).path("choices").path(0).path("delta");
                    text.append(delta.path("content").asText(""));
                }
            }
        } catch (IOException e) {
            assertThat(closed[0]).as("the stream broke only because the client closed it: %s", e).isTrue();
        } finally {
            timer.shutdownNow();
        }
        return new Read(text.toString(), done, closed[0]);
    }

    private static void assertCodes(Verdict verdict, FindingCode... expected) {
        EnumSet<FindingCode> codes = EnumSet.noneOf(FindingCode.class);
        codes.addAll(List.of(expected));
        assertThat(verdict.codes()).as("finding codes of\n%s", verdict.explain()).isEqualTo(codes);
    }

    @Test
    void anAnswerThatCompletesAfterTheStallIsAnAnswer() throws Exception {
        for (Duration limit : List.of(Duration.ofSeconds(20), Duration.ofSeconds(2))) {
            try (ChaosGateway gateway = ChaosGateway.builder().pacing(StreamPacing.immediate()).scenario(stall(limit)).start()) {
                Read read = read(gateway, null, null);
                assertThat(read.done()).as("the client waited the stall out and got [DONE]").isTrue();
                Verdict verdict = gateway.verdict(ClientReport.of(PROMPT, List.of(read.text()), ""));
                UpstreamExchange exchange = gateway.exchanges().get(0);
                assertThat(exchange.fault()).contains("stall");
                assertThat(exchange.delivered()).as("the stalled answer reached the client in full").isTrue();
                assertThat(verdict.attempts()).hasSize(1);
                assertThat(verdict.attempts().get(0).failureClass()).as("an answer received in full is no failure").isNull();
                assertThat(verdict.attempts().get(0).describe()).contains("answered in full despite: stream stall after 2 text deltas");
                if (limit.compareTo(STALL) > 0) {
                    // No cut-stream finding (TRUNCATION_UNDETECTED, PROMPT_LOST, NO_GUIDANCE): the user got the answer.
                    assertCodes(verdict);
                } else {
                    // The user sat through the stall: the one right finding for a client without an idle timeout.
                    assertCodes(verdict, FindingCode.USER_KEPT_WAITING);
                    assertThat(verdict.explain()).contains("for an answer (attempt 1)");
                }
            }
        }
    }

    @Test
    void aClientWhoseIdleTimeoutFiresDuringTheStallIsJudgedForTheCut() throws Exception {
        try (ChaosGateway gateway = ChaosGateway.builder().pacing(StreamPacing.immediate()).scenario(stall(Duration.ofSeconds(20))).start()) {
            Read read = read(gateway, Duration.ofMillis(1000), null);
            assertThat(read.leftEarly()).as("the idle timeout fired").isTrue();
            assertThat(read.text()).as("two pieces of text arrived before the stall").isNotBlank();
            // The partial answer, marked interrupted, the prompt kept: a good client.
            Verdict marked = gateway.verdict(ClientReport.of(PROMPT, List.of(read.text(), INTERRUPTED), PROMPT));
            UpstreamExchange exchange = gateway.exchanges().get(0);
            assertThat(exchange.delivered()).isFalse();
            assertThat(exchange.failureClass()).isEqualTo("stream_interrupted");
            assertCodes(marked);
            // The partial answer left as if it were whole, the composer cleared: the cut-stream findings, as before.
            Verdict unmarked = gateway.verdict(ClientReport.of(PROMPT, List.of(read.text()), ""));
            assertCodes(unmarked, FindingCode.TRUNCATION_UNDETECTED, FindingCode.PROMPT_LOST);
        }
    }

    @Test
    void aClientStoppedWhileStillWaitingDuringTheStallHung() throws Exception {
        try (ChaosGateway gateway = ChaosGateway.builder().pacing(StreamPacing.immediate()).scenario(stall(Duration.ofSeconds(20))).start()) {
            Read read = read(gateway, null, Duration.ofMillis(1500));
            assertThat(read.done()).isFalse();
            Verdict verdict = gateway.verdict(ClientReport.of(PROMPT, List.of(read.text()), PROMPT)
                    .withStoppedAfter(Duration.ofMillis(1500)));
            assertCodes(verdict, FindingCode.CLIENT_HUNG);
        }
    }
}
