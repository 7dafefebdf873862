package dev.chaosgate.load.clientapp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.chaosgate.load.client.RetryPolicy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The stand-in for a client team's service when {@code ClientAppSimulation} is given none: a chat
 * backend with {@code POST /chat} ({@code {"message": "..."}} in, {@code {"reply": "..."}} out)
 * that asks an OpenAI-style API for each answer, retrying 429, 5xx and broken connections up to 3
 * attempts with backoff, honouring Retry-After. It shows what the template measures; point the
 * simulation at your own service instead.
 */
public final class SampleChatService implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RetryPolicy RETRIES = new RetryPolicy("sample-service", 3, Duration.ofMillis(200),
            Duration.ofSeconds(2), true, 0.5);
    private static final int THREADS = 32;

    private final HttpServer server;
    private final ExecutorService threads;
    private final HttpClient upstream;
    private final URI completions;

    private SampleChatService(HttpServer server, ExecutorService threads, HttpClient upstream, URI completions) {
        this.server = server;
        this.threads = threads;
        this.upstream = upstream;
        this.completions = completions;
    }

    /** Serves on 127.0.0.1 and a free port, asking the API at {@code openAiBaseUrl} (…/v1). */
    public static SampleChatService start(String openAiBaseUrl) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        ExecutorService threads = Executors.newFixedThreadPool(THREADS, runnable -> {
            Thread thread = new Thread(runnable, "sample-chat-service");
            thread.setDaemon(true);
            return thread;
        });
        HttpClient upstream = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        SampleChatService service = new SampleChatService(server, threads, upstream,
                URI.create(openAiBaseUrl + "/chat/completions"));
        server.createContext("/chat", service::handle);
        server.setExecutor(threads);
        server.start();
        return service;
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST")) {
                respond(exchange, 405, JSON.createObjectNode().put("error", "POST a JSON {\"message\": ...}"));
                return;
            }
            JsonNode asked = JSON.readTree(exchange.getRequestBody());
            String message = asked.path("message").asText("Hello");
            String reply = ask(message);
            respond(exchange, reply != null ? 200 : 503, reply != null
                    ? JSON.createObjectNode().put("reply", reply)
                    : JSON.createObjectNode().put("error", "The assistant is busy. Please try again in a minute."));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The model's answer, or null when every attempt failed. */
    private String ask(String message) throws InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("model", "gpt-4o-mini");
        body.putArray("messages").addObject().put("role", "user").put("content", message);
        HttpRequest request = HttpRequest.newBuilder(completions).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json").header("Authorization", "Bearer sk-sample")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        for (int attempt = 1; ; attempt++) {
            Duration retryAfter = null;
            try {
                HttpResponse<String> answer = upstream.send(request, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200) {
                    return JSON.readTree(answer.body()).path("choices").path(0).path("message").path("content").asText();
                }
                if (answer.statusCode() != 429 && answer.statusCode() < 500) {
                    return null;
                }
                retryAfter = RetryPolicy.retryAfter(answer.headers().firstValue("retry-after-ms").orElse(null),
                        answer.headers().firstValue("retry-after").orElse(null));
            } catch (IOException e) {
                // A broken connection is worth another attempt.
            }
            if (attempt == RETRIES.maxAttempts()) {
                return null;
            }
            Thread.sleep(RETRIES.delayBefore(attempt, retryAfter, ThreadLocalRandom.current()::nextDouble).toMillis());
        }
    }

    private static void respond(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
