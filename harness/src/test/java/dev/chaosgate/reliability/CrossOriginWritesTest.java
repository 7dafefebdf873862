package dev.chaosgate.reliability;

import dev.chaosgate.console.ConsoleServer;
import dev.chaosgate.console.ServeSession;
import dev.chaosgate.link.LinkServer;
import dev.chaosgate.upstream.StreamPacing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9, item 5: a web page open in the tester's browser cannot steer chaosgate. The console's
 * admin API takes writes only from the console's own page (JSON, own {@code Origin}, no cross-site
 * {@code Sec-Fetch-Site}) and only under a loopback {@code Host} (no DNS rebinding); reads stay
 * allowed but carry no CORS header, so another page cannot read them. The fake upstream has no
 * admin API a form POST through the app's port could reach, and the Toxiproxy API refuses browsers
 * as Toxiproxy does.
 */
class CrossOriginWritesTest {
    private static final String PAUSE = "/__chaosgate/api/pause";
    private static final String JSON = "application/json";

    private ServeSession session;
    private ConsoleServer console;
    private String own;

    @BeforeEach
    void start() {
        session = ServeSession.builder().scenario("bad-gateway-single").listen("127.0.0.1", 0).pacing(StreamPacing.immediate()).start();
        console = ConsoleServer.start(session, "127.0.0.1", 0);
        own = "http://127.0.0.1:" + console.port();
    }

    @AfterEach
    void stop() {
        console.close();
        session.close();
    }

    // ---- the console's admin API ----

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            // what                                      | Origin               | Sec-Fetch-Site | Content-Type                      | refusal
            "another origin                              | http://evil.example  | cross-site     | application/json                  | a POST from origin http://evil.example",
            "a sandboxed frame (Origin: null)            | null                 | cross-site     | application/json                  | a POST from origin null",
            "another port of this host                   | http://127.0.0.1:1   | same-site      | application/json                  | a POST from origin http://127.0.0.1:1",
            "no Origin, but the browser says cross-site  | -                    | cross-site     | application/json                  | Sec-Fetch-Site: cross-site",
            "no Origin, but the browser says same-site   | -                    | same-site      | application/json                  | Sec-Fetch-Site: same-site",
            "a CORS simple request (text/plain)          | -                    | -              | text/plain                        | must carry Content-Type: application/json",
            "a form                                      | -                    | -              | application/x-www-form-urlencoded | must carry Content-Type: application/json",
            "a multipart form                            | -                    | -              | multipart/form-data; boundary=x   | must carry Content-Type: application/json",
            "no Content-Type                             | -                    | -              | -                                 | must carry Content-Type: application/json"})
    void aWriteFromAnotherPageIsRefused(String what, String origin, String fetchSite, String contentType, String refusal) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        put(headers, "Origin", origin);
        put(headers, "Sec-Fetch-Site", fetchSite);
        put(headers, "Content-Type", contentType);

        Answer answer = send(console.port(), "POST", PAUSE, headers, "{}");

        assertThat(answer.status()).as(answer.body()).isEqualTo(403);
        assertThat(answer.body()).contains("refused: ").contains(refusal);
        assertThat(session.state().paused()).as("nothing refused took effect").isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "the console page (Origin and Sec-Fetch-Site)   | own | same-origin",
            "the console page opened as localhost           | localhost | same-origin",
            "a script (curl, a test): neither header        | -   | -",
            "a browser without Sec-Fetch-Site               | own | -",
            "typed by the user (Sec-Fetch-Site: none)       | -   | none"})
    void aWriteFromTheConsoleOrAScriptIsServed(String what, String origin, String fetchSite) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        String host = "127.0.0.1:" + console.port();
        if ("localhost".equals(origin)) {
            host = "localhost:" + console.port();
            origin = "http://" + host;
        } else if ("own".equals(origin)) {
            origin = own;
        }
        headers.put("Host", host);
        put(headers, "Origin", origin);
        put(headers, "Sec-Fetch-Site", fetchSite);
        headers.put("Content-Type", JSON + "; charset=utf-8");

        Answer answer = send(console.port(), "POST", PAUSE, headers, "{}");

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(session.state().paused()).isTrue();
    }

    @Test
    void aReadFromAnotherPageIsAnsweredButNotSharedWithIt() throws IOException {
        Answer answer = send(console.port(), "GET", "/__chaosgate/api/state",
                Map.of("Origin", "http://evil.example", "Sec-Fetch-Site", "cross-site"), null);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.headers()).as("no CORS header: the browser keeps the answer from the page")
                .doesNotContainKeys("access-control-allow-origin", "access-control-allow-credentials");

        Answer preflight = send(console.port(), "OPTIONS", PAUSE, Map.of("Origin", "http://evil.example",
                "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type"), null);
        assertThat(preflight.status()).isNotEqualTo(200).isNotEqualTo(204);
        assertThat(preflight.headers()).doesNotContainKeys("access-control-allow-origin", "access-control-allow-methods");
    }

    @Test
    void aDnsReboundHostNameIsRefusedForReadsAndWrites() throws IOException {
        String rebound = "rebound.example:" + console.port();

        Answer read = send(console.port(), "GET", "/__chaosgate/api/state", Map.of("Host", rebound), null);
        Answer write = send(console.port(), "POST", PAUSE, Map.of("Host", rebound, "Origin", "http://" + rebound,
                "Sec-Fetch-Site", "same-origin", "Content-Type", JSON), "{}");
        Answer page = send(console.port(), "GET", "/__chaosgate/", Map.of("Host", rebound), null);

        assertThat(read.status()).isEqualTo(403);
        assertThat(write.status()).isEqualTo(403);
        assertThat(page.status()).isEqualTo(403);
        assertThat(write.body()).contains("answers only on loopback names");
        assertThat(session.state().paused()).isFalse();
    }

    // ---- the fake upstream, through the app's port ----

    @Test
    void theUpstreamHasNoAdminApiAFormCouldReach() throws IOException {
        int app = URI.create(session.baseUrl()).getPort();

        for (String path : new String[] {"/__admin/mappings/reset", "/__admin/shutdown", "/__admin/mappings", "/__admin/settings"}) {
            Answer answer = send(app, "POST", path, Map.of("Content-Type", "text/plain", "Origin", "http://evil.example"), "{}");
            assertThat(answer.status()).as(path).isEqualTo(404);
            assertThat(answer.body()).as(path).isEqualTo("{\"error\":{\"message\":\"Invalid URL (POST " + path
                    + ")\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}");
        }
        assertThat(send(app, "GET", "/__admin/mappings", Map.of(), null).status()).isEqualTo(404);

        // The stub still decides: the scenario's one 502 (faults hit generation calls), then normal answers.
        assertThat(send(app, "POST", "/v1/chat/completions", Map.of("Authorization", "Bearer test", "Content-Type",
                "application/json"), "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").status())
                .isEqualTo(502);
        Answer models = send(app, "GET", "/v1/models", Map.of("Authorization", "Bearer test"), null);
        assertThat(models.status()).as("the upstream still serves: %s", models.body()).isEqualTo(200);
        assertThat(models.body()).contains("gpt-4o-mini");
    }

    // ---- the Toxiproxy API ----

    @Test
    void theToxiproxyApiRefusesBrowsersAsToxiproxyDoes() throws IOException {
        try (LinkServer toxiproxy = LinkServer.builder().start()) {
            String proxy = "{\"name\":\"p\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"127.0.0.1:9\"}";
            Map<String, String> browser = Map.of("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/126", "Content-Type", "text/plain",
                    "Origin", "http://evil.example");

            Answer refused = send(toxiproxy.port(), "POST", "/proxies", browser, proxy);
            Answer reset = send(toxiproxy.port(), "POST", "/reset", browser, "");

            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.body()).isEqualTo("User agent not allowed\n");
            assertThat(reset.status()).isEqualTo(403);
            assertThat(toxiproxy.engine().proxies()).isEmpty();
            Answer script = send(toxiproxy.port(), "POST", "/proxies", Map.of("User-Agent", "toxiproxy-cli"), proxy);
            assertThat(script.status()).as(script.body()).isEqualTo(201);
        }
    }

    // ---- a client written by hand: browsers' headers and a Host of our choosing ----

    private record Answer(int status, Map<String, String> headers, String body) {
    }

    private static void put(Map<String, String> headers, String name, String value) {
        if (value != null) {
            headers.put(name, value);
        }
    }

    private static Answer send(int port, String method, String path, Map<String, String> headers, String body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
            if (!headers.containsKey("Host")) {
                head.append("Host: 127.0.0.1:").append(port).append("\r\n");
            }
            headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            if (body != null) {
                head.append("Content-Length: ").append(bytes.length).append("\r\n");
            }
            head.append("Connection: close\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(bytes);
            out.flush();
            InputStream in = socket.getInputStream();
            String status = line(in);
            Map<String, String> answered = new LinkedHashMap<>();
            for (String line = line(in); !line.isEmpty(); line = line(in)) {
                int colon = line.indexOf(':');
                answered.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
            String length = answered.get("content-length");
            byte[] content = length != null ? in.readNBytes(Integer.parseInt(length)) : in.readAllBytes();
            return new Answer(Integer.parseInt(status.split(" ")[1]), answered, new String(content, StandardCharsets.UTF_8));
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed mid-answer: " + line.toString(StandardCharsets.ISO_8859_1));
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}
