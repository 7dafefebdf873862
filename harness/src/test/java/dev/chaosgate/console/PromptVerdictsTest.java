package dev.chaosgate.console;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The admin API's verdicts per prompt, its queue of fail-next faults and the favicon, against a real serve session
 * and an app's requests over loopback.
 */
class PromptVerdictsTest {
    @RegisterExtension
    final RunningConsoles consoles = new RunningConsoles();

    private RunningConsole start(String scenario) {
        return consoles.start(scenario);
    }

    @Test
    void eachPromptIsJudgedOnItsOwnNewestFirst() {
        // One 502, then answers. The app gives up on the first prompt at once (a good client retries: NO_RETRY);
        // the second is answered.
        RunningConsole c = start("bad-gateway-single");
        assertThat(c.chat("Where is my order?")).isEqualTo(502);
        assertThat(c.chat("Cancel it then")).isEqualTo(200);

        JsonNode verdict = verdictWith(c, 2);
        JsonNode newest = verdict.get("prompts").get(0);
        JsonNode oldest = verdict.get("prompts").get(1);
        assertThat(newest.get("prompt").asText()).as(verdict.toPrettyString()).isEqualTo("Cancel it then");
        assertThat(oldest.get("prompt").asText()).isEqualTo("Where is my order?");
        assertThat(verdict.get("prompt").asText()).as("the fields around prompts are the newest prompt's").isEqualTo("Cancel it then");
        assertThat(codes(oldest)).as(oldest.toPrettyString()).containsExactly("NO_RETRY");
        assertThat(oldest.get("attempts").asInt()).isEqualTo(1);
        assertThat(oldest.get("timeline").get(0).get("answer").asText()).isEqualTo("502 bad gateway");
        assertThat(newest.get("verdict").asText()).as(newest.toPrettyString()).isEqualTo("PASS");
        assertThat(newest.get("note").asText()).contains("met no fault");
        assertThat(newest.get("attempts").asInt()).isEqualTo(1);
        assertThat(newest.get("timeline").get(0).get("offsetMs").asLong()).isZero();
        assertThat(newest.get("timeline").get(0).get("waitMs").isNull()).isTrue();
        assertThat(newest.get("prompts")).as("no nesting").isEmpty();
    }

    @Test
    void aPromptThatMeetsNoFaultWithNoEarlierOneThatDidIsStillNotExercised() {
        RunningConsole c = start("bad-gateway-single");
        c.api("pause", "");
        assertThat(c.chat("Where is my order?")).isEqualTo(200);

        JsonNode only = verdictWith(c, 1).get("prompts").get(0);
        assertThat(codes(only)).as(only.toPrettyString()).containsExactly("FAULT_NOT_EXERCISED");
        assertThat(only.get("note").isNull()).isTrue();
    }

    @Test
    void retriesOfOnePromptAreOneVerdictWithTheirWaits() throws Exception {
        RunningConsole c = start("bad-gateway-burst");
        assertThat(c.chat("Where is my order?")).isEqualTo(502);
        Thread.sleep(250);
        assertThat(c.chat("Where is my order?")).isEqualTo(502);
        Thread.sleep(250);
        assertThat(c.chat("Where is my order?")).isEqualTo(200);

        JsonNode verdict = verdictWith(c, 1);
        assertThat(verdict.get("attempts").asInt()).isEqualTo(3);
        JsonNode timeline = verdict.get("timeline");
        for (int i = 1; i < 3; i++) {
            assertThat(timeline.get(i).get("waitMs").asLong()).as("the app slept 250 ms: " + timeline).isBetween(240L, 5_000L);
            assertThat(timeline.get(i).get("offsetMs").asLong()).isGreaterThan(timeline.get(i - 1).get("offsetMs").asLong());
        }
        assertThat(timeline.get(0).get("answer").asText()).isEqualTo("502 bad gateway (Cloudflare page)");
        assertThat(timeline.get(0).get("fault").asText()).isEqualTo("502 cloudflare/502-branded");
        assertThat(timeline.get(2).get("answer").asText()).isEqualTo("200 answered");
    }

    @Test
    void whatTheAppShowedStaysWithThePromptItWasSaidFor() {
        RunningConsole c = start("access-denied-1020");
        assertThat(c.chat("Why am I blocked?")).isEqualTo(403);
        verdictWith(c, 1);
        JsonNode reported = c.api("verdict", "{\"prompt\": \"Why am I blocked?\", \"shown\": [\"Something went wrong\"]}");
        assertThat(reported.get("prompts").get(0).get("uiReported").asBoolean()).isTrue();
        assertThat(codes(reported)).as(reported.toPrettyString()).contains("PROMPT_LOST");

        c.api("pause", "");
        assertThat(c.chat("Hello?")).isEqualTo(200);
        JsonNode both = verdictWith(c, 2);
        assertThat(both.get("prompts").get(0).get("uiReported").asBoolean()).as("the newer prompt: network only").isFalse();
        assertThat(both.get("prompts").get(1).get("uiReported").asBoolean()).as("the report stays with its prompt").isTrue();
        assertThat(codes(both.get("prompts").get(1))).contains("PROMPT_LOST");
    }

    @Test
    void aQueuedStreamCutSaysWhatItWaitsForAndWhyItHasNotFired() {
        RunningConsole c = start("overloaded-under-concurrency");
        c.api("fail-next", "{\"count\": 1, \"fault\": \"stream-cut\"}");
        JsonNode state = c.api("fail-next", "{\"count\": 2, \"fault\": \"bad-gateway\"}");
        JsonNode queue = state.get("queue");
        assertThat(queue).hasSize(2);
        assertThat(queue.get(0).get("fault").asText()).isEqualTo("stream-cut");
        assertThat(queue.get(0).get("waitsFor").asText()).isEqualTo("the next streamed chat or responses request");
        assertThat(queue.get(0).get("waiting").isNull()).as("no request yet").isTrue();
        assertThat(queue.get(1).get("remaining").asInt()).isEqualTo(2);
        assertThat(queue.get(1).get("waitsFor").asText()).isEqualTo("the next chat or responses request");

        assertThat(c.chat("not streamed")).isEqualTo(200);
        JsonNode waiting = c.api("state").get("queue");
        assertThat(waiting.get(0).get("waiting").asText()).startsWith("this app's requests so far are not streamed (1 since it was queued");
        assertThat(waiting.get(1).get("waiting").isNull()).isTrue();

        assertThat(c.api("reset", "").get("queue")).as("a reset drops the queue").isEmpty();
    }

    @Test
    void theLogNamesFaultsInPlainWordsAndKeepsTheFixtureId() {
        RunningConsole c = start("bad-gateway-burst");
        assertThat(c.chat("Where is my order?")).isEqualTo(502);
        JsonNode entry = ConsoleApiTest.awaitLog(c, 0, 1).get("entries").get(0);
        assertThat(entry.get("faultName").asText()).isEqualTo("502 bad gateway (Cloudflare page)");
        assertThat(entry.get("fault").asText()).isEqualTo("502 cloudflare/502-branded");
        JsonNode verdict = verdictWith(c, 1);
        assertThat(verdict.get("findings").toString()).as("plain words in the findings: " + verdict.toPrettyString())
                .doesNotContain("cloudflare/502-branded");

        RunningConsole bare = start("bad-gateway-single");
        assertThat(bare.chat("Where is my order?")).isEqualTo(502);
        JsonNode status = ConsoleApiTest.awaitLog(bare, 0, 1).get("entries").get(0);
        assertThat(status.get("fault").asText()).isEqualTo("502");
        assertThat(status.get("faultName").asText()).as("a bare status reads with its reason").isEqualTo("502 bad gateway");
    }

    @Test
    void theFaviconIsAnSvgAtTheRootAndBesideThePage() {
        RunningConsole c = start("bad-gateway-single");
        for (String path : List.of("/favicon.ico", "/__chaosgate/favicon.svg")) {
            HttpResponse<String> icon = c.get(path);
            assertThat(icon.statusCode()).as(path).isEqualTo(200);
            assertThat(icon.headers().firstValue("content-type")).as(path).hasValue("image/svg+xml");
            assertThat(icon.body()).startsWith("<svg");
        }
    }

    private static JsonNode verdictWith(RunningConsole c, int prompts) {
        return await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> c.api("verdict"), v -> v.get("prompts").size() >= prompts);
    }

    private static List<String> codes(JsonNode verdict) {
        List<String> codes = new ArrayList<>();
        verdict.get("findings").forEach(f -> codes.add(f.get("code").asText()));
        return codes;
    }
}
