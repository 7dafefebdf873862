package dev.chaosgate.verdict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.link.ToxicStream;
import dev.chaosgate.scenario.Chaos;
import dev.chaosgate.scenario.LinkToxic;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.upstream.Faults;
import dev.chaosgate.upstream.StreamPacing;
import dev.chaosgate.upstream.UpstreamExchange;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Actions from structure, end to end: chat apps written here (java.net.http, JSON by hand, the way an
 * app without an SDK talks) run against a real gateway (link and fake upstream over loopback sockets),
 * and the verdict must group their requests into the user's action exactly: the user's turn read from
 * the request's structure, instructions and templates not mistaken for a changed prompt, title calls
 * not mistaken for retries, an answer received in full closing the action, later steps of an agent
 * action (tool results, "continue") judged like its first, and side calls never eating a fault.
 */
@Timeout(90)
class ActionsEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROMPT = "Explain how TCP slow start works";
    private static final String GOOD_BAD_GATEWAY =
            "Can't reach the AI service right now (bad gateway). Your prompt is saved, try again shortly.";
    private static final String TOOLS = "[{\"type\":\"function\",\"function\":{\"name\":\"search_docs\",\"parameters\":"
            + "{\"type\":\"object\",\"properties\":{\"query\":{\"type\":\"string\"}},\"required\":[\"query\"]}}}]";
    private static final String RESPONSES_TOOLS = "[{\"type\":\"function\",\"name\":\"search_docs\",\"parameters\":"
            + "{\"type\":\"object\",\"properties\":{\"query\":{\"type\":\"string\"}},\"required\":[\"query\"]}}]";

    /** One 502 for the first generation request, then answers. */
    private static final Scenario BAD_GATEWAY_ONCE = Chaos.scenario("bad-gateway-once")
            .then(Chaos.phase("burst").forRequests(1).serving(Faults.badGateway()))
            .then(Chaos.phase("recovered"))
            .expect(Chaos.recovers().withMaxAttempts(3))
            .build();

    // ---- the user's turn, read exactly

    @Nested
    class UserTurn {
        @Test
        void aResponsesRetryWithInstructionsAndADeveloperMessageKeepsThePrompt() throws Exception {
            try (ChaosGateway gateway = gateway(BAD_GATEWAY_ONCE)) {
                App app = new App(gateway);
                String body = responses(PROMPT, "You are a terse networking tutor.",
                        List.of(message("developer", "Answer in at most three sentences.")));
                Reply first = app.post("/responses", body);
                assertThat(first.status()).isEqualTo(502);
                app.pause(300);
                Reply second = app.post("/responses", body);
                app.show(second.outputText());

                Verdict verdict = gateway.verdict(PROMPT, app.shown, "");
                assertThat(verdict.passed()).as(verdict.explain()).isTrue();
                assertThat(verdict.attempts()).extracting(Attempt::prompt).containsExactly(PROMPT, PROMPT);
            }
        }

        @Test
        void aResponsesRetryThatRewordsTheUserItemIsAChangedPrompt() throws Exception {
            try (ChaosGateway gateway = gateway(BAD_GATEWAY_ONCE)) {
                App app = new App(gateway);
                String instructions = "You are a terse networking tutor.";
                assertThat(app.post("/responses", responses(PROMPT, instructions, List.of())).status()).isEqualTo(502);
                app.pause(300);
                Reply second = app.post("/responses", responses("Please answer: " + PROMPT, instructions, List.of()));
                app.show(second.outputText());

                Verdict verdict = gateway.verdict(PROMPT, app.shown, "");
                assertThat(verdict.codes()).as(verdict.explain()).containsExactly(FindingCode.PROMPT_CHANGED);
            }
        }

        @Test
        void aRagTemplateSentAlikeOnEveryAttemptKeepsThePrompt() throws Exception {
            try (ChaosGateway gateway = gateway(BAD_GATEWAY_ONCE)) {
                App app = new App(gateway);
                String turn = rag(PROMPT);
                assertThat(app.post("/chat/completions", chat(List.of(message("user", turn)))).status()).isEqualTo(502);
                app.pause(300);
                app.show(app.post("/chat/completions", chat(List.of(message("user", turn)))).content());

                Verdict verdict = gateway.verdict(PROMPT, app.shown, "");
                assertThat(verdict.passed()).as(verdict.explain()).isTrue();
                assertThat(verdict.attempts()).hasSize(2);
            }
        }

        @Test
        void aRagRetryThatRewordsTheQuestionIsAChangedPrompt() throws Exception {
            try (ChaosGateway gateway = gateway(BAD_GATEWAY_ONCE)) {
                App app = new App(gateway);
                assertThat(app.post("/chat/completions", chat(List.of(message("user", rag(PROMPT))))).status()).isEqualTo(502);
                app.pause(300);
                app.show(app.post("/chat/completions", chat(List.of(message("user", rag("In short: " + PROMPT))))).content());

                Verdict verdict = gateway.verdict(PROMPT, app.shown, "");
                assertThat(verdict.codes()).as(verdict.explain()).containsExactly(FindingCode.PROMPT_CHANGED);
            }
        }
    }

    // ---- similarity on words; title calls are other calls

    @Nested
    class OtherCalls {
        @Test
        void aTitleCallWhileTheShortPromptHiWaitsForItsRetryIsNotAnAttempt() throws Exception {
            try (ChaosGateway gateway = gateway(BAD_GATEWAY_ONCE)) {
                App app = new App(gateway);
                assertThat(app.post("/chat/completions", chat(List.of(message("user", "hi")))).status()).isEqualTo(502);
                // While it waits to retry, the app has the chat named, as chat UIs do ("this" holds the letters "hi").
                Reply title = app.post("/chat/completions",
                        chat(List.of(message("system", "You name chats."), message("user", "Write a short title for this chat"))));
                assertThat(title.status()).isEqualTo(200);
                app.pause(300);
                app.show(app.post("/chat/completions", chat(List.of(message("user", "hi")))).content());

                Verdict verdict = gateway.verdict("hi", app.shown, "");
                assertThat(verdict.passed()).as(verdict.explain()).isTrue();
                assertThat(verdict.attempts()).extracting(Attempt::prompt).containsExactly("hi", "hi");
                assertThat(verdict.otherCalls()).extracting(UpstreamExchange::prompt).containsExactly("Write a short title for this chat");
            }
        }

        @Test
        void aRetryThatAddsWordsToHiIsStillAnAttempt() throws Exception {
            try (ChaosGateway gateway = gateway(BAD_GATEWAY_ONCE)) {
                App app = new App(gateway);
                assertThat(app.post("/chat/completions", chat(List.of(message("user", "hi")))).status()).isEqualTo(502);
                app.pause(300);
                app.show(app.post("/chat/completions", chat(List.of(message("user", "hi there")))).content());

                Verdict verdict = gateway.verdict("hi", app.shown, "");
                assertThat(verdict.attempts()).as(verdict.explain()).hasSize(2);
                assertThat(verdict.codes()).containsExactly(FindingCode.PROMPT_CHANGED);
            }
        }

        @Test
        void aTitleCallQuotingThePromptAfterASlowCompleteAnswerIsNotARetry() throws Exception {
            Scenario slow = Chaos.scenario("slow-first-answer")
                    .then(Chaos.phase("slow").forRequests(1).serving(Faults.slowAnswer(Duration.ofMillis(1500))))
                    .then(Chaos.phase("quick"))
                    .expect(Chaos.recovers().withRetry(false).withMaxAttempts(1))
                    .build();
            try (ChaosGateway gateway = gateway(slow)) {
                App app = new App(gateway);
                Reply answer = app.post("/chat/completions", chat(List.of(message("user", PROMPT))));
                assertThat(answer.status()).isEqualTo(200);
                app.show(answer.content());
                app.post("/chat/completions", chat(List.of(message("user", PROMPT), message("assistant", answer.content()),
                        message("user", "Write a short title for this chat: " + PROMPT))));

                Verdict verdict = gateway.verdict(PROMPT, app.shown, "");
                assertThat(verdict.passed()).as(verdict.explain()).isTrue();
                assertThat(verdict.attempts()).hasSize(1);
                assertThat(verdict.otherCalls()).hasSize(1);
            }
        }

        @Test
        void anAnswerTheLinkCutDoesNotCloseTheAction() throws Exception {
            // The link passes 300 bytes of each answer for the first 2 s: the upstream wrote the whole answer, the client got part.
            Scenario cut = Chaos.scenario("link-cuts-answers")
                    .then(Chaos.phase("cut").lasting(Duration.ofSeconds(2))
                            .withToxic(LinkToxic.of("limit_data", ToxicStream.DOWNSTREAM, Map.of("bytes", 300L))))
                    .then(Chaos.phase("recovered"))
                    .expect(Chaos.recovers().withMaxAttempts(3))
                    .build();
            try (ChaosGateway gateway = gateway(cut)) {
                App app = new App(gateway);
                Reply first = app.post("/chat/completions", chat(List.of(message("user", PROMPT))));
                assertThat(first.status()).as("the client must not get the answer in full: %s", first).isNotEqualTo(200);
                app.pause(2500);
                app.show(app.post("/chat/completions", chat(List.of(message("user", PROMPT)))).content());

                Verdict verdict = gateway.verdict(PROMPT, app.shown, "");
                assertThat(verdict.attempts()).as(verdict.explain()).hasSize(2);
                assertThat(verdict.attempts().get(0).exchange().delivered()).isFalse();
                assertThat(verdict.passed()).as(verdict.explain()).isTrue();
            }
        }
    }

    // ---- multi-step actions

    @Nested
    class MultiStep {
        private final Scenario toolStepFails = Chaos.scenario("tool-result-bad-gateway")
                .then(Chaos.phase("tool-result").forRequests(1).serving(Faults.badGateway()).atStep(2))
                .then(Chaos.phase("recovered"))
                .expect(Chaos.recovers().withMaxAttempts(3))
                .build();

        @Test
        void anAgentThatGivesUpWhenTheToolResultRoundTripFailsGetsNoRetry() throws Exception {
            try (ChaosGateway gateway = gateway(toolStepFails)) {
                App app = new App(gateway);
                List<ObjectNode> messages = new ArrayList<>(List.of(message("user", PROMPT)));
                Reply step1 = app.post("/chat/completions", chat(messages, TOOLS));
                JsonNode call = step1.json().path("choices").path(0).path("message");
                assertThat(call.path("tool_calls").size()).as("the fake model calls the tool offered").isEqualTo(1);
                messages.add((ObjectNode) call);
                messages.add(toolResult(call.path("tool_calls").path(0).path("id").asText()));
                Reply step2 = app.post("/chat/completions", chat(messages, TOOLS));
                assertThat(step2.status()).isEqualTo(502);
                app.show("Error: bad gateway");

                Verdict verdict = gateway.verdict(PROMPT, app.shown, PROMPT);
                assertThat(verdict.codes()).as(verdict.explain()).contains(FindingCode.NO_RETRY);
                assertThat(verdict.attempts()).extracting(Attempt::step).containsExactly(1, 2);
            }
        }

        @Test
        void anAgentThatRetriesTheFailedToolResultRoundTripPasses() throws Exception {
            try (ChaosGateway gateway = gateway(toolStepFails)) {
                App app = new App(gateway);
                // A Responses agent, streamed: the call arrives as a function_call item, the result goes back as function_call_output.
                ArrayNode input = JSON.createArrayNode().add(message("user", PROMPT));
                Reply step1 = app.post("/responses", responsesWithTools(input, true));
                JsonNode item = step1.completedResponse().path("output").path(0);
                assertThat(item.path("type").asText()).isEqualTo("function_call");
                input.add(item);
                input.add(JSON.createObjectNode().put("type", "function_call_output").put("call_id", item.path("call_id").asText())
                        .put("output", "TCP doubles its window each round trip"));
                Reply step2 = app.post("/responses", responsesWithTools(input, true));
                assertThat(step2.status()).isEqualTo(502);
                app.pause(300);
                Reply retried = app.post("/responses", responsesWithTools(input, true));
                app.show(retried.completedResponse().path("output").path(0).path("content").path(0).path("text").asText());

                Verdict verdict = gateway.verdict(PROMPT, app.shown, "");
                assertThat(verdict.passed()).as(verdict.explain()).isTrue();
                assertThat(verdict.attempts()).extracting(Attempt::step).containsExactly(1, 2, 2);
                assertThat(verdict.attempts().get(0).failed()).as("step 1 is not aimed at").isFalse();
            }
        }

        private final Scenario continuationFails = Chaos.scenario("continuation-bad-gateway")
                .then(Chaos.phase("continue").forRequests(1).serving(Faults.badGateway()).atStep(2))
                .then(Chaos.phase("recovered"))
                .expect(Chaos.recovers().withMaxAttempts(3))
                .build();

        @Test
        void anAppThatGivesUpWhenContinuingACutAnswerFailsGetsNoRetry() throws Exception {
            try (ChaosGateway gateway = gateway(continuationFails)) {
                App app = new App(gateway);
                Reply cut = app.post("/chat/completions", limited(List.of(message("user", PROMPT))));
                assertThat(cut.json().path("choices").path(0).path("finish_reason").asText()).isEqualTo("length");
                app.show(cut.content());
                Reply more = app.post("/chat/completions", limited(List.of(message("user", PROMPT),
                        message("assistant", cut.content()), message("user", "continue"))));
                assertThat(more.status()).isEqualTo(502);
                app.show("Error: bad gateway");

                Verdict verdict = gateway.verdict(PROMPT, app.shown, PROMPT);
                assertThat(verdict.codes()).as(verdict.explain()).contains(FindingCode.NO_RETRY);
                assertThat(verdict.attempts()).extracting(Attempt::prompt).containsExactly(PROMPT, "continue");
            }
        }

        @Test
        void anAppThatRetriesTheContinuationPasses() throws Exception {
            try (ChaosGateway gateway = gateway(continuationFails)) {
                App app = new App(gateway);
                Reply cut = app.post("/chat/completions", limited(List.of(message("user", PROMPT))));
                List<ObjectNode> next = List.of(message("user", PROMPT), message("assistant", cut.content()), message("user", "continue"));
                assertThat(app.post("/chat/completions", limited(next)).status()).isEqualTo(502);
                app.pause(300);
                Reply more = app.post("/chat/completions", limited(next));
                app.show(cut.content() + more.content());

                Verdict verdict = gateway.verdict(PROMPT, app.shown, "");
                assertThat(verdict.passed()).as(verdict.explain()).isTrue();
                assertThat(verdict.attempts()).extracting(Attempt::step).containsExactly(1, 2, 2);
            }
        }
    }

    // ---- side calls never consume a fault

    @Nested
    class SideCalls {
        @Test
        void aModelsWarmUpLeavesConnectionResetItsFaults() throws Exception {
            try (ChaosGateway gateway = gateway(ScenarioCatalog.builtIn().get("connection-reset"))) {
                App app = new App(gateway);
                assertThat(app.get("/models").status()).isEqualTo(200);
                Reply reply = app.post("/chat/completions", chat(List.of(message("user", PROMPT))));
                int delay = 200;
                while (reply.status() != 200 && delay < 2000) {
                    app.pause(delay);
                    delay *= 2;
                    reply = app.post("/chat/completions", chat(List.of(message("user", PROMPT))));
                }
                app.show(reply.content());

                Verdict verdict = gateway.verdict(PROMPT, app.shown, "");
                assertThat(verdict.passed()).as(verdict.explain()).isTrue();
                assertThat(verdict.attempts()).extracting(Attempt::failed).containsExactly(true, true, false);
                assertThat(verdict.otherCalls()).extracting(UpstreamExchange::path).containsExactly("/v1/models");
            }
        }

        @Test
        void aModelsWarmUpLeavesSlowFirstByteItsSlowAnswer() throws Exception {
            try (ChaosGateway gateway = gateway(ScenarioCatalog.builtIn().get("slow-first-byte"))) {
                App app = new App(gateway, Duration.ofSeconds(30));
                assertThat(app.get("/models").status()).isEqualTo(200);
                long start = System.nanoTime();
                Reply reply = app.post("/chat/completions", chat(List.of(message("user", PROMPT))));
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the user's request meets the slow answer")
                        .isGreaterThanOrEqualTo(Duration.ofSeconds(9));
                app.show(reply.content());

                Verdict verdict = gateway.verdict(PROMPT, app.shown, "");
                assertThat(verdict.passed()).as(verdict.explain()).isTrue();
                assertThat(verdict.attempts()).hasSize(1);
                assertThat(verdict.attempts().get(0).exchange().fault()).isNotNull();
            }
        }
    }

    // ---- the app and its requests

    private static ChaosGateway gateway(Scenario scenario) {
        return ChaosGateway.builder().scenario(scenario).pacing(StreamPacing.immediate()).start();
    }

    /** A chat app on java.net.http (HTTP/1.1): posts JSON, reads whole answers, notes what it shows. */
    private static final class App {
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        private final String baseUrl;
        private final Duration timeout;
        final List<String> shown = new ArrayList<>();

        App(ChaosGateway gateway) {
            this(gateway, Duration.ofSeconds(10));
        }

        App(ChaosGateway gateway, Duration timeout) {
            this.baseUrl = gateway.baseUrl();
            this.timeout = timeout;
        }

        Reply post(String path, String body) throws InterruptedException {
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout)
                    .header("content-type", "application/json").header("authorization", "Bearer test")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                return new Reply(response.statusCode(), response.body(), null);
            } catch (IOException e) {
                return new Reply(0, "", e);
            }
        }

        Reply get(String path) throws InterruptedException, IOException {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout)
                    .header("authorization", "Bearer test").GET().build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body(), null);
        }

        void show(String text) {
            shown.add(text);
        }

        void pause(long millis) throws InterruptedException {
            Thread.sleep(millis);
        }
    }

    /** What the app received: a status and a body read to its end, or the error that broke the exchange. */
    private record Reply(int status, String body, Exception error) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (status " + status + "): " + body, e);
            }
        }

        /** Chat Completions: the message's text. */
        String content() {
            assertThat(status).as("status of %s", this).isEqualTo(200);
            return json().path("choices").path(0).path("message").path("content").asText();
        }

        /** Responses, not streamed: the text of the first message item. */
        String outputText() {
            assertThat(status).as("status of %s", this).isEqualTo(200);
            return json().path("output").path(0).path("content").path(0).path("text").asText();
        }

        /** Responses, streamed: the response of the {@code response.completed} event, which a complete stream ends with. */
        JsonNode completedResponse() {
            assertThat(status).as("status of %s", this).isEqualTo(200);
            String[] lines = body.split("\n");
            for (int i = 0; i < lines.length - 1; i++) {
                if (lines[i].equals("event: response.completed")) {
                    try {
                        return JSON.readTree(lines[i + 1].substring("data: ".length())).path("response");
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                }
            }
            throw new AssertionError("the stream did not complete: " + body);
        }
    }

    private static ObjectNode message(String role, String content) {
        return JSON.createObjectNode().put("role", role).put("content", content);
    }

    private static ObjectNode toolResult(String callId) {
        return JSON.createObjectNode().put("role", "tool").put("tool_call_id", callId)
                .put("content", "TCP doubles its congestion window each round trip until a loss");
    }

    private static String chat(List<ObjectNode> messages) {
        return chat(messages, null);
    }

    private static String chat(List<ObjectNode> messages, String tools) {
        ObjectNode body = JSON.createObjectNode().put("model", "gpt-4o-mini");
        body.putArray("messages").addAll(messages);
        if (tools != null) {
            body.set("tools", parse(tools));
        }
        return body.toString();
    }

    /** A request whose answer the fake model cuts at 5 tokens. */
    private static String limited(List<ObjectNode> messages) {
        ObjectNode body = JSON.createObjectNode().put("model", "gpt-4o-mini").put("max_tokens", 5);
        body.putArray("messages").addAll(messages);
        return body.toString();
    }

    private static String responses(String userTurn, String instructions, List<ObjectNode> context) {
        ObjectNode body = JSON.createObjectNode().put("model", "gpt-4o-mini").put("instructions", instructions);
        ArrayNode input = body.putArray("input").addAll(context);
        input.addObject().put("type", "message").put("role", "user").putArray("content")
                .addObject().put("type", "input_text").put("text", userTurn);
        return body.toString();
    }

    private static String responsesWithTools(ArrayNode input, boolean stream) {
        ObjectNode body = JSON.createObjectNode().put("model", "gpt-4o-mini").put("stream", stream);
        body.set("tools", parse(RESPONSES_TOOLS));
        body.set("input", input);
        return body.toString();
    }

    /** A retrieval template: the same documents around the user's question on every attempt. */
    private static String rag(String question) {
        return "Use the documents below to answer.\n\nDocuments:\n[1] RFC 5681 defines slow start and congestion avoidance.\n"
                + "[2] The congestion window starts at a few segments.\n\nQuestion: " + question;
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
