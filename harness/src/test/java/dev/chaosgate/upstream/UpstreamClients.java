package dev.chaosgate.upstream;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.Timeout;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;

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
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * The two real clients the upstream tests talk through: {@code java.net.http.HttpClient} (to see
 * the raw wire) and the official openai-java SDK (to see what an app built on it gets).
 */
public final class UpstreamClients implements AutoCloseable {
    /** {@code <16 hex>-<IATA colo>}, as Cloudflare writes {@code cf-ray}. */
    public static final Pattern CF_RAY = Pattern.compile("[0-9a-f]{16}-[A-Z]{3}");
    /** OpenAI's {@code x-request-id}: {@code req_} and 32 hex digits. */
    public static final Pattern REQUEST_ID = Pattern.compile("req_[0-9a-f]{32}");
    public static final String MODEL = "gpt-4o-mini";

    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<OpenAIClient> sdks = new CopyOnWriteArrayList<>();

    public UpstreamClients(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    // ---- java.net.http

    public HttpClient http() {
        return http;
    }

    public static String chatBody(String prompt, boolean stream) {
        return "{\"model\":\"" + MODEL + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":"
                + quote(prompt) + "}]}";
    }

    public static String responsesBody(String prompt, boolean stream) {
        return "{\"model\":\"" + MODEL + "\",\"stream\":" + stream + ",\"input\":" + quote(prompt) + "}";
    }

    public HttpRequest post(String path, String json) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(10))
                .header("content-type", "application/json").header("authorization", "Bearer test")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    public HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** {@code POST /chat/completions} (not streamed) with {@code prompt}. */
    public HttpResponse<String> chat(String prompt) throws IOException, InterruptedException {
        return send(post("/chat/completions", chatBody(prompt, false)));
    }

    public HttpResponse<String> chatStreamed(String prompt) throws IOException, InterruptedException {
        return send(post("/chat/completions", chatBody(prompt, true)));
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(10))
                .header("authorization", "Bearer test").GET().build());
    }

    /** The {@code data:} payloads of an event-stream body, in order. */
    public static List<String> dataLines(String body) {
        List<String> data = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("data: ")) {
                data.add(line.substring("data: ".length()));
            }
        }
        return data;
    }

    /** The {@code event:} types of an event-stream body, in order. */
    public static List<String> eventLines(String body) {
        List<String> events = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("event: ")) {
                events.add(line.substring("event: ".length()));
            }
        }
        return events;
    }

    /** One event-stream line and when it arrived (System.nanoTime). */
    public record TimedLine(String line, long nanos) {
    }

    /** Reads a streamed answer line by line, noting when each {@code data:} line arrived. */
    public List<TimedLine> readTimed(HttpResponse<InputStream> response) throws IOException {
        List<TimedLine> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("data: ")) {
                    lines.add(new TimedLine(line, System.nanoTime()));
                }
            }
        }
        return lines;
    }

    // ---- openai-java

    /** The SDK pointed at the upstream, with {@code maxRetries} and its default timeouts. */
    public OpenAIClient sdk(int maxRetries) {
        return keep(OpenAIOkHttpClient.builder().baseUrl(baseUrl).apiKey("test").maxRetries(maxRetries).build());
    }

    /** The SDK with one timeout for the whole call (and so for reads too). */
    public OpenAIClient sdk(int maxRetries, Duration timeout) {
        return keep(OpenAIOkHttpClient.builder().baseUrl(baseUrl).apiKey("test").maxRetries(maxRetries)
                .timeout(timeout).build());
    }

    public OpenAIClient sdk(int maxRetries, Timeout timeout) {
        return keep(OpenAIOkHttpClient.builder().baseUrl(baseUrl).apiKey("test").maxRetries(maxRetries)
                .timeout(timeout).build());
    }

    private OpenAIClient keep(OpenAIClient client) {
        sdks.add(client);
        return client;
    }

    public static ChatCompletionCreateParams chatParams(String prompt) {
        return ChatCompletionCreateParams.builder().model(MODEL).addUserMessage(prompt).build();
    }

    public static ResponseCreateParams responseParams(String prompt) {
        return ResponseCreateParams.builder().model(MODEL).input(prompt).build();
    }

    /** What the SDK's streaming iterator gave before it ended or threw. */
    public record Streamed<T>(List<T> items, Throwable error) {
    }

    public static Streamed<ChatCompletionChunk> streamChat(OpenAIClient client, String prompt) {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(chatParams(prompt))) {
            for (Iterator<ChatCompletionChunk> it = stream.stream().iterator(); it.hasNext(); ) {
                chunks.add(it.next());
            }
            return new Streamed<>(chunks, null);
        } catch (RuntimeException e) {
            return new Streamed<>(chunks, e);
        }
    }

    public static Streamed<ResponseStreamEvent> streamResponse(OpenAIClient client, String prompt) {
        List<ResponseStreamEvent> events = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(responseParams(prompt))) {
            for (Iterator<ResponseStreamEvent> it = stream.stream().iterator(); it.hasNext(); ) {
                events.add(it.next());
            }
            return new Streamed<>(events, null);
        } catch (RuntimeException e) {
            return new Streamed<>(events, e);
        }
    }

    /** The text of the chunks' content deltas, joined. */
    public static String text(List<ChatCompletionChunk> chunks) {
        StringBuilder out = new StringBuilder();
        for (ChatCompletionChunk chunk : chunks) {
            chunk.choices().forEach(choice -> choice.delta().content().ifPresent(out::append));
        }
        return out.toString();
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public void close() {
        for (OpenAIClient client : sdks) {
            client.close();
        }
    }
}
