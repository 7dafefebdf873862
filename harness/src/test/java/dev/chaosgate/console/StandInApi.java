package dev.chaosgate.console;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A second local server standing in for a real OpenAI-compatible API in live-mode tests: it answers with
 * distinctive bytes chaosgate's fake model never writes, and keeps every request it got with its headers.
 * A streamed answer sends its first events, then waits until the test says it has read them
 * ({@link #releaseStream()}, at most 10 s) before the rest, so a test can tell a stream passed on as it
 * comes from one held back until its end. Test helper.
 */
final class StandInApi implements AutoCloseable {
    static final String ANSWER = "{\"id\":\"chatcmpl-stand-in-7731\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"The stand-in API says: the sea"
            + " is blue because water absorbs red light.\"},\"finish_reason\":\"stop\"}]}";
    static final String STREAM_HEAD = "data: {\"id\":\"chatcmpl-stand-in-s1\",\"object\":\"chat.completion.chunk\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Stand-in \"}}]}\n\n"
            + ": a comment line the fake model never sends\n\n";
    static final String STREAM_TAIL = "data: {\"id\":\"chatcmpl-stand-in-s1\",\"object\":\"chat.completion.chunk\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"streams live.\"},\"finish_reason\":\"stop\"}]}\n\n"
            + "data: [DONE]\n\n";
    static final String MODELS = "{\"object\":\"list\",\"data\":[{\"id\":\"stand-in-model-1\",\"object\":\"model\"}]}";

    /** One request as the stand-in got it: header names in lower case. */
    record Received(String method, String target, Map<String, List<String>> headers, String body) {
        String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    private final HttpServer server;
    final List<Received> received = new CopyOnWriteArrayList<>();
    /** The API's own failures, served to the next chat completions in order: status and JSON body. */
    final java.util.Queue<Map.Entry<Integer, String>> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final CountDownLatch streamRead = new CountDownLatch(1);
    /** Whether the test read the first events before the stand-in gave up waiting and sent the rest. */
    volatile Boolean streamReleasedInTime;

    StandInApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "stand-in-api");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@code http://127.0.0.1:<port>/v1}, the base URL an app would use. */
    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    void releaseStream() {
        streamRead.countDown();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, List<String>> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
        received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().toString(), headers, body));
        String path = exchange.getRequestURI().getPath();
        try (exchange) {
            Map.Entry<Integer, String> failure = path.equals("/v1/chat/completions") ? failures.poll() : null;
            if (failure != null) {
                send(exchange, failure.getKey(), "application/json", failure.getValue());
            } else if (path.equals("/v1/models")) {
                send(exchange, 200, "application/json", MODELS);
            } else if (path.equals("/v1/chat/completions") && body.replace(" ", "").contains("\"stream\":true")) {
                exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
                exchange.getResponseHeaders().add("X-Stand-In", "stream");
                exchange.sendResponseHeaders(200, 0);
                OutputStream out = exchange.getResponseBody();
                out.write(STREAM_HEAD.getBytes(StandardCharsets.UTF_8));
                out.flush();
                try {
                    streamReleasedInTime = streamRead.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                out.write(STREAM_TAIL.getBytes(StandardCharsets.UTF_8));
                out.flush();
            } else if (path.equals("/v1/chat/completions")) {
                exchange.getResponseHeaders().add("X-Stand-In", "answer");
                exchange.getResponseHeaders().add("X-Request-Id", "req_stand_in_0001");
                send(exchange, 200, "application/json", ANSWER);
            } else {
                send(exchange, 404, "application/json", "{\"error\":{\"message\":\"stand-in: no " + path + "\"}}");
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        streamRead.countDown();
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
