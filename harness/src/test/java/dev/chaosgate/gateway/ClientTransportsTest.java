package dev.chaosgate.gateway;

import dev.chaosgate.cli.NodeRuntime;
import dev.chaosgate.link.LinkConnection;
import dev.chaosgate.link.LinkConnection.BodyFraming;
import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.testsupport.ParallelSafe;
import dev.chaosgate.upstream.StreamPacing;
import dev.chaosgate.upstream.UpstreamExchange;
import dev.chaosgate.verdict.Attempt;
import dev.chaosgate.verdict.Verdict;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every transport a real client uses works through the gateway, and is counted right: the JDK's
 * {@code java.net.http.HttpClient} with its defaults (HTTP/2 preferred, so it offers an h2c upgrade), OkHttp,
 * Node's built-in fetch and Python's {@code http.client}, each sending bodies of known length and streamed
 * (chunked) ones, on kept-alive and fresh connections, with {@code Expect: 100-continue} where the library can.
 *
 * <p>Each client plays {@code bad-gateway-burst} as an app that retries would: up to three attempts, 200 ms
 * then 400 ms apart. Every shape must reach the upstream (two 502s, then the answer), the link must read each
 * request head exactly once and pair it with the upstream's record, and the verdict must pass.
 */
@ParallelSafe
@Timeout(120)
class ClientTransportsTest {
    private static final String PROMPT = "Summarise the meeting notes in three bullet points";
    private static final byte[] BODY = ("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\""
            + PROMPT + "\"}]}").getBytes(StandardCharsets.UTF_8);
    private static final Path SCRIPTS = Path.of("src/test/transport");

    /** One attempt of a client: sends the chat request and returns the status. */
    @FunctionalInterface
    private interface Send {
        int send(String url) throws Exception;
    }

    /** What a client saw and what the gateway made of it. */
    private record Played(List<Integer> statuses, Verdict verdict, List<LinkConnection.RequestHead> heads,
                         List<UpstreamExchange> exchanges) {
        String timeline() {
            StringBuilder text = new StringBuilder("statuses the client got: " + statuses + "\nlink heads:");
            heads.forEach(h -> text.append("\n  ").append(h.method()).append(' ').append(h.target()).append(" (").append(h.transport()).append(')'));
            text.append("\nupstream:");
            exchanges.forEach(e -> text.append("\n  #").append(e.sequence()).append(' ').append(e.method()).append(' ').append(e.path())
                    .append(" -> ").append(e.status()));
            return text.append('\n').append(verdict.explain()).toString();
        }
    }

    private static ChaosGateway burst() {
        return ChaosGateway.builder().scenario(ScenarioCatalog.builtIn().get("bad-gateway-burst"))
                .pacing(StreamPacing.immediate()).start();
    }

    /** A retrying app in Java: up to three attempts, 200 ms then 400 ms apart, until one answers 200. */
    private static Played playInJava(Send client) throws Exception {
        try (ChaosGateway gateway = burst()) {
            List<LinkConnection.RequestHead> heads = watchHeads(gateway);
            List<Integer> statuses = new ArrayList<>();
            for (int attempt = 1; attempt <= 3; attempt++) {
                if (attempt > 1) {
                    Thread.sleep(200L << (attempt - 2));
                }
                int status = client.send(gateway.baseUrl() + "/chat/completions");
                statuses.add(status);
                if (status == 200) {
                    break;
                }
            }
            return judged(gateway, statuses, heads);
        }
    }

    /** A retrying app in another language: the script makes its attempts itself and prints each status on a line. */
    private static Played playScript(List<String> command) throws Exception {
        try (ChaosGateway gateway = burst()) {
            List<LinkConnection.RequestHead> heads = watchHeads(gateway);
            List<String> full = new ArrayList<>(command);
            full.add(gateway.baseUrl());
            Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
            String output;
            try {
                assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished within 60 s", full).isTrue();
                output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } finally {
                process.destroyForcibly();
            }
            assertThat(process.exitValue()).as("%s exit status; its output:%n%s", full, output).isZero();
            List<Integer> statuses = output.lines().filter(l -> l.startsWith("status ")).map(l -> Integer.parseInt(l.substring(7).strip())).toList();
            return judged(gateway, statuses, heads);
        }
    }

    /** The newest snapshot of each connection's heads, collected flat when asked. */
    private static List<LinkConnection.RequestHead> watchHeads(ChaosGateway gateway) {
        List<LinkConnection> latest = new CopyOnWriteArrayList<>();
        gateway.link().onTraffic(connection -> {
            latest.removeIf(c -> c.proxy().equals(connection.proxy()) && c.connection() == connection.connection());
            latest.add(connection);
        });
        return new HeadsView(latest);
    }

    /** A live view of the heads in {@code connections}, in the order they passed. */
    private static final class HeadsView extends java.util.AbstractList<LinkConnection.RequestHead> {
        private final List<LinkConnection> connections;

        HeadsView(List<LinkConnection> connections) {
            this.connections = connections;
        }

        private List<LinkConnection.RequestHead> snapshot() {
            List<LinkConnection.RequestHead> all = new ArrayList<>();
            connections.forEach(c -> all.addAll(c.requests()));
            all.sort(java.util.Comparator.comparing(LinkConnection.RequestHead::at));
            return all;
        }

        @Override
        public LinkConnection.RequestHead get(int index) {
            return snapshot().get(index);
        }

        @Override
        public int size() {
            return snapshot().size();
        }
    }

    private static Played judged(ChaosGateway gateway, List<Integer> statuses, List<LinkConnection.RequestHead> heads) {
        Verdict verdict = gateway.verdict(PROMPT, List.of("Here are the three bullet points."), "");
        return new Played(statuses, verdict, List.copyOf(heads), gateway.exchanges());
    }

    /**
     * The client met the two 502s and got the answer; the link read three generation heads of the expected
     * shape, each paired with the upstream's record of it (none counted twice, none missed); the verdict passes.
     */
    private static void assertCarriedAndCounted(Played played, BodyFraming body, boolean expectContinue) {
        String timeline = played.timeline();
        assertThat(played.statuses()).as("what the client got\n%s", timeline).containsExactly(502, 502, 200);
        assertThat(played.exchanges()).as("requests the upstream read\n%s", timeline)
                .extracting(UpstreamExchange::status).containsExactly(502, 502, 200);
        assertThat(played.heads()).as("request heads the link read\n%s", timeline).hasSize(3).allSatisfy(head -> {
            assertThat(head.method() + " " + head.path()).isEqualTo("POST /v1/chat/completions");
            assertThat(head.body()).as("body framing of %s", head.transport()).isEqualTo(body);
            assertThat(head.expectContinue()).as("Expect: 100-continue in %s", head.transport()).isEqualTo(expectContinue);
        });
        assertThat(played.verdict().attempts()).as("attempts judged\n%s", timeline).hasSize(3).allSatisfy(attempt -> {
            assertThat(attempt.reachedUpstream()).as("attempt %d reached the upstream", attempt.number()).isTrue();
            assertThat(attempt.link()).as("attempt %d paired with the link's head", attempt.number()).isNotNull();
        });
        assertThat(played.verdict().passed()).as("verdict\n%s", timeline).isTrue();
    }

    // --- java.net.http.HttpClient, defaults: HTTP/2 preferred, so an h2c upgrade is offered on plain HTTP ---

    private static int jdkSend(HttpClient http, String url, HttpRequest.BodyPublisher body, boolean expectContinue) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("content-type", "application/json").header("authorization", "Bearer test")
                .expectContinue(expectContinue).POST(body).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void jdkHttpClientWithItsDefaultsAndAStreamedBodyPassesBadGatewayBurst() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Played played = playInJava(url -> jdkSend(http, url,
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(BODY)), false));

        assertCarriedAndCounted(played, BodyFraming.CHUNKED, false);
        assertThat(played.heads().get(0).upgrade()).as("the JDK client offered its upgrade: %s", played.heads().get(0).transport())
                .isEqualTo("h2c");
    }

    @Test
    void jdkHttpClientWithItsDefaultsAndAKnownLengthBody() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Played played = playInJava(url -> jdkSend(http, url, HttpRequest.BodyPublishers.ofByteArray(BODY), false));

        assertCarriedAndCounted(played, BodyFraming.LENGTH, false);
    }

    @Test
    void jdkHttpClientWithExpectContinueOnAFreshClientEachAttempt() throws Exception {
        // a new client per attempt: a new connection each time, and each offers the upgrade again
        Played played = playInJava(url -> jdkSend(HttpClient.newHttpClient(), url,
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(BODY)), true));

        assertCarriedAndCounted(played, BodyFraming.CHUNKED, true);
    }

    // --- a pipeline: three requests written at once on one connection, answered in order ---

    @Test
    void aPipelineOfChunkedKnownLengthAndExpectContinueRequestsIsCountedOnceEach() throws Exception {
        try (ChaosGateway gateway = burst()) {
            List<LinkConnection.RequestHead> heads = watchHeads(gateway);
            URI uri = URI.create(gateway.baseUrl());
            String path = uri.getPath() + "/chat/completions";
            String json = new String(BODY, StandardCharsets.UTF_8);
            String chunked = "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(10) + "\r\n" + json.substring(0, 10) + "\r\n"
                    + Integer.toHexString(BODY.length - 10) + ";piece=2\r\n" + json.substring(10) + "\r\n0\r\n\r\n";
            String known = "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + BODY.length
                    + "\r\n\r\n" + json;
            // the body follows at once: a client may send it without waiting for the 100 (RFC 9110, 10.1.1)
            String expecting = "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
                    + "Connection: close\r\nContent-Length: " + BODY.length + "\r\n\r\n" + json;
            String answers;
            try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
                socket.setSoTimeout(20_000);
                socket.getOutputStream().write((chunked + known + expecting).getBytes(StandardCharsets.UTF_8));
                answers = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            }
            List<Integer> statuses = java.util.regex.Pattern.compile("(?m)^HTTP/1\\.1 (\\d{3})").matcher(answers).results()
                    .map(m -> Integer.parseInt(m.group(1))).filter(status -> status != 100).toList();
            Played played = judged(gateway, statuses, heads);

            assertThat(played.statuses()).as(played.timeline()).containsExactly(502, 502, 200);
            assertThat(played.heads()).extracting(LinkConnection.RequestHead::body)
                    .containsExactly(BodyFraming.CHUNKED, BodyFraming.LENGTH, BodyFraming.LENGTH);
            assertThat(played.heads().get(2).expectContinue()).isTrue();
            assertThat(played.verdict().attempts()).as(played.timeline()).hasSize(3).allSatisfy(attempt -> {
                assertThat(attempt.reachedUpstream()).isTrue();
                assertThat(attempt.link()).isNotNull();
            });
        }
    }

    // --- OkHttp: HTTP/1.1 on plain HTTP ---

    private static final MediaType JSON = MediaType.get("application/json");

    /** A body OkHttp cannot size up front: it streams it chunked. */
    private static RequestBody streamed() {
        return new RequestBody() {
            @Override
            public MediaType contentType() {
                return JSON;
            }

            @Override
            public long contentLength() {
                return -1;
            }

            @Override
            public void writeTo(BufferedSink sink) throws IOException {
                sink.write(BODY);
            }
        };
    }

    private static int okSend(OkHttpClient http, String url, RequestBody body, boolean close, boolean expectContinue) throws IOException {
        Request.Builder request = new Request.Builder().url(url).header("authorization", "Bearer test").post(body);
        if (close) {
            request.header("connection", "close");
        }
        if (expectContinue) {
            request.header("expect", "100-continue");
        }
        try (Response response = http.newCall(request.build()).execute()) {
            response.body().string();
            return response.code();
        }
    }

    @Test
    void okHttpKeptAliveWithAStreamedBody() throws Exception {
        OkHttpClient http = new OkHttpClient.Builder().retryOnConnectionFailure(false).build();
        Played played = playInJava(url -> okSend(http, url, streamed(), false, false));

        assertCarriedAndCounted(played, BodyFraming.CHUNKED, false);
        assertThat(played.heads()).extracting(LinkConnection.RequestHead::close).containsOnly(false);
    }

    @Test
    void okHttpClosingEachConnectionWithAKnownLengthBodyAndExpectContinue() throws Exception {
        OkHttpClient http = new OkHttpClient.Builder().retryOnConnectionFailure(false).build();
        Played played = playInJava(url -> okSend(http, url, RequestBody.create(BODY, JSON), true, true));

        assertCarriedAndCounted(played, BodyFraming.LENGTH, true);
        assertThat(played.heads()).extracting(LinkConnection.RequestHead::close).containsOnly(true);
    }

    // --- Node's built-in fetch (undici) ---

    @Test
    void nodeFetchWithAStreamedBodyKeptAlive() throws Exception {
        NodeRuntime.assumeInstalled();
        Played played = playScript(List.of("node", SCRIPTS.resolve("node-fetch.mjs").toString(), "streamed", "keep-alive"));

        assertCarriedAndCounted(played, BodyFraming.CHUNKED, false);
    }

    @Test
    void nodeFetchWithAKnownLengthBodyClosingEachConnection() throws Exception {
        NodeRuntime.assumeInstalled();
        Played played = playScript(List.of("node", SCRIPTS.resolve("node-fetch.mjs").toString(), "known", "close"));

        assertCarriedAndCounted(played, BodyFraming.LENGTH, false);
        assertThat(played.heads()).extracting(LinkConnection.RequestHead::close).containsOnly(true);
    }

    // --- Python's http.client ---

    private static void assumePython() {
        boolean installed;
        try {
            Process python = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
            installed = python.waitFor(10, TimeUnit.SECONDS) && python.exitValue() == 0;
        } catch (IOException e) {
            installed = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            installed = false;
        }
        assumeTrue(installed, "python3 is not installed: the Python http.client transport is not tested");
    }

    @Test
    void pythonHttpClientWithAChunkedBodyKeptAlive() throws Exception {
        assumePython();
        Played played = playScript(List.of("python3", SCRIPTS.resolve("python-http-client.py").toString(), "chunked", "keep-alive", "-"));

        assertCarriedAndCounted(played, BodyFraming.CHUNKED, false);
        assertThat(played.heads()).extracting(LinkConnection.RequestHead::close).containsOnly(false);
    }

    @Test
    void pythonHttpClientWithAKnownLengthBodyExpectContinueClosingEachConnection() throws Exception {
        assumePython();
        Played played = playScript(List.of("python3", SCRIPTS.resolve("python-http-client.py").toString(), "known", "close", "expect"));

        assertCarriedAndCounted(played, BodyFraming.LENGTH, true);
        assertThat(played.heads()).extracting(LinkConnection.RequestHead::close).containsOnly(true);
    }

    // --- Spring AI's OpenAI model with its defaults: which transport it really uses ---

    private static org.springframework.ai.openai.OpenAiChatModel springAi(String baseUrl) {
        // Spring AI appends /v1/chat/completions to its base URL itself
        org.springframework.ai.openai.api.OpenAiApi api = org.springframework.ai.openai.api.OpenAiApi.builder()
                .baseUrl(baseUrl.replaceFirst("/v1$", "")).apiKey("test").build();
        return org.springframework.ai.openai.OpenAiChatModel.builder().openAiApi(api)
                .defaultOptions(org.springframework.ai.openai.OpenAiChatOptions.builder().model("gpt-4o-mini").build()).build();
    }

    @Test
    void springAiCallGoesOverTheJdkHttpClientWithAChunkedBodyAndAnUpgradeOffer() throws Exception {
        try (ChaosGateway gateway = burst()) {
            List<LinkConnection.RequestHead> heads = watchHeads(gateway);
            // RetryUtils' default template: the two 502s are retried 2 s and 10 s later
            String answer = springAi(gateway.baseUrl()).call(new org.springframework.ai.chat.prompt.Prompt(PROMPT))
                    .getResult().getOutput().getText();
            Played played = judged(gateway, List.of(502, 502, 200), heads);

            assertThat(answer).isNotBlank();
            assertCarriedAndCounted(played, BodyFraming.CHUNKED, false);
            // RestClient.builder() picked JdkClientHttpRequestFactory: the JDK client, HTTP/2 preferred, offers h2c
            assertThat(played.heads().get(0).upgrade()).as(played.timeline()).isEqualTo("h2c");
        }
    }

    @Test
    void springAiStreamGoesOverTheJdkHttpClientTooAndDoesNotRetry() throws Exception {
        try (ChaosGateway gateway = burst()) {
            List<LinkConnection.RequestHead> heads = watchHeads(gateway);
            Throwable error = null;
            try {
                springAi(gateway.baseUrl()).stream(new org.springframework.ai.chat.prompt.Prompt(PROMPT)).blockLast(Duration.ofSeconds(30));
            } catch (RuntimeException e) {
                error = e;
            }
            assertThat(error).as("the first 502 ends the stream").isNotNull();
            assertThat(gateway.exchanges()).extracting(UpstreamExchange::status).containsExactly(502);
            // WebClient.builder() picked JdkClientHttpConnector (no Reactor Netty on the class path): the JDK client again
            assertThat(heads).hasSize(1);
            assertThat(heads.get(0).upgrade()).as(heads.get(0).transport()).isEqualTo("h2c");
        }
    }
}
