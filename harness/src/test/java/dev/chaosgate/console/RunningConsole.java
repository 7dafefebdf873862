package dev.chaosgate.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chaosgate.upstream.StreamPacing;
import dev.chaosgate.upstream.UpstreamClients;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * A serve session and its console on free loopback ports, with a client for the admin API and one
 * for the app's side of the gateway. Test helper.
 */
final class RunningConsole implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    final ServeSession session;
    final ConsoleServer console;
    final UpstreamClients app;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private RunningConsole(ServeSession session, ConsoleServer console) {
        this.session = session;
        this.console = console;
        this.app = new UpstreamClients(session.baseUrl());
    }

    static RunningConsole start(String scenario) {
        return start(scenario, null, b -> b);
    }

    static RunningConsole start(String scenario, Path recordTo) {
        return start(scenario, recordTo, b -> b);
    }

    static RunningConsole start(String scenario, Path recordTo, UnaryOperator<ServeSession.Builder> more) {
        ServeSession.Builder builder = ServeSession.builder().listen("127.0.0.1", 0)
                .pacing(StreamPacing.immediate()).recordTo(recordTo);
        if (scenario != null) {
            builder.scenario(scenario);
        }
        ServeSession session = more.apply(builder).start();
        try {
            return new RunningConsole(session, ConsoleServer.start(session, "127.0.0.1", 0));
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /** {@code http://127.0.0.1:<console port>}. */
    String origin() {
        return "http://127.0.0.1:" + console.port();
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(origin() + path)).GET());
    }

    /** A POST as the console page makes it: JSON, from the console's own origin. */
    HttpResponse<String> post(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(origin() + path))
                .header("Content-Type", "application/json").header("Origin", origin())
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** GET {@code /__chaosgate/api/<endpoint>} as JSON, expecting 200. */
    JsonNode api(String endpoint) {
        return json(get("/__chaosgate/api/" + endpoint), 200);
    }

    /** POST {@code /__chaosgate/api/<endpoint>} as JSON, expecting 200. */
    JsonNode api(String endpoint, String body) {
        return json(post("/__chaosgate/api/" + endpoint, body), 200);
    }

    static JsonNode json(HttpResponse<String> response, int expectedStatus) {
        if (response.statusCode() != expectedStatus) {
            throw new AssertionError("expected " + expectedStatus + " from " + response.request().method() + " "
                    + response.uri() + ", got " + response.statusCode() + ": " + response.body());
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    /** POST /v1/chat/completions with {@code prompt}, as the app would; returns the status. */
    int chat(String prompt) {
        try {
            return app.chat(prompt).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            app.close();
            console.close();
        } finally {
            session.close();
        }
    }
}
