package dev.chaosgate.upstream.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.Response;
import dev.chaosgate.fixtures.ErrorAnswers;
import dev.chaosgate.fixtures.FailureClass;
import dev.chaosgate.link.LinkEngine;
import dev.chaosgate.upstream.ActionStep;
import dev.chaosgate.upstream.StreamPacing;
import dev.chaosgate.upstream.live.LiveAnswer;
import dev.chaosgate.upstream.live.LiveUpstream;
import dev.chaosgate.upstream.live.Redaction;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Answers the requests a live gateway does not fault: forwards each to the real API ({@link LiveUpstream}) and passes
 * its answer back (an event stream as it comes, any other answer whole), or, in a replay, serves the recorded
 * {@link LiveAnswer} of the request in the same place of the run. Every answer it passes on is told to the listener
 * once its request finishes, so a recording holds it. A real API that cannot be reached gets the client a JSON 502
 * that says so, and a warning once per outage; nothing of it is a stack trace.
 */
final class LiveResponder {
    /**
     * Request headers not passed on: hop-by-hop ones (RFC 9110, 7.6.1), the ones the HTTP client sets itself, and
     * {@code Accept-Encoding}, so the answer comes uncompressed: it is recorded, and streamed event by event. And the
     * {@code x-http2-*} headers by which the link names the HTTP/2 stream a request came on, which are the gateway's own.
     */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-connection", "te", "trailer",
            "transfer-encoding", "upgrade", "http2-settings", "host", "content-length", "expect", "accept-encoding",
            "proxy-authorization", LinkEngine.HTTP2_STREAM_HEADER, LinkEngine.HTTP2_SCHEME_HEADER);
    /** Answer headers not passed back: hop-by-hop ones and the framing, which the gateway's server writes itself. */
    private static final Set<String> NOT_PASSED_BACK = Set.of("connection", "keep-alive", "proxy-connection", "te", "trailer",
            "transfer-encoding", "upgrade", "content-length", ":status");
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Until the real API's status and headers: a model may think for minutes before its first byte. */
    private static final Duration ANSWER_TIMEOUT = Duration.ofMinutes(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LiveUpstream live;
    private final HttpClient client;
    private final Consumer<LiveAnswer> heard;
    private final Consumer<String> warnings;
    private final AtomicBoolean unreachable = new AtomicBoolean();

    /** {@code live} null: no real API, only recorded answers are served. */
    LiveResponder(LiveUpstream live, Consumer<LiveAnswer> heard, Consumer<String> warnings) {
        this.live = live;
        this.heard = heard;
        this.warnings = warnings;
        this.client = live == null ? null : HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    LiveUpstream live() {
        return live;
    }

    /** Whether this request's normal answer comes from here: a real API is set, or a replay recorded its answer. */
    boolean answers(RequestScope scope) {
        return live != null || scope.replayedAnswer != null;
    }

    /** The answer to a request that meets no fault: the recorded one in a replay, else the real API's. */
    Response.Builder answer(Request request, RequestScope scope, StreamPacing pacing) {
        byte[] body = request.getBody() == null ? new byte[0] : request.getBody();
        String method = request.getMethod().getName();
        String target = request.getUrl();
        LiveAnswer recorded = scope.replayedAnswer;
        if (recorded != null) {
            return replay(recorded, method, target, body, scope, pacing);
        }
        return forward(request, method, target, body, scope);
    }

    private Response.Builder forward(Request request, String method, String target, byte[] body, RequestScope scope) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(live.target(target)).timeout(ANSWER_TIMEOUT);
        Set<String> named = connectionTokens(request);
        for (HttpHeader header : request.getHeaders().all()) {
            String name = header.key().toLowerCase(Locale.ROOT);
            if (NOT_FORWARDED.contains(name) || named.contains(name)) {
                continue;
            }
            for (String value : header.values()) {
                try {
                    builder.header(header.key(), value);
                } catch (IllegalArgumentException e) {
                    // A header the JDK client refuses to send (restricted or malformed): the real API does without it.
                }
            }
        }
        boolean bodiless = body.length == 0 && (method.equals("GET") || method.equals("HEAD") || method.equals("DELETE"));
        builder.method(method, bodiless ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        String hash = LiveAnswer.sha256(body);
        String path = Redaction.target(target);
        HttpResponse<InputStream> response;
        try {
            response = client.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            return unreachable(method, path, hash, scope, describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unreachable(method, path, hash, scope, "interrupted while waiting for it");
        }
        if (unreachable.compareAndSet(true, false)) {
            warnings.accept("the live upstream " + live + " answers again");
        }
        List<dev.chaosgate.fixtures.HttpHeader> headers = new ArrayList<>();
        for (Map.Entry<String, List<String>> header : response.headers().map().entrySet()) {
            if (NOT_PASSED_BACK.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                continue;
            }
            for (String value : header.getValue()) {
                headers.add(new dev.chaosgate.fixtures.HttpHeader(header.getKey(), value));
            }
        }
        int status = response.statusCode();
        ending(scope, status / 100 == 2);
        boolean streamed = response.headers().firstValue("content-type").orElse("")
                .toLowerCase(Locale.ROOT).startsWith("text/event-stream");
        if (streamed) {
            scope.streamed = true;
            if (status >= 400) {
                scope.failureClass = ErrorAnswers.classify(status, "").name();
            }
            PassThrough stream = new PassThrough(response.body(), scope);
            scope.onFinish(() -> {
                stream.abandon();
                heard.accept(new LiveAnswer(scope.sequence, method, path, hash, status, kept(headers), stream.copy(),
                        true, stream.ended, true));
            });
            // The same stream each time WireMock asks (it opens the body once to log it, reading nothing).
            return Response.response().status(status).headers(UpstreamResponder.headers(headers)).body(() -> stream);
        }
        byte[] answer;
        try (InputStream in = response.body()) {
            answer = in.readAllBytes();
        } catch (IOException e) {
            return unreachable(method, path, hash, scope, "it broke off its answer (" + describe(e) + ")");
        }
        if (status >= 400) {
            // The real API's own failure, judged as chaosgate's would be: its class from its status and body.
            scope.failureClass = ErrorAnswers.classify(status, new String(answer, java.nio.charset.StandardCharsets.UTF_8)).name();
        }
        scope.onFinish(() -> heard.accept(new LiveAnswer(scope.sequence, method, path, hash, status, kept(headers), answer,
                false, true, true)));
        return Response.response().status(status).headers(UpstreamResponder.headers(headers))
                .body(() -> new UpstreamResponder.FinishingBody(answer, scope));
    }

    /** The recorded answer again, if this is its request; a 422 that says what differs if not. */
    private Response.Builder replay(LiveAnswer recorded, String method, String target, byte[] body, RequestScope scope,
                                   StreamPacing pacing) {
        String difference = recorded.difference(method, target, body);
        if (!difference.isEmpty()) {
            String message = "request #" + scope.sequence + " (" + method + " " + Redaction.target(target)
                    + ") is not the one the recording answered in this place (request #" + recorded.sequence() + "): "
                    + difference + "; a replay serves recorded answers in the order they were recorded, to the same requests";
            warnings.accept("replay: " + message + "; answered 422");
            scope.faultLabel = "replay mismatch";
            ending(scope, false);
            byte[] error = error("chaosgate replay: " + message, "chaosgate_replay_mismatch");
            return Response.response().status(422).headers(UpstreamResponder.headers(List.of(
                            new dev.chaosgate.fixtures.HttpHeader("content-type", "application/json"))))
                    .body(() -> new UpstreamResponder.FinishingBody(error, scope));
        }
        if (!recorded.reached()) {
            scope.faultLabel = "live upstream unreachable (replayed)";
            scope.failureClass = FailureClass.BAD_GATEWAY.name();
        }
        if (recorded.reached() && recorded.status() >= 400) {
            scope.failureClass = ErrorAnswers.classify(recorded.status(),
                    recorded.streamed() ? "" : new String(recorded.body(), java.nio.charset.StandardCharsets.UTF_8)).name();
        }
        ending(scope, recorded.status() / 100 == 2 && recorded.complete());
        scope.onFinish(() -> heard.accept(new LiveAnswer(scope.sequence, recorded.method(), recorded.path(),
                recorded.requestSha256(), recorded.status(), recorded.headers(), recorded.body(), recorded.streamed(),
                recorded.complete(), recorded.reached())));
        byte[] bytes = recorded.body();
        if (recorded.streamed()) {
            scope.streamed = true;
            List<EventStream.Step> steps = new ArrayList<>();
            for (byte[] event : events(bytes)) {
                steps.add(new EventStream.Emit(event));
            }
            return Response.response().status(recorded.status()).headers(UpstreamResponder.headers(recorded.headers()))
                    .body(() -> new EventStream(steps, pacing, scope));
        }
        return Response.response().status(recorded.status()).headers(UpstreamResponder.headers(recorded.headers()))
                .body(() -> new UpstreamResponder.FinishingBody(bytes, scope));
    }

    /** chaosgate's own 502: the real API could not be reached; said once per outage, recorded like any answer. */
    private Response.Builder unreachable(String method, String path, String hash, RequestScope scope, String why) {
        String message = "chaosgate could not reach the live upstream " + live + ": " + why + "; the request was not answered";
        if (unreachable.compareAndSet(false, true)) {
            warnings.accept("the live upstream " + live + " cannot be reached (" + why + "); requests it should answer get"
                    + " a 502 from chaosgate until it answers again");
        }
        scope.faultLabel = "live upstream unreachable";
        scope.failureClass = FailureClass.BAD_GATEWAY.name();
        ending(scope, false);
        byte[] error = error(message, "chaosgate_upstream_unreachable");
        List<dev.chaosgate.fixtures.HttpHeader> headers = List.of(new dev.chaosgate.fixtures.HttpHeader("content-type", "application/json"));
        scope.onFinish(() -> heard.accept(new LiveAnswer(scope.sequence, method, path, hash, 502, headers, error, false, true,
                false)));
        return Response.response().status(502).headers(UpstreamResponder.headers(headers))
                .body(() -> new UpstreamResponder.FinishingBody(error, scope));
    }

    /** A generation request's action step ends with the answer when it came whole, else with nothing. */
    private static void ending(RequestScope scope, boolean answered) {
        ActionStep step = scope.action;
        if (step != null) {
            scope.action = step.endingWith(answered ? ActionStep.Ending.ANSWER : null);
        }
    }

    /** The header names the client's {@code Connection} header lists: hop-by-hop too. */
    private static Set<String> connectionTokens(Request request) {
        Set<String> names = new HashSet<>();
        HttpHeader connection = request.getHeaders().getHeader("Connection");
        if (connection != null && connection.isPresent()) {
            for (String value : connection.values()) {
                for (String token : value.split(",")) {
                    names.add(token.strip().toLowerCase(Locale.ROOT));
                }
            }
        }
        return names;
    }

    /** Headers as kept in a recording: secrets redacted (an answer rarely carries one, but nothing stored may). */
    private static List<dev.chaosgate.fixtures.HttpHeader> kept(List<dev.chaosgate.fixtures.HttpHeader> headers) {
        return headers.stream().map(h -> new dev.chaosgate.fixtures.HttpHeader(h.name(), Redaction.headerValue(h.name(), h.value())))
                .toList();
    }

    /** A stream's bytes cut after each event's blank line, so a replay sends them event by event; joined they are the same bytes. */
    static List<byte[]> events(byte[] bytes) {
        List<byte[]> events = new ArrayList<>();
        int start = 0;
        for (int i = 1; i < bytes.length; i++) {
            boolean blankLine = bytes[i] == '\n' && (bytes[i - 1] == '\n'
                    || (i >= 3 && bytes[i - 1] == '\r' && bytes[i - 2] == '\n' && bytes[i - 3] == '\r'));
            if (blankLine) {
                events.add(java.util.Arrays.copyOfRange(bytes, start, i + 1));
                start = i + 1;
            }
        }
        if (start < bytes.length) {
            events.add(java.util.Arrays.copyOfRange(bytes, start, bytes.length));
        }
        return events;
    }

    private static String describe(IOException e) {
        String kind = e.getClass().getSimpleName();
        String message = e.getMessage();
        if (e instanceof java.net.ConnectException && (message == null || message.isBlank())) {
            return "connection refused or host unknown (" + kind + ")";
        }
        return (message == null || message.isBlank() ? "no detail" : Redaction.target(message)) + " (" + kind + ")";
    }

    private static byte[] error(String message, String type) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.putNull("param");
        error.putNull("code");
        try {
            return JSON.writeValueAsBytes(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /**
     * The real API's event stream on its way to the client: each read returns what has come, and the next read
     * first pushes the last one out, so events reach the client as the real API sends them. Keeps a copy for the
     * recording. WireMock closes the body it peeks at for its log, so {@link #close()} does nothing; the real API's
     * stream is closed when the request finishes ({@link #abandon()}).
     */
    private static final class PassThrough extends InputStream {
        private final InputStream source;
        private final RequestScope scope;
        private final ByteArrayOutputStream copy = new ByteArrayOutputStream();
        private boolean started;
        private boolean wrote;
        volatile boolean ended;

        PassThrough(InputStream source, RequestScope scope) {
            this.source = source;
            this.scope = scope;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (!started || wrote) {
                // The status and headers at once, then what WireMock wrote of the last read.
                started = true;
                scope.response.flushBuffer();
            }
            int read;
            try {
                read = source.read(buffer, offset, length);
            } catch (IOException e) {
                // The real API broke its stream off: the client gets what came, then the connection ends.
                ActionStep step = scope.action;
                scope.action = step == null ? null : step.endingWith(null);
                scope.failureClass = (copySize() > 0 ? FailureClass.STREAM_INTERRUPTED : FailureClass.CONNECTION_FAILURE).name();
                scope.finish();
                throw e;
            }
            if (read < 0) {
                ended = true;
                // Recorded before WireMock closes the response, so before the client sees the end.
                scope.finish();
                return -1;
            }
            synchronized (copy) {
                copy.write(buffer, offset, read);
            }
            wrote = read > 0;
            return read;
        }

        private int copySize() {
            synchronized (copy) {
                return copy.size();
            }
        }

        byte[] copy() {
            synchronized (copy) {
                return copy.toByteArray();
            }
        }

        /** Closes the real API's stream (a client that left makes the real API stop too). */
        void abandon() {
            try {
                source.close();
            } catch (IOException ignored) {
                // closing what is already broken
            }
        }

        @Override
        public void close() {
            // WireMock closes the body it peeked at for its log: the stream goes on.
        }
    }
}
