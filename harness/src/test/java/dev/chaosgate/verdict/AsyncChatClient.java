package dev.chaosgate.verdict;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tiny chat app on java.net.http for the VerdictAssert and await tests: sends the prompt, and on a
 * failure waits {@code retryDelay} and tries again, up to {@code attempts} times; records what it
 * showed and what its composer holds.
 */
final class AsyncChatClient {
    private static final Pattern CONTENT = Pattern.compile("\"content\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final String baseUrl;
    private final int attempts;
    private final Duration retryDelay;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final List<String> shown = new CopyOnWriteArrayList<>();
    volatile String draft = "";

    AsyncChatClient(String baseUrl, int attempts, Duration retryDelay) {
        this.baseUrl = baseUrl;
        this.attempts = attempts;
        this.retryDelay = retryDelay;
    }

    /** Sends {@code prompt} off the caller's thread, as a UI would. */
    CompletableFuture<Void> sendAsync(String prompt) {
        draft = prompt;
        return CompletableFuture.runAsync(() -> send(prompt));
    }

    void send(String prompt) {
        draft = prompt;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            if (attempt > 1) {
                sleep(retryDelay);
            }
            try {
                HttpResponse<String> response = post(prompt);
                if (response.statusCode() == 200) {
                    Matcher content = CONTENT.matcher(response.body());
                    shown.add(content.find() ? content.group(1).replace("\\n", "\n").replace("\\\"", "\"") : response.body());
                    draft = "";
                    return;
                }
            } catch (IOException e) {
                // a broken connection: retry like a failed status
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        shown.add("Something went wrong. Please try again.");
    }

    HttpResponse<String> post(String prompt) throws IOException, InterruptedException {
        String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
                .timeout(Duration.ofSeconds(5))
                .header("content-type", "application/json").header("authorization", "Bearer test")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void sleep(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
