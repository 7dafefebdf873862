package dev.chaosgate.upstream.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaosgate.upstream.Faults;
import dev.chaosgate.upstream.StreamPacing;
import dev.chaosgate.upstream.UpstreamExchange;
import dev.chaosgate.upstream.UpstreamFault;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link DirectAnswers} writes what WireMock's request pipeline wrote, byte for byte: two upstreams with the same
 * seed, one answering through WireMock's whole pipeline and one beside it, get the same requests in the same order
 * over real sockets, and every answer (status line, headers, framing, body, or the way the connection breaks) and
 * every journal entry must be the same. Covers each dialect, streamed or not, the side calls, the refusals and
 * each kind of fault.
 */
@Timeout(120)
class DirectAnswersTest {
    private static final String PROMPT = "Where is my order?";
    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}";
    private static final String CHAT_STREAM = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}";
    private static final String CHAT_TOOL = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Track order 42\"}],"
            + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"lookup_order\",\"parameters\":{\"type\":\"object\","
            + "\"properties\":{\"id\":{\"type\":\"string\"}},\"required\":[\"id\"]}}}]}";
    private static final String CHAT_SHORT = "{\"model\":\"gpt-4o-mini\",\"max_tokens\":3,\"messages\":[{\"role\":\"user\",\"content\":\""
            + PROMPT + "\"}]}";
    private static final String RESPONSES = "{\"model\":\"gpt-4o-mini\",\"input\":\"" + PROMPT + "\"}";
    private static final String RESPONSES_STREAM = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"input\":\"" + PROMPT + "\"}";
    private static final String ANTHROPIC = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":256,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"" + PROMPT + "\"}]}";
    private static final String ANTHROPIC_STREAM = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":256,\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}";
    private static final String AZURE = "/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21";
    private static final String GEMINI = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + PROMPT + "\"}]}]}";
    private static final String GEMINI_PATH = "/v1beta/models/gemini-2.5-flash";

    private UpstreamServer pipeline;
    private UpstreamServer direct;

    @BeforeEach
    void start() {
        pipeline = new UpstreamServer("127.0.0.1", 0, 7, StreamPacing.immediate(), 8, 1_000);
        pipeline.directAnswers(false);
        direct = new UpstreamServer("127.0.0.1", 0, 7, StreamPacing.immediate(), 8, 1_000);
    }

    @AfterEach
    void stop() {
        pipeline.close();
        direct.close();
    }

    @Test
    void answersWithoutFaultsAreTheBytesOfWireMocksPipelineInEveryDialect() throws Exception {
        List<Call> calls = List.of(
                Call.post("/v1/chat/completions", CHAT),
                Call.post("/v1/chat/completions", CHAT).closing(),
                Call.post("/v1/chat/completions", CHAT_STREAM),
                Call.post("/v1/chat/completions", CHAT_STREAM).closing(),
                Call.post("/v1/chat/completions", CHAT_TOOL),
                Call.post("/v1/chat/completions", CHAT_SHORT),
                Call.post("/v1/chat/completions", CHAT).sentChunked(),
                Call.post("/v1/responses", RESPONSES),
                Call.post("/v1/responses", RESPONSES_STREAM),
                Call.post("/v1/messages", ANTHROPIC).header("x-api-key", "sk-ant-test").header("anthropic-version", "2023-06-01"),
                Call.post("/v1/messages", ANTHROPIC_STREAM).header("x-api-key", "sk-ant-test").header("anthropic-version", "2023-06-01"),
                Call.post(AZURE, CHAT).header("api-key", "azure-test"),
                Call.post(AZURE, CHAT_STREAM).header("api-key", "azure-test"),
                Call.post(GEMINI_PATH + ":generateContent", GEMINI).header("x-goog-api-key", "gemini-test"),
                Call.post(GEMINI_PATH + ":streamGenerateContent?alt=sse", GEMINI).header("x-goog-api-key", "gemini-test"),
                Call.get("/v1/models"),
                Call.get("/v1/no-such-thing"),
                Call.post("/v1/chat/completions", "{\"model\": not json"),
                Call.get("/__admin/mappings"));

        assertSameAnswers(calls);
    }

    @Test
    void faultsAreTheBytesOfWireMocksPipeline() throws Exception {
        Map<UpstreamFault, List<Call>> faulted = new LinkedHashMap<>();
        List<Call> everyDialect = List.of(
                Call.post("/v1/chat/completions", CHAT),
                Call.post("/v1/messages", ANTHROPIC).header("anthropic-version", "2023-06-01"),
                Call.post(AZURE, CHAT),
                Call.post(GEMINI_PATH + ":generateContent", GEMINI));
        faulted.put(Faults.rateLimited(), everyDialect);
        faulted.put(Faults.overloaded(), everyDialect);
        faulted.put(Faults.badGateway(), List.of(Call.post("/v1/chat/completions", CHAT)));
        faulted.put(Faults.slowAnswer(Duration.ofMillis(30)), List.of(Call.post("/v1/chat/completions", CHAT_STREAM)));
        List<Call> streams = List.of(
                Call.post("/v1/chat/completions", CHAT_STREAM),
                Call.post("/v1/responses", RESPONSES_STREAM),
                Call.post("/v1/messages", ANTHROPIC_STREAM).header("anthropic-version", "2023-06-01"),
                Call.post(GEMINI_PATH + ":streamGenerateContent?alt=sse", GEMINI));
        faulted.put(Faults.streamCutAfter(3), streams);
        faulted.put(Faults.streamError(), streams);
        faulted.put(Faults.streamResetAfter(2), streams);
        faulted.put(Faults.streamStallAfter(2, Duration.ofMillis(30)), streams);
        List<Call> chat = List.of(Call.post("/v1/chat/completions", CHAT));
        faulted.put(Faults.connectionReset(), chat);
        faulted.put(Faults.emptyResponse(), chat);
        faulted.put(Faults.malformedChunk(), chat);

        for (Map.Entry<UpstreamFault, List<Call>> fault : faulted.entrySet()) {
            pipeline.serve(fault.getKey());
            direct.serve(fault.getKey());
            assertSameAnswers(fault.getValue());
        }
    }

    @Test
    void theDirectPathIsTakenAndItsJournalSaysWhatThePipelinesSays() throws Exception {
        List<String> pipelineAnswerers = new CopyOnWriteArrayList<>();
        List<String> directAnswerers = new CopyOnWriteArrayList<>();
        pipeline.decider((runtime, facts) -> answeredBy(pipelineAnswerers, runtime, facts));
        direct.decider((runtime, facts) -> answeredBy(directAnswerers, runtime, facts));
        List<Call> calls = List.of(Call.post("/v1/chat/completions", CHAT), Call.post("/v1/chat/completions", CHAT_STREAM),
                Call.post("/v1/messages", ANTHROPIC).header("anthropic-version", "2023-06-01"));
        assertSameAnswers(calls);
        pipeline.serve(Faults.rateLimited());
        direct.serve(Faults.rateLimited());
        assertSameAnswers(calls);

        assertThat(directAnswerers).as("who decided each direct answer").isNotEmpty().containsOnly("DirectAnswers");
        assertThat(pipelineAnswerers).as("who decided each answer of the pipeline").isNotEmpty()
                .containsOnly("WireMock's request handler");
        List<String> expected = journal(pipeline);
        assertThat(expected).as("the pipeline's journal").hasSizeGreaterThanOrEqualTo(calls.size() * 2);
        assertThat(journal(direct))
                .as("the journal of the direct answers (observed), against the pipeline's for the same requests (expected)")
                .containsExactlyElementsOf(expected);
    }

    /** Notes which path asked for the decision (from the deciding thread's stack), then decides as the upstream does. */
    private static Decision answeredBy(List<String> seen, FaultRuntime runtime, RequestFacts facts) {
        boolean pipelined = false;
        boolean direct = false;
        for (StackTraceElement frame : new Throwable().getStackTrace()) {
            pipelined |= frame.getClassName().equals("com.github.tomakehurst.wiremock.http.AbstractRequestHandler");
            direct |= frame.getClassName().equals(DirectAnswers.class.getName());
        }
        // DirectAnswers stands before WireMock's servlet either way; only the pipeline runs WireMock's request handler.
        seen.add(pipelined ? "WireMock's request handler" : direct ? "DirectAnswers" : "neither");
        return runtime.decide(facts);
    }

    /**
     * Sends each call to both upstreams in turn and compares what came back. Date headers and {@code created} times
     * are read from the clock, so a pair that straddles a second is sent again (both upstreams draw their next
     * values then, and stay in step); a real difference shows on every try.
     */
    private void assertSameAnswers(List<Call> calls) throws IOException {
        for (Call call : calls) {
            String expected = null;
            String observed = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                expected = call.send(pipeline.port());
                observed = call.send(direct.port());
                if (expected.equals(observed)) {
                    break;
                }
            }
            assertThat(observed)
                    .as("%s: the direct answer (observed) against WireMock's pipeline's (expected), with the same seed",
                            call)
                    .isEqualTo(expected);
        }
    }

    /** The journal without what differs between two servers (arrival, duration, port) or depends on the clock (Date). */
    private static List<String> journal(UpstreamServer server) {
        List<String> entries = new ArrayList<>();
        for (UpstreamExchange e : server.exchanges()) {
            Map<String, String> responseHeaders = new LinkedHashMap<>(e.responseHeaders());
            responseHeaders.remove("date");
            entries.add(String.join(" | ", String.valueOf(e.sequence()), e.method(), e.path(),
                    String.valueOf(e.requestHeaders()), e.requestBody(), String.valueOf(e.fault()), String.valueOf(e.status()),
                    String.valueOf(responseHeaders), String.valueOf(e.streamed()), String.valueOf(e.complete()),
                    String.valueOf(e.phase()), String.valueOf(e.failureClass()), String.valueOf(e.prompt()),
                    String.valueOf(e.clientClosed()), String.valueOf(e.action())));
        }
        return entries;
    }

    /** One raw HTTP/1.1 request, and what the client saw of its answer. */
    private record Call(String method, String target, String body, Map<String, String> headers, boolean close, boolean chunked) {
        static Call post(String target, String body) {
            return new Call("POST", target, body, Map.of("Content-Type", "application/json"), false, false);
        }

        static Call get(String target) {
            return new Call("GET", target, null, Map.of(), false, false);
        }

        Call header(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Call(method, target, body, more, close, chunked);
        }

        Call closing() {
            return new Call(method, target, body, headers, true, chunked);
        }

        Call sentChunked() {
            return new Call(method, target, body, headers, close, true);
        }

        /** The answer's raw bytes as the client read them, and how it ended: framed, at EOF, or by a reset. */
        String send(int port) throws IOException {
            StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: api.chaosgate.test\r\n");
            headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            if (chunked) {
                head.append("Transfer-Encoding: chunked\r\n");
            } else if (body != null) {
                head.append("Content-Length: ").append(content.length).append("\r\n");
            }
            if (close) {
                head.append("Connection: close\r\n");
            }
            head.append("\r\n");
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(20_000);
                socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
                if (chunked) {
                    socket.getOutputStream().write((Integer.toHexString(content.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    socket.getOutputStream().write(content);
                    socket.getOutputStream().write("\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                } else {
                    socket.getOutputStream().write(content);
                }
                socket.getOutputStream().flush();
                return read(socket.getInputStream());
            }
        }

        private static String read(InputStream in) {
            ByteArrayOutputStream seen = new ByteArrayOutputStream();
            String ending;
            try {
                ending = readResponse(in, seen);
            } catch (SocketException e) {
                ending = "broken: " + e.getMessage();
            } catch (IOException e) {
                ending = "failed: " + e;
            }
            return seen.toString(StandardCharsets.ISO_8859_1) + "\n<" + ending + ">";
        }

        private static String readResponse(InputStream in, ByteArrayOutputStream seen) throws IOException {
            String head = readUntil(in, seen, "\r\n\r\n");
            if (head == null) {
                return "eof in head";
            }
            String lower = head.toLowerCase(Locale.ROOT);
            if (lower.contains("\r\ntransfer-encoding: chunked")) {
                while (true) {
                    String size = readUntil(in, seen, "\r\n");
                    if (size == null) {
                        return "eof in chunk size";
                    }
                    int length = Integer.parseInt(size.trim().split(";")[0], 16);
                    if (!copy(in, seen, length + 2)) {
                        return "eof in chunk";
                    }
                    if (length == 0) {
                        return "chunked end";
                    }
                }
            }
            int at = lower.indexOf("\r\ncontent-length: ");
            if (at >= 0) {
                int length = Integer.parseInt(lower.substring(at + 18, lower.indexOf("\r\n", at + 2)).trim());
                return copy(in, seen, length) ? "content-length end" : "eof in body";
            }
            in.transferTo(seen);
            return "eof";
        }

        /** Reads through {@code end}; the text read, or null at EOF first. */
        private static String readUntil(InputStream in, ByteArrayOutputStream seen, String end) throws IOException {
            StringBuilder text = new StringBuilder();
            while (!text.toString().endsWith(end)) {
                int b = in.read();
                if (b < 0) {
                    return null;
                }
                seen.write(b);
                text.append((char) b);
            }
            return text.toString();
        }

        private static boolean copy(InputStream in, ByteArrayOutputStream seen, int length) throws IOException {
            byte[] bytes = in.readNBytes(length);
            seen.write(bytes);
            return bytes.length == length;
        }

        @Override
        public String toString() {
            return method + " " + target + (body == null ? "" : " " + body) + (close ? " (Connection: close)" : "")
                    + (chunked ? " (chunked)" : "") + " " + headers;
        }
    }
}
