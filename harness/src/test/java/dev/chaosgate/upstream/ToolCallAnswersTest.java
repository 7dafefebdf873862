package dev.chaosgate.upstream;

import static dev.chaosgate.upstream.UpstreamClients.dataLines;
import static dev.chaosgate.upstream.UpstreamClients.eventLines;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseStreamEvent;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Agent-style answers of the fake upstream over real sockets: a request offering a function tool gets a
 * call of it (Chat Completions {@code tool_calls}, Responses {@code function_call}, streamed and not, in
 * shapes the openai-java SDK reads), the request carrying the tool's result gets a text answer, and a
 * request with a small token limit gets an answer cut at it ({@code finish_reason: "length"}, Responses
 * {@code incomplete}). The journal names each request's step of the action.
 */
@Timeout(30)
class ToolCallAnswersTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROMPT = "What is the weather in Lisbon?";
    private static final String CHAT_TOOLS = "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
            + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},\"days\":{\"type\":\"integer\"}},"
            + "\"required\":[\"city\",\"days\"]}}}]";
    private static final String RESPONSES_TOOLS = "[{\"type\":\"function\",\"name\":\"get_weather\","
            + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}]";

    private FakeUpstream upstream;
    private UpstreamClients clients;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.builder().seed(7).pacing(StreamPacing.immediate()).start();
        clients = new UpstreamClients(upstream.baseUrl());
    }

    @AfterEach
    void stop() {
        clients.close();
        upstream.close();
    }

    @Test
    void chatCompletionCallsTheOfferedToolThenAnswersItsResult() throws Exception {
        JsonNode first = json(clients.send(clients.post("/chat/completions", chat(false, ""))));
        JsonNode choice = first.path("choices").path(0);
        assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
        JsonNode message = choice.path("message");
        assertThat(message.path("role").asText()).isEqualTo("assistant");
        assertThat(message.path("content").isNull()).as("content of a tool call").isTrue();
        JsonNode call = message.path("tool_calls").path(0);
        assertThat(call.path("id").asText()).matches("call_[A-Za-z0-9]{24}");
        assertThat(call.path("type").asText()).isEqualTo("function");
        assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(JSON.readTree(call.path("function").path("arguments").asText()))
                .isEqualTo(JSON.readTree("{\"city\":" + JSON.writeValueAsString(PROMPT) + ",\"days\":1}"));

        String result = ",{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[" + call + "]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"" + call.path("id").asText() + "\",\"content\":\"18 C, sunny\"}";
        JsonNode second = json(clients.send(clients.post("/chat/completions", chat(false, result))));
        assertThat(second.path("choices").path(0).path("finish_reason").asText()).isEqualTo("stop");
        assertThat(second.path("choices").path(0).path("message").path("content").asText()).isNotBlank();

        assertThat(upstream.exchanges()).extracting(e -> e.step().step()).containsExactly(1, 2);
        assertThat(upstream.exchanges()).extracting(e -> e.step().ending())
                .containsExactly(ActionStep.Ending.TOOL_CALL, ActionStep.Ending.ANSWER);
        assertThat(upstream.exchanges()).extracting(UpstreamExchange::prompt).containsOnly(PROMPT);
    }

    @Test
    void chatStreamCarriesTheToolCallInChunksTheSdkAccumulates() throws Exception {
        HttpResponse<String> raw = clients.send(clients.post("/chat/completions", chat(true, "")));
        List<String> data = dataLines(raw.body());
        JsonNode firstDelta = JSON.readTree(data.get(0)).path("choices").path(0).path("delta");
        assertThat(firstDelta.path("role").asText()).isEqualTo("assistant");
        assertThat(firstDelta.path("tool_calls").path(0).path("index").asInt(-1)).isZero();
        assertThat(firstDelta.path("tool_calls").path(0).path("function").path("arguments").asText()).isEmpty();
        assertThat(JSON.readTree(data.get(data.size() - 2)).path("choices").path(0).path("finish_reason").asText())
                .isEqualTo("tool_calls");
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");

        OpenAIClient sdk = clients.sdk(0);
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream = sdk.chat().completions().createStreaming(chatParams())) {
            stream.stream().forEach(accumulator::accumulate);
        }
        ChatCompletion completion = accumulator.chatCompletion();
        assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        ChatCompletionMessageFunctionToolCall call = completion.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(JSON.readTree(call.function().arguments()).path("city").asText()).isEqualTo(PROMPT);
    }

    @Test
    void responsesCallTheToolAsAFunctionCallItemStreamedAndNot() throws Exception {
        OpenAIClient sdk = clients.sdk(0);
        Response response = sdk.responses().create(responseParams());
        ResponseFunctionToolCall call = response.output().get(0).asFunctionCall();
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.callId()).startsWith("call_");
        assertThat(call.id()).hasValueSatisfying(id -> assertThat(id).startsWith("fc_"));
        assertThat(JSON.readTree(call.arguments()).path("city").asText()).isEqualTo(PROMPT);

        HttpResponse<String> raw = clients.send(clients.post("/responses", responses(true, "")));
        List<String> events = eventLines(raw.body());
        assertThat(events).startsWith("response.created", "response.in_progress", "response.output_item.added")
                .endsWith("response.function_call_arguments.done", "response.output_item.done", "response.completed");
        assertThat(events.subList(3, events.size() - 3)).isNotEmpty().containsOnly("response.function_call_arguments.delta");
        JsonNode added = JSON.readTree(dataLines(raw.body()).get(2)).path("item");
        assertThat(added.path("type").asText()).isEqualTo("function_call");
        assertThat(added.path("status").asText()).isEqualTo("in_progress");
        assertThat(added.path("arguments").asText()).isEmpty();

        ResponseAccumulator accumulator = ResponseAccumulator.create();
        try (StreamResponse<ResponseStreamEvent> stream = sdk.responses().createStreaming(responseParams())) {
            stream.stream().forEach(accumulator::accumulate);
        }
        ResponseFunctionToolCall streamed = accumulator.response().output().get(0).asFunctionCall();
        assertThat(streamed.callId()).isEqualTo(call.callId());
        assertThat(streamed.arguments()).isEqualTo(call.arguments());
    }

    @Test
    void aResponsesToolResultChainedByPreviousResponseIdIsTheNextStep() throws Exception {
        JsonNode first = json(clients.send(clients.post("/responses", responses(false, ""))));
        String callId = first.path("output").path(0).path("call_id").asText();
        String next = "{\"model\":\"gpt-4o-mini\",\"previous_response_id\":\"" + first.path("id").asText() + "\","
                + "\"tools\":" + RESPONSES_TOOLS + ",\"input\":[{\"type\":\"function_call_output\",\"call_id\":\"" + callId
                + "\",\"output\":\"18 C\"}]}";
        JsonNode second = json(clients.send(clients.post("/responses", next)));
        assertThat(second.path("output").path(0).path("type").asText()).isEqualTo("message");
        assertThat(second.path("status").asText()).isEqualTo("completed");

        UpstreamExchange chained = upstream.exchanges().get(1);
        assertThat(chained.prompt()).as("a tool result has no user turn").isEmpty();
        assertThat(chained.step().step()).isEqualTo(2);
        assertThat(chained.step().openingTurn()).isEqualTo(PROMPT);
    }

    @Test
    void aTokenLimitCutsTheAnswerAndAContinuationIsTheNextStep() throws Exception {
        String cutBody = "{\"model\":\"gpt-4o-mini\",\"max_tokens\":3,\"messages\":[{\"role\":\"user\",\"content\":"
                + JSON.writeValueAsString(PROMPT) + "}]}";
        JsonNode cut = json(clients.send(clients.post("/chat/completions", cutBody)));
        assertThat(cut.path("choices").path(0).path("finish_reason").asText()).isEqualTo("length");
        String partial = cut.path("choices").path(0).path("message").path("content").asText();
        assertThat(partial.split(" ")).hasSize(3);

        String more = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":" + JSON.writeValueAsString(PROMPT)
                + "},{\"role\":\"assistant\",\"content\":" + JSON.writeValueAsString(partial)
                + "},{\"role\":\"user\",\"content\":\"continue\"}]}";
        JsonNode rest = json(clients.send(clients.post("/chat/completions", more)));
        assertThat(rest.path("choices").path(0).path("finish_reason").asText()).isEqualTo("stop");

        // A new question after a whole answer starts a new action.
        String answered = rest.path("choices").path(0).path("message").path("content").asText();
        String followUp = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"continue\"},"
                + "{\"role\":\"assistant\",\"content\":" + JSON.writeValueAsString(answered)
                + "},{\"role\":\"user\",\"content\":\"And in Porto?\"}]}";
        clients.send(clients.post("/chat/completions", followUp));

        List<UpstreamExchange> seen = upstream.exchanges();
        assertThat(seen).extracting(e -> e.step().ending())
                .containsExactly(ActionStep.Ending.LENGTH, ActionStep.Ending.ANSWER, ActionStep.Ending.ANSWER);
        assertThat(seen).extracting(e -> e.step().step()).containsExactly(1, 2, 1);
        assertThat(seen.get(1).prompt()).isEqualTo("continue");
        assertThat(seen.get(1).step().openingTurn()).isEqualTo(PROMPT);
        assertThat(seen.get(2).step().openingTurn()).isEqualTo("And in Porto?");
    }

    @Test
    void aResponsesTokenLimitEndsIncompleteStreamedAndNot() throws Exception {
        String body = "{\"model\":\"gpt-4o-mini\",\"max_output_tokens\":4,\"input\":" + JSON.writeValueAsString(PROMPT) + "}";
        JsonNode plain = json(clients.send(clients.post("/responses", body)));
        assertThat(plain.path("status").asText()).isEqualTo("incomplete");
        assertThat(plain.path("incomplete_details").path("reason").asText()).isEqualTo("max_output_tokens");
        assertThat(plain.path("output").path(0).path("status").asText()).isEqualTo("incomplete");

        HttpResponse<String> streamed = clients.send(clients.post("/responses", body.replace("{", "{\"stream\":true,")));
        List<String> events = eventLines(streamed.body());
        assertThat(events.get(events.size() - 1)).isEqualTo("response.incomplete");
        assertThat(events).doesNotContain("response.completed");
    }

    @Test
    void toolChoiceNoneGetsTextAndInstructionsAreNotTheUserTurn() throws Exception {
        String body = "{\"model\":\"gpt-4o-mini\",\"tool_choice\":\"none\",\"tools\":" + RESPONSES_TOOLS
                + ",\"instructions\":\"You are terse.\",\"input\":[{\"role\":\"developer\",\"content\":\"Answer in English.\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":" + JSON.writeValueAsString(PROMPT) + "}]}]}";
        JsonNode answer = json(clients.send(clients.post("/responses", body)));
        assertThat(answer.path("output").path(0).path("type").asText()).isEqualTo("message");
        assertThat(upstream.exchanges().get(0).prompt()).isEqualTo(PROMPT);
    }

    private static String chat(boolean stream, String moreMessages) throws Exception {
        return "{\"model\":\"gpt-4o-mini\",\"stream\":" + stream + ",\"tools\":" + CHAT_TOOLS
                + ",\"messages\":[{\"role\":\"system\",\"content\":\"You help travellers.\"},{\"role\":\"user\",\"content\":"
                + JSON.writeValueAsString(PROMPT) + "}" + moreMessages + "]}";
    }

    private static String responses(boolean stream, String moreItems) throws Exception {
        return "{\"model\":\"gpt-4o-mini\",\"stream\":" + stream + ",\"tools\":" + RESPONSES_TOOLS
                + ",\"input\":[{\"role\":\"user\",\"content\":" + JSON.writeValueAsString(PROMPT) + "}" + moreItems + "]}";
    }

    private static ChatCompletionCreateParams chatParams() {
        return ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage(PROMPT)
                .addTool(ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name("get_weather")
                        .parameters(FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                                .putAdditionalProperty("required", JsonValue.from(List.of("city"))).build())
                        .build()).build())
                .build();
    }

    private static ResponseCreateParams responseParams() {
        return ResponseCreateParams.builder().model("gpt-4o-mini").input(PROMPT)
                .addTool(FunctionTool.builder().name("get_weather").strict(false)
                        .parameters(FunctionTool.Parameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                                .putAdditionalProperty("required", JsonValue.from(List.of("city"))).build())
                        .build())
                .build();
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as("status of %s", response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
