package dev.chaosgate.console;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * One user of the app under test, as one process per user of a crowd: an HTTP client of its own (its own
 * connections to the gateway) that marks each chat request with its user id as chosen. Test helper.
 */
final class AppUser {
    /** How this user's requests say whose they are. */
    enum Marking {
        /** The {@code X-Chaosgate-User} header. */
        HEADER,
        /** The OpenAI body field {@code user}. */
        BODY_USER,
        /** Nothing. */
        NONE
    }

    final String id;
    private final String baseUrl;
    private final Marking marking;
    private final HttpClient http;

    AppUser(String baseUrl, String id, Marking marking) {
        this(baseUrl, id, marking, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build());
    }

    private AppUser(String baseUrl, String id, Marking marking, HttpClient http) {
        this.baseUrl = baseUrl;
        this.id = id;
        this.marking = marking;
        this.http = http;
    }

    /** This user sending without a marker, on the same client (so on its kept-alive connection). */
    AppUser unmarked() {
        return new AppUser(baseUrl, id, Marking.NONE, http);
    }

    /** POST /v1/chat/completions with {@code prompt}; returns the status (0 when the connection broke). */
    int chat(String prompt) {
        ObjectNode body = RunningConsole.JSON.createObjectNode().put("model", "gpt-4o-mini");
        body.putArray("messages").addObject().put("role", "user").put("content", prompt);
        if (marking == Marking.BODY_USER) {
            body.put("user", id);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (marking == Marking.HEADER) {
            request.header("X-Chaosgate-User", id);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("timed out")) {
                throw new UncheckedIOException(e);
            }
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
