package dev.chaosgate.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chaosgate.console.ConsoleServer;
import dev.chaosgate.console.ServeSession;
import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.link.LinkServer;
import dev.chaosgate.upstream.FakeUpstream;
import dev.chaosgate.upstream.StreamPacing;
import dev.chaosgate.upstream.UpstreamExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9, item 5: every HTTP entry point chaosgate owns caps request bodies with a clear 413 in its
 * own error shape: the Toxiproxy API (1 MiB, Toxiproxy's JSON error), the console's admin API
 * (64 KiB, its JSON error) and the fake upstream's API (8 MiB, OpenAI's error shape). For each: a
 * body of exactly the cap is served, one byte more is refused, a chunked body is counted as it
 * arrives, a {@code Content-Length} over the cap is refused without waiting for a body that never
 * comes, and a {@code Content-Length} under what is sent bounds the body.
 */
class BodyLimitsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static LinkServer toxiproxy;
    private static ServeSession session;
    private static ConsoleServer console;
    private static FakeUpstream upstream;

    @BeforeAll
    static void start() {
        toxiproxy = LinkServer.builder().start();
        session = ServeSession.builder().scenario("bad-gateway-single").listen("127.0.0.1", 0).pacing(StreamPacing.immediate()).start();
        console = ConsoleServer.start(session, "127.0.0.1", 0);
        upstream = FakeUpstream.builder().pacing(StreamPacing.immediate()).start();
    }

    @AfterAll
    static void stop() {
        upstream.close();
        console.close();
        session.close();
        toxiproxy.close();
    }

    /** One HTTP entry point: where it is, its cap, a valid body of any size, and its 413. */
    enum EntryPoint {
        TOXIPROXY_API(1 << 20, "/populate", 201) {
            @Override
            int port() {
                return toxiproxy.port();
            }

            @Override
            byte[] body(int size) {
                return padded("[", "]", size);
            }

            @Override
            void assertTooLarge(Answer answer) {
                assertThat(answer.header("content-type")).isEqualTo("text/plain; charset=utf-8");
                assertThat(answer.text()).isEqualTo("{\"error\":\"request body too large: the limit is 1048576 bytes\",\"status\":413}\n");
            }
        },
        ADMIN_API(64 * 1024, "/__chaosgate/api/pause", 200) {
            @Override
            int port() {
                return console.port();
            }

            @Override
            byte[] body(int size) {
                return padded("{", "}", size);
            }

            @Override
            void assertTooLarge(Answer answer) throws IOException {
                assertThat(answer.header("content-type")).isEqualTo("application/json; charset=utf-8");
                JsonNode error = JSON.readTree(answer.body());
                assertThat(error.get("status").asInt()).isEqualTo(413);
                assertThat(error.get("error").asText()).startsWith("request body over 64 KiB");
            }
        },
        FAKE_UPSTREAM(FakeUpstream.MAX_REQUEST_BODY_BYTES, "/v1/chat/completions", 200) {
            @Override
            int port() {
                return upstream.port();
            }

            @Override
            byte[] body(int size) {
                return padded("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"", "\"}]}", size);
            }

            @Override
            void assertTooLarge(Answer answer) throws IOException {
                assertTooLargeFromTheUpstream(answer);
            }
        };

        final int cap;
        final String path;
        final int served;

        EntryPoint(int cap, String path, int served) {
            this.cap = cap;
            this.path = path;
            this.served = served;
        }

        abstract int port();

        /** A valid JSON body of exactly {@code size} bytes. */
        abstract byte[] body(int size);

        abstract void assertTooLarge(Answer answer) throws IOException;

        /** {@code head}, then {@code a} (in a JSON string) or spaces, then {@code tail}: {@code size} bytes. */
        static byte[] padded(String head, String tail, int size) {
            byte[] body = new byte[size];
            byte fill = (byte) (head.endsWith("\"") ? 'a' : ' ');
            Arrays.fill(body, fill);
            System.arraycopy(head.getBytes(StandardCharsets.US_ASCII), 0, body, 0, head.length());
            System.arraycopy(tail.getBytes(StandardCharsets.US_ASCII), 0, body, size - tail.length(), tail.length());
            return body;
        }
    }

    @ParameterizedTest
    @EnumSource(EntryPoint.class)
    void aBodyOfExactlyTheCapIsServed(EntryPoint entry) throws IOException {
        Answer answer = post(entry, entry.body(entry.cap), Framing.CONTENT_LENGTH, -1);

        assertThat(answer.status()).as(answer.text()).isEqualTo(entry.served);
    }

    @ParameterizedTest
    @EnumSource(EntryPoint.class)
    void oneByteOverTheCapIs413(EntryPoint entry) throws IOException {
        Answer answer = post(entry, entry.body(entry.cap + 1), Framing.CONTENT_LENGTH, -1);

        assertThat(answer.status()).as(answer.text()).isEqualTo(413);
        entry.assertTooLarge(answer);
    }

    @ParameterizedTest
    @EnumSource(EntryPoint.class)
    void aChunkedBodyIsCountedAsItArrives(EntryPoint entry) throws IOException {
        Answer over = post(entry, entry.body(entry.cap + 1), Framing.CHUNKED, -1);
        assertThat(over.status()).as(over.text()).isEqualTo(413);
        entry.assertTooLarge(over);

        Answer small = post(entry, entry.body(1024), Framing.CHUNKED, -1);
        assertThat(small.status()).as(small.text()).isEqualTo(entry.served);
    }

    @ParameterizedTest
    @EnumSource(EntryPoint.class)
    void aContentLengthOverTheCapIsRefusedWithoutWaitingForTheBody(EntryPoint entry) throws IOException {
        long start = System.nanoTime();
        Answer answer = post(entry, Arrays.copyOf(entry.body(1024), 16), Framing.CONTENT_LENGTH, 4L * entry.cap);

        assertThat(answer.status()).as(answer.text()).isEqualTo(413);
        entry.assertTooLarge(answer);
        // The fake upstream gives a body that stops arriving 2 s before it answers; the others answer at once.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @ParameterizedTest
    @EnumSource(EntryPoint.class)
    void aContentLengthUnderWhatIsSentBoundsTheBody(EntryPoint entry) throws IOException {
        Answer answer = post(entry, entry.body(2 * entry.cap), Framing.CONTENT_LENGTH, 16);

        assertThat(answer.status()).as("only 16 bytes are the body: %s", answer.text()).isNotEqualTo(413).isBetween(200, 499);
        Answer next = post(entry, entry.body(1024), Framing.CONTENT_LENGTH, -1);
        assertThat(next.status()).as("still serving: %s", next.text()).isEqualTo(entry.served);
    }

    @Test
    void theUpstreamJournalsWhatItRefused() throws IOException {
        long before = upstream.exchanges().size();

        post(EntryPoint.FAKE_UPSTREAM, EntryPoint.FAKE_UPSTREAM.body(FakeUpstream.MAX_REQUEST_BODY_BYTES + 1), Framing.CONTENT_LENGTH, -1);

        UpstreamExchange refused = upstream.exchanges().get(upstream.exchanges().size() - 1);
        assertThat(upstream.exchanges()).hasSize((int) before + 1);
        assertThat(refused.status()).isEqualTo(413);
        assertThat(refused.fault()).isEqualTo("request body over 8 MiB (refused)");
        assertThat(refused.path()).isEqualTo("/v1/chat/completions");
    }

    @Test
    void aClientOfTheGatewayGetsTheUpstreamsOpenAiShaped413() throws IOException {
        try (ChaosGateway gateway = ChaosGateway.builder().pacing(StreamPacing.immediate()).start()) {
            int link = URI.create(gateway.baseUrl()).getPort();
            byte[] body = EntryPoint.FAKE_UPSTREAM.body(FakeUpstream.MAX_REQUEST_BODY_BYTES + 1);

            Answer answer = exchange(link, "/v1/chat/completions", Map.of("Expect", "100-continue"), body, Framing.CONTENT_LENGTH, -1);
            assertThat(answer.status()).isEqualTo(413);
            assertTooLargeFromTheUpstream(answer);
            assertThat(exchange(link, "/v1/chat/completions", Map.of(), body, Framing.CHUNKED, -1).status()).isEqualTo(413);
        }
    }

    @Test
    void aBrokenChunkedBodyGetsAnOpenAiShaped400NotAStackTrace() throws IOException {
        long before = upstream.exchanges().size();
        try (Socket socket = new Socket("127.0.0.1", upstream.port())) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            // "zz" is no chunk size: the body cannot be read
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{\"a\":1}\r\n0\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Answer answer = read(socket.getInputStream());

            assertThat(answer.status()).as(answer.text()).isEqualTo(400);
            assertThat(answer.text()).doesNotContain("org.eclipse").doesNotContain("Exception");
            JsonNode error = JSON.readTree(answer.body()).get("error");
            assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.get("message").asText()).startsWith("The request body could not be read");
        }
        // Not journalled: a body cut off on the way (a link toxic, a client gone) reads the same to Jetty, and that
        // attempt failed on the connection, not on a 400 its client never read.
        assertThat(upstream.exchanges()).hasSize((int) before);
    }

    private static void assertTooLargeFromTheUpstream(Answer answer) throws IOException {
        assertThat(answer.header("content-type")).isEqualTo("application/json");
        JsonNode error = JSON.readTree(answer.body()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("code").asText()).isEqualTo("request_body_too_large");
        assertThat(error.get("message").asText()).startsWith("Request body too large:").contains("at most 8388608 bytes (8 MiB)");
        assertThat(error.has("param")).isTrue();
    }

    // ---- a client written by hand, to send what java.net.http would not ----

    enum Framing { CONTENT_LENGTH, CHUNKED }

    record Answer(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String text() {
            String text = new String(body, StandardCharsets.UTF_8);
            return text.length() > 300 ? text.substring(0, 300) + "..." : text;
        }
    }

    private static Answer post(EntryPoint entry, byte[] body, Framing framing, long declared) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        if (entry == EntryPoint.ADMIN_API) {
            headers.put("Origin", "http://127.0.0.1:" + entry.port());
        }
        return exchange(entry.port(), entry.path, headers, body, framing, declared);
    }

    /**
     * POSTs {@code body} with {@code Content-Length} ({@code declared} when >= 0, else the body's
     * length) or chunked, writing it on a thread of its own while the answer is read, as clients do.
     */
    static Answer exchange(int port, String path, Map<String, String> extra, byte[] body, Framing framing, long declared)
            throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(15_000);
            StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nContent-Type: application/json\r\nConnection: close\r\n");
            extra.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            head.append(framing == Framing.CHUNKED ? "Transfer-Encoding: chunked\r\n"
                    : "Content-Length: " + (declared >= 0 ? declared : body.length) + "\r\n").append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            boolean waitForContinue = extra.containsKey("Expect");
            Thread writer = new Thread(() -> {
                try {
                    if (!waitForContinue) {
                        writeBody(out, body, framing);
                    }
                } catch (IOException e) {
                    // The server answered and closed before taking it all: the answer is what counts.
                }
            }, "body-writer");
            writer.setDaemon(true);
            writer.start();
            Answer answer = read(socket.getInputStream());
            writer.interrupt();
            return answer;
        }
    }

    private static void writeBody(OutputStream out, byte[] body, Framing framing) throws IOException {
        int chunk = 64 * 1024;
        for (int at = 0; at < body.length; at += chunk) {
            int n = Math.min(chunk, body.length - at);
            if (framing == Framing.CHUNKED) {
                out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            }
            out.write(body, at, n);
            if (framing == Framing.CHUNKED) {
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
        }
        if (framing == Framing.CHUNKED) {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.flush();
    }

    /** The first final answer (a 100 Continue is skipped): status, headers (lower case), body by Content-Length or to the end. */
    private static Answer read(InputStream in) throws IOException {
        while (true) {
            String status = line(in);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line = line(in); !line.isEmpty(); line = line(in)) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
            int code = Integer.parseInt(status.split(" ")[1]);
            if (code == 100) {
                continue;
            }
            String length = headers.get("content-length");
            byte[] body = length != null ? in.readNBytes(Integer.parseInt(length)) : in.readAllBytes();
            return new Answer(code, headers, body);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed before a whole answer; read: " + line.toString(StandardCharsets.ISO_8859_1));
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}
