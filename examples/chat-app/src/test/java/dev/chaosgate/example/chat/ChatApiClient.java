package dev.chaosgate.example.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Talks to the app's {@code POST /api/chat} as the page does, and keeps the page's rules for what the user sees: the
 * answer as it streams in (marked "Answer interrupted" when it was cut), the error banner's message, and the prompt box
 * (emptied only after a complete answer). The browser tests check the page itself keeps these rules.
 */
final class ChatApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final String appUrl;

    ChatApiClient(String appUrl) {
        this.appUrl = appUrl;
    }

    /** What the page shows once the answer to one prompt ended: the texts shown, and the prompt box. */
    record Screen(List<String> shown, String draft) {
    }

    /** Sends {@code prompt} and reads the answer's events to the end. */
    Screen send(String prompt) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(appUrl + "/api/chat"))
                .timeout(Duration.ofMinutes(4))
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode().put("prompt", prompt).toString()))
                .build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("POST /api/chat answered " + response.statusCode());
            }
            return read(response.body(), prompt);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Screen read(InputStream body, String prompt) throws IOException {
        StringBuilder answer = new StringBuilder();
        String event = "message";
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("event:")) {
                    event = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    JsonNode data = JSON.readTree(line.substring(5));
                    switch (event) {
                        case "delta" -> answer.append(data.path("text").asText());
                        case "done" -> {
                            return new Screen(List.of(answer.toString()), "");
                        }
                        case "error" -> {
                            return failed(answer, data, prompt);
                        }
                        default -> { }
                    }
                }
            }
        }
        throw new IllegalStateException("the answer's events ended without done or error: " + answer);
    }

    private static Screen failed(StringBuilder answer, JsonNode error, String prompt) {
        List<String> shown = new ArrayList<>();
        if (!answer.isEmpty()) {
            shown.add(answer + "\nAnswer interrupted");          // the page's mark under a cut answer
        }
        shown.add(error.path("message").asText());
        return new Screen(shown, prompt);                         // the page keeps the prompt after a failure
    }
}
