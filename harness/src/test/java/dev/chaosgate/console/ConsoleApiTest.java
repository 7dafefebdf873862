package dev.chaosgate.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Every endpoint of the admin API, and every way of calling one wrongly. */
class ConsoleApiTest {
    private static final String API = "/__chaosgate/api/";
    @RegisterExtension
    final RunningConsoles consoles = new RunningConsoles();

    private RunningConsole start(String scenario) {
        return consoles.start(scenario);
    }

    // ---- reading ----

    @Test
    void stateDescribesTheScenarioAndHowToSteerIt() {
        RunningConsole c = start("bad-gateway-burst");

        JsonNode state = c.api("state");

        assertThat(state.get("scenario").asText()).isEqualTo("bad-gateway-burst");
        assertThat(state.get("description").asText()).contains("502");
        assertThat(state.get("phase").asText()).isEqualTo("burst");
        assertThat(texts(state.get("phases"))).containsExactly("burst", "recovered");
        assertThat(state.get("paused").asBoolean()).isFalse();
        assertThat(state.get("injectedRemaining").asInt()).isZero();
        assertThat(state.get("replaying").asBoolean()).isFalse();
        assertThat(state.get("replayRemaining").asInt()).isZero();
        assertThat(state.get("baseUrl").asText()).isEqualTo(c.session.baseUrl()).matches("http://127\\.0\\.0\\.1:\\d+/v1");
        assertThat(state.get("consoleUrl").asText()).isEqualTo(c.origin() + "/__chaosgate/");
        assertThat(state.get("recording").isNull()).as("this session does not record").isTrue();
        assertThat(state.get("seed").asLong()).isEqualTo(2);
        assertThat(texts(state.get("faults"))).containsExactlyElementsOf(ConsoleFault.wireNames())
                .contains("bad-gateway", "service-unavailable", "gateway-timeout", "origin-timeout-524", "rate-limited",
                        "quota-exhausted", "access-denied-1020", "connection-reset", "stream-cut");
        assertThat(state.get("faultDescriptions").get("rate-limited").asText()).contains("429").contains("Retry-After");
        assertThat(texts(state.get("scenarios"))).hasSize(c.session.catalog().names().size()).contains("brownout-30-percent");
    }

    @Test
    void logListsEachRequestWithTheFaultServedAndWhy() {
        RunningConsole c = start("bad-gateway-burst");

        assertThat(c.chat("first try")).isEqualTo(502);
        assertThat(c.chat("first try")).isEqualTo(502);
        assertThat(c.chat("first try")).isEqualTo(200);

        JsonNode page = awaitLog(c, 0, 3);
        JsonNode first = page.get("entries").get(0);
        assertThat(first.get("sequence").asLong()).isEqualTo(1);
        assertThat(first.get("method").asText()).isEqualTo("POST");
        assertThat(first.get("path").asText()).isEqualTo("/v1/chat/completions");
        assertThat(first.get("status").asInt()).isEqualTo(502);
        assertThat(first.get("fault").asText()).isEqualTo("502 cloudflare/502-branded");
        assertThat(first.get("faulted").asBoolean()).isTrue();
        assertThat(first.get("failureClass").asText()).isEqualTo("bad_gateway");
        assertThat(first.get("phase").asText()).isEqualTo("burst");
        assertThat(first.get("source").asText()).isEqualTo("scenario");
        assertThat(first.get("prompt").asText()).isEqualTo("first try");
        assertThat(first.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(first.get("user").isNull()).as("a request that names no user (ConsoleUsersTest has ones that do)").isTrue();
        JsonNode third = page.get("entries").get(2);
        assertThat(third.get("fault").asText()).isEqualTo("answered");
        assertThat(third.get("faulted").asBoolean()).isFalse();
        assertThat(third.get("phase").asText()).isEqualTo("recovered");
        assertThat(page.get("last").asLong()).isEqualTo(3);

        JsonNode newer = c.api("log?after=2");
        assertThat(newer.get("entries")).hasSize(1);
        assertThat(newer.get("entries").get(0).get("sequence").asLong()).isEqualTo(3);
        assertThat(c.api("log?after=3").get("entries")).isEmpty();
        assertThat(c.api("log").get("entries")).as("no after: every entry kept").hasSize(3);
    }

    @Test
    void logRejectsAnAfterThatIsNotASequence() {
        RunningConsole c = start("bad-gateway-single");

        assertError(c.get(API + "log?after=abc"), 400, "after must be a log sequence");
        assertError(c.get(API + "log?after=-1"), 400, "after must be a log sequence");
    }

    // ---- steering ----

    @Test
    void failNextServesTheChosenFaultToTheNextRequestsThenTheScenarioCarriesOn() {
        RunningConsole c = start("bad-gateway-single");

        JsonNode state = c.api("fail-next", "{\"count\": 2, \"fault\": \"rate-limited\"}");
        assertThat(state.get("injectedRemaining").asInt()).isEqualTo(2);

        HttpResponse<String> limited = chatResponse(c, "hello");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("retry-after")).hasValue("2");
        assertThat(c.chat("hello")).isEqualTo(429);
        assertThat(c.chat("hello")).as("the scenario's own first request, not counted before").isEqualTo(502);
        assertThat(c.chat("hello")).isEqualTo(200);

        JsonNode entries = awaitLog(c, 0, 4).get("entries");
        assertThat(entries.get(0).get("source").asText()).isEqualTo("injected");
        assertThat(entries.get(0).get("fault").asText()).contains("429").contains("(injected)");
        assertThat(entries.get(1).get("source").asText()).isEqualTo("injected");
        assertThat(entries.get(2).get("source").asText()).isEqualTo("scenario");
        assertThat(c.api("state").get("injectedRemaining").asInt()).isZero();
    }

    @Test
    void everyFaultOfTheMenuCanBeInjected() {
        RunningConsole c = start("bad-gateway-single");
        c.api("pause", "");

        for (ConsoleFault fault : ConsoleFault.values()) {
            c.api("fail-next", "{\"count\": 1, \"fault\": \"" + fault.wireName() + "\"}");
        }

        assertThat(c.api("state").get("injectedRemaining").asInt()).isEqualTo(ConsoleFault.values().length);
    }

    @Test
    void failNextTakesAnySingleAnswerFaultAScenarioPhaseCanWrite() {
        RunningConsole c = start("bad-gateway-single");
        c.api("fail-next", "{\"count\": 1, \"upstream\": {\"status\": 503, \"retryAfter\": 5}}");
        // YAML as a string, as a scenario file writes it.
        JsonNode state = c.api("fail-next", "{\"count\": 1, \"upstream\": \"status: 429\\nretryAfterMs: 1500\"}");
        assertThat(state.get("injectedRemaining").asInt()).isEqualTo(2);
        assertThat(state.get("queue").get(0).get("fault").asText()).isEqualTo("custom");
        assertThat(state.get("queue").get(0).get("name").asText()).contains("\"retryAfter\":5");

        HttpResponse<String> unavailable = chatResponse(c, "hello");
        assertThat(unavailable.statusCode()).isEqualTo(503);
        assertThat(unavailable.headers().firstValue("retry-after")).as("a 503 with Retry-After 5, which no menu entry offers")
                .hasValue("5");
        HttpResponse<String> limited = chatResponse(c, "hello");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("retry-after-ms")).hasValue("1500");
        assertThat(c.chat("hello")).as("then the scenario's own first request").isEqualTo(502);
    }

    @Test
    void failNextRefusesAFaultAScenarioFileWouldRefuseOrOneThatSpansRequests() {
        RunningConsole c = start("bad-gateway-single");

        JsonNode typo = assertError(post(c, "fail-next", "{\"count\": 1, \"upstream\": {\"status\": 503, \"retryAftr\": 5}}"), 400,
                "retryAftr");
        assertThat(typo.get("error").asText()).as("the scenario loader's own suggestion").contains("retryAfter");
        assertError(post(c, "fail-next", "{\"count\": 1, \"upstream\": {\"status\": 99}}"), 400, "status");
        assertError(post(c, "fail-next", "{\"count\": 1, \"upstream\": {\"rateLimit\": {\"requests\": 1, \"window\": \"10s\"}}}"),
                400, "decides over several requests");
        assertThat(c.api("state").get("injectedRemaining").asInt()).isZero();
    }

    @Test
    void failNextRefusesABadCountOrFault() {
        RunningConsole c = start("bad-gateway-single");

        assertError(post(c, "fail-next", "{\"count\": 0, \"fault\": \"bad-gateway\"}"), 400, "count must be 1..1000, got 0");
        assertError(post(c, "fail-next", "{\"count\": 1001, \"fault\": \"bad-gateway\"}"), 400, "count must be 1..1000, got 1001");
        assertError(post(c, "fail-next", "{\"count\": 1.5, \"fault\": \"bad-gateway\"}"), 400, "\"count\" must be a whole number");
        assertError(post(c, "fail-next", "{\"count\": \"2\", \"fault\": \"bad-gateway\"}"), 400, "\"count\" must be a whole number");
        assertError(post(c, "fail-next", "{\"fault\": \"bad-gateway\"}"), 400, "missing field \"count\"");
        assertError(post(c, "fail-next", "{\"count\": 1}"), 400, "missing field \"fault\"");
        assertError(post(c, "fail-next", "{\"count\": 1, \"fault\": \"bad-gatway\"}"), 400,
                "unknown fault 'bad-gatway'; did you mean 'bad-gateway'?");
        assertThat(c.api("state").get("injectedRemaining").asInt()).isZero();
    }

    @Test
    void pauseAnswersEverythingNormallyUntilResume() {
        RunningConsole c = start("access-denied-1020");
        assertThat(c.chat("blocked?")).isEqualTo(403);

        JsonNode paused = c.api("pause", "");
        assertThat(paused.get("paused").asBoolean()).isTrue();
        assertThat(c.chat("blocked?")).isEqualTo(200);

        JsonNode resumed = c.api("resume", "{}");
        assertThat(resumed.get("paused").asBoolean()).isFalse();
        assertThat(c.chat("blocked?")).isEqualTo(403);

        JsonNode entries = awaitLog(c, 0, 3).get("entries");
        assertThat(entries.get(1).get("source").asText()).isEqualTo("paused");
        assertThat(entries.get(1).get("fault").asText()).isEqualTo("answered");
    }

    @Test
    void switchingScenarioPlaysTheNewOneFromItsFirstPhase() {
        RunningConsole c = start("bad-gateway-single");
        assertThat(c.chat("x")).isEqualTo(502);
        awaitLog(c, 0, 1);

        JsonNode state = c.api("scenario", "{\"name\": \"access-denied-1020\"}");

        assertThat(state.get("scenario").asText()).isEqualTo("access-denied-1020");
        assertThat(state.get("phase").asText()).isEqualTo("blocked");
        assertThat(state.get("verdictFrom").asLong()).as("the verdict starts after the entries logged so far").isEqualTo(1);
        assertThat(c.api("verdict").get("verdict").asText()).isEqualTo("PENDING");
        assertThat(c.chat("x")).isEqualTo(403);
    }

    @Test
    void anUnknownScenarioIsNotFoundAndTheClosestNamesAreGiven() {
        RunningConsole c = start("bad-gateway-single");

        HttpResponse<String> response = post(c, "scenario", "{\"name\": \"bad-gatway-burst\"}");

        JsonNode error = assertError(response, 404, "no scenario named 'bad-gatway-burst'; closest: bad-gateway-burst");
        assertThat(error.get("error").asText()).contains("chaosgate list");
        assertThat(texts(error.get("closest"))).hasSize(3).first().isEqualTo("bad-gateway-burst");
        assertError(post(c, "scenario", "{}"), 400, "missing field \"name\"");
        assertError(post(c, "scenario", "{\"name\": 7}"), 400, "\"name\" must be a string");
        assertThat(c.api("state").get("scenario").asText()).isEqualTo("bad-gateway-single");
    }

    @Test
    void resetStartsTheScenarioOverWithAFreshVerdict() {
        RunningConsole c = start("bad-gateway-single");
        assertThat(c.chat("again")).isEqualTo(502);
        assertThat(c.chat("again")).isEqualTo(200);
        awaitLog(c, 0, 2);
        c.api("pause", "");
        c.api("fail-next", "{\"count\": 3, \"fault\": \"bad-gateway\"}");
        assertThat(c.api("verdict").get("attempts").asInt()).isEqualTo(2);

        JsonNode state = c.api("reset", "");

        assertThat(state.get("phase").asText()).isEqualTo("bad-gateway");
        assertThat(state.get("paused").asBoolean()).as("reset resumes faults").isFalse();
        assertThat(state.get("injectedRemaining").asInt()).as("reset drops queued faults").isZero();
        assertThat(state.get("verdictFrom").asLong()).isEqualTo(2);
        assertThat(c.api("verdict").get("verdict").asText()).isEqualTo("PENDING");
        assertThat(c.api("log").get("entries")).as("the log keeps what happened").hasSize(2);
        assertThat(c.chat("again")).as("the first phase again").isEqualTo(502);
    }

    // ---- verdict ----

    @Test
    void verdictIsPendingUntilTheAppMakesAnAttempt() {
        RunningConsole c = start("bad-gateway-single");

        JsonNode verdict = c.api("verdict");

        assertThat(verdict.get("verdict").asText()).isEqualTo("PENDING");
        assertThat(verdict.get("attempts").asInt()).isZero();
        assertThat(verdict.get("findings")).isEmpty();
        assertThat(verdict.get("uiReported").asBoolean()).isFalse();
    }

    @Test
    void withoutAUiReportOnlyTheNetworkBehaviourIsJudged() {
        RunningConsole c = start("access-denied-1020");
        assertThat(c.chat("why blocked")).isEqualTo(403);
        awaitLog(c, 0, 1);

        JsonNode network = c.api("verdict");
        assertThat(network.get("verdict").asText()).as(network.toString()).isEqualTo("PASS");
        assertThat(network.get("uiReported").asBoolean()).isFalse();
        assertThat(network.get("attempts").asInt()).isEqualTo(1);
        assertThat(network.get("explain").asText()).startsWith("UI not reported").contains("why blocked");

        JsonNode reported = c.api("verdict", "{\"prompt\": \"\", \"shown\": [\"Something went wrong\"], \"draft\": \"\"}");
        assertThat(reported.get("verdict").asText()).isEqualTo("FAIL");
        assertThat(reported.get("uiReported").asBoolean()).isTrue();
        assertThat(codes(reported)).as(reported.toString()).contains("PROMPT_LOST").containsAnyOf("NO_GUIDANCE", "RAW_ERROR_SHOWN", "WRONG_GUIDANCE");
        JsonNode finding = reported.get("findings").get(0);
        assertThat(finding.has("code") && finding.has("message") && finding.has("evidence")).isTrue();
        assertThat(reported.get("explain").asText()).contains("chaosgate verdict for scenario 'access-denied-1020': FAIL");

        assertThat(codes(c.api("verdict"))).as("GET judges with what was last posted").isEqualTo(codes(reported));
    }

    @Test
    void aUiReportMayGiveTheShownTextsAsLines() {
        RunningConsole c = start("access-denied-1020");
        assertThat(c.chat("why blocked")).isEqualTo(403);
        awaitLog(c, 0, 1);

        JsonNode verdict = c.api("verdict", "{\"shown\": \"Access to the service is blocked from your network.\\n"
                + "Contact your administrator.\", \"draft\": \"why blocked\"}");

        assertThat(verdict.get("uiReported").asBoolean()).isTrue();
        assertThat(verdict.get("explain").asText()).contains("Access to the service is blocked from your network.")
                .contains("composer at the end: \"why blocked\"");
        assertError(post(c, "verdict", "{\"shown\": 5}"), 400, "\"shown\" must be a list");
        assertError(post(c, "verdict", "{\"shown\": [1]}"), 400, "\"shown\" must hold texts only");
    }

    @Test
    void networkOnlyDropsExactlyTheFindingsThatRestOnTheUi() {
        assertThat(ServeSession.UI_CODES).extracting(Enum::name)
                .containsExactlyInAnyOrder("PROMPT_LOST", "NO_GUIDANCE", "WRONG_GUIDANCE", "RAW_ERROR_SHOWN", "TRUNCATION_UNDETECTED");
    }

    // ---- bad requests ----

    @Test
    void badJsonIsABadRequestNamingWhereItBreaks() {
        RunningConsole c = start("bad-gateway-single");

        assertError(post(c, "fail-next", "{\"count\": 2,"), 400, "request body is not valid JSON at line 1");
        assertError(post(c, "scenario", "[\"bad-gateway-burst\"]"), 400, "request body must be a JSON object, got array");
        assertError(post(c, "scenario", "{\"name\": \"x\"} trailing"), 400, "not valid JSON");
    }

    @Test
    void aWrongMethodIsRefusedWithTheAllowedOnes() {
        RunningConsole c = start("bad-gateway-single");

        HttpResponse<String> getWrite = c.get(API + "fail-next");
        assertError(getWrite, 405, "takes POST, not GET");
        assertThat(getWrite.headers().firstValue("allow")).hasValue("POST");
        HttpResponse<String> postRead = post(c, "state", "{}");
        assertError(postRead, 405, "takes GET, not POST");
        assertThat(postRead.headers().firstValue("allow")).hasValue("GET");
        HttpResponse<String> delete = c.send(HttpRequest.newBuilder(URI.create(c.origin() + API + "verdict")).DELETE());
        assertError(delete, 405, "takes GET or POST, not DELETE");
    }

    @Test
    void anUnknownEndpointIsNotFoundAndTheEndpointsAreListed() {
        RunningConsole c = start("bad-gateway-single");

        assertError(c.get(API + "status"), 404, "no endpoint /__chaosgate/api/status; the endpoints are state, log, scenario,"
                + " fail-next, pause, resume, reset, verdict");
    }

    @Test
    void writesFromOtherOriginsOrWithoutJsonAreRefused() {
        RunningConsole c = start("bad-gateway-single");
        String url = c.origin() + API + "pause";

        HttpResponse<String> foreign = c.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .header("Origin", "http://evil.example").POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertError(foreign, 403, "a POST from origin http://evil.example is not from the console itself");
        HttpResponse<String> form = c.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("a=b")));
        assertError(form, 403, "a POST must carry Content-Type: application/json");
        HttpResponse<String> untyped = c.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertError(untyped, 403, "got none");
        assertThat(c.api("state").get("paused").asBoolean()).as("nothing refused took effect").isFalse();

        HttpResponse<String> script = c.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json; charset=utf-8").POST(HttpRequest.BodyPublishers.ofString("")));
        assertThat(script.statusCode()).as("a script sends no Origin: allowed").isEqualTo(200);
        HttpResponse<String> localhost = c.send(HttpRequest.newBuilder(URI.create("http://localhost:" + c.console.port() + API + "resume"))
                .header("Content-Type", "application/json").header("Origin", "http://localhost:" + c.console.port())
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(localhost.statusCode()).as("the page opened as localhost").isEqualTo(200);
    }

    @Test
    void aRequestAddressedToAnotherHostNameIsRefused() throws IOException {
        RunningConsole c = start("bad-gateway-single");

        // A DNS-rebound name reaches 127.0.0.1 with its own Host header; java.net.http cannot send one.
        String answer = rawGet(c.console.port(), API + "state", "rebound.example:" + c.console.port());

        assertThat(answer).startsWith("HTTP/1.1 403").contains("answers only on loopback names");
        // Under the API the refusal is JSON like every API answer; the page gets a line of text.
        assertThat(answer).containsIgnoringCase("Content-type: application/json").contains("\"status\":403");
        assertThat(rawGet(c.console.port(), "/__chaosgate/", "rebound.example:" + c.console.port()))
                .startsWith("HTTP/1.1 403").containsIgnoringCase("Content-type: text/plain");
    }

    // Found by AdminApiFuzzTest.

    @Test
    void methodsAreCaseSensitive() {
        RunningConsole c = start("bad-gateway-single");

        HttpResponse<String> lower = c.send(HttpRequest.newBuilder(URI.create(c.origin() + API + "pause"))
                .header("Content-Type", "application/json").method("post", HttpRequest.BodyPublishers.ofString("{}")));
        assertError(lower, 405, "takes POST, not post");
        assertThat(c.api("state").get("paused").asBoolean()).isFalse();
        assertThat(c.send(HttpRequest.newBuilder(URI.create(c.origin() + "/__chaosgate/")).method("get",
                HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(405);
    }

    @Test
    void aBodyThatCannotBeReadIsABadRequestNotADroppedConnection() throws IOException {
        RunningConsole c = start("bad-gateway-single");
        String head = "POST " + API + "pause HTTP/1.1\r\nHost: 127.0.0.1:" + c.console.port() + "\r\nContent-Type: application/json\r\n";

        String badChunks = raw(c.console.port(), head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", false);
        String cutShort = raw(c.console.port(), head + "Content-Length: 10\r\n\r\n{}", true);

        for (String answer : List.of(badChunks, cutShort)) {
            assertThat(answer).startsWith("HTTP/1.1 400").contains("cannot read the request body");
        }
        assertThat(c.api("state").get("paused").asBoolean()).as("nothing read, nothing done").isFalse();
    }

    @Test
    void aRequestThatIsNotHttpGetsTheJsonErrorAndTheConnectionEnds() throws IOException {
        RunningConsole c = start("bad-gateway-single");
        String host = "Host: 127.0.0.1:" + c.console.port() + "\r\n";
        Map<String, Integer> cases = new LinkedHashMap<>();
        cases.put("GET * HTTP/1.1\r\n" + host + "\r\n", 400);
        cases.put("GET x:y HTTP/1.1\r\n" + host + "\r\n", 400);
        cases.put("GET api/state HTTP/1.1\r\n" + host + "\r\n", 400);
        cases.put("GET " + API + "st%zzate HTTP/1.1\r\n" + host + "\r\n", 400);
        cases.put("GET " + API + "state HTTP/1.1\r\n\r\n", 400); // HTTP/1.1 without Host
        cases.put("GET " + API + "state HTTP/2.0\r\n" + host + "\r\n", 400);
        cases.put("POST " + API + "pause HTTP/1.1\r\n" + host + "Content-Type: application/json\r\nContent-Length: abc\r\n\r\n{}", 400);
        cases.put("POST " + API + "pause HTTP/1.1\r\n" + host + "Content-Type: application/json\r\nTransfer-Encoding: gzip\r\n\r\n{}", 400);
        cases.put("GET /" + "x".repeat(9000) + " HTTP/1.1\r\n" + host + "\r\n", 414);
        cases.put("GET " + API + "state HTTP/1.1\r\n" + host + "X-H: v\r\n".repeat(201) + "\r\n", 431);
        cases.put("GET " + API + "state HTTP/1.1\r\n" + host + ("X-H: " + "v".repeat(1000) + "\r\n").repeat(70) + "\r\n", 431);
        for (Map.Entry<String, Integer> request : cases.entrySet()) {
            String what = request.getKey().length() > 120 ? request.getKey().substring(0, 120) + "..." : request.getKey();
            try (Socket socket = new Socket("127.0.0.1", c.console.port())) {
                socket.setSoTimeout(5_000);
                socket.getOutputStream().write(request.getKey().getBytes(StandardCharsets.US_ASCII));
                // Read to the end: the connection must close after the answer.
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(answer).as(what).startsWith("HTTP/1.1 " + request.getValue())
                        .containsIgnoringCase("Content-Type: application/json").containsIgnoringCase("Connection: close");
                JsonNode error = new ObjectMapper().readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
                assertThat(error.get("status").asInt()).as(what).isEqualTo(request.getValue());
                assertThat(error.get("error").asText()).as(what).startsWith("malformed HTTP request: ");
            }
        }
        assertThat(c.api("state").get("paused").asBoolean()).as("nothing read, nothing done").isFalse();
    }

    @Test
    void keepAliveAnswersAreNotHeldBackByNagle() {
        RunningConsole c = start("bad-gateway-single");
        c.api("state"); // connect and warm up

        // Without TCP_NODELAY each keep-alive answer's body waited for the client's delayed ACK (~40 ms).
        long[] millis = new long[21];
        for (int i = 0; i < millis.length; i++) {
            long started = System.nanoTime();
            c.api("state");
            millis[i] = (System.nanoTime() - started) / 1_000_000;
        }
        java.util.Arrays.sort(millis);
        assertThat(millis[millis.length / 2]).as("median milliseconds of a keep-alive GET state").isLessThan(25);
    }

    // ---- the page ----

    @Test
    void thePageAndItsFilesAreServedWithAStrictPolicy() {
        RunningConsole c = start("bad-gateway-single");

        HttpResponse<String> page = c.get("/__chaosgate/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("content-security-policy")).hasValueSatisfying(csp ->
                assertThat(csp).contains("script-src 'self'").contains("frame-ancestors 'none'"));
        assertThat(page.headers().firstValue("x-frame-options")).hasValue("DENY");
        assertThat(page.body()).contains("id=\"fail-button\"", "id=\"log\"", "id=\"verdict-badge\"", "console.js");
        assertThat(page.body()).as("nothing fetched from elsewhere").doesNotContain("http://", "https://");
        assertThat(c.get("/__chaosgate/console.js").headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
        assertThat(c.get("/__chaosgate/console.js").body()).doesNotContain("innerHTML");
        assertThat(c.get("/__chaosgate/console.css").statusCode()).isEqualTo(200);
        assertThat(c.get("/__chaosgate/../pom.xml").statusCode()).isEqualTo(404);
        assertThat(c.get("/__chaosgate/nothing.js").statusCode()).isEqualTo(404);
        assertThat(c.get("/elsewhere").statusCode()).isEqualTo(404);
    }

    @Test
    void theRootAndTheBarePathRedirectToThePage() {
        RunningConsole c = start("bad-gateway-single");

        for (String path : List.of("/", "/__chaosgate")) {
            HttpResponse<String> response = c.get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(302);
            assertThat(response.headers().firstValue("location")).as(path).hasValue("/__chaosgate/");
        }
    }

    @Test
    void theAppsOwnAddressSendsTheConsolePathToTheConsoleOutsideTheJournal() {
        RunningConsole c = start("bad-gateway-single");
        String appOrigin = c.session.baseUrl().replaceFirst("/v1$", "");

        HttpResponse<String> redirected = c.send(HttpRequest.newBuilder(URI.create(appOrigin + "/__chaosgate/api/state?x=1")).GET());

        assertThat(redirected.statusCode()).isEqualTo(307);
        assertThat(redirected.headers().firstValue("location")).hasValue(c.origin() + "/__chaosgate/api/state?x=1");
        assertThat(c.api("log").get("entries")).as("not an exchange of the app").isEmpty();
        assertThat(c.chat("still faulted as the scenario says")).isEqualTo(502);
    }

    @Test
    void theConsoleAnswersWhileTheScenarioHoldsTheAppsRequests() {
        RunningConsole c = start("black-hole-timeout");
        CompletableFuture<Integer> held = CompletableFuture.supplyAsync(() -> c.chat("into the void"));

        long startedAt = System.nanoTime();
        assertThat(c.api("state").get("scenario").asText()).isEqualTo("black-hole-timeout");
        assertThat(c.get("/__chaosgate/").statusCode()).isEqualTo(200);
        c.api("fail-next", "{\"count\": 1, \"fault\": \"bad-gateway\"}");

        assertThat(Duration.ofNanos(System.nanoTime() - startedAt)).isLessThan(Duration.ofSeconds(2));
        assertThat(held).as("the app's request is still held by the link").isNotDone();
    }

    // ---- helpers ----

    private static HttpResponse<String> post(RunningConsole c, String endpoint, String body) {
        return c.post(API + endpoint, body);
    }

    private static HttpResponse<String> chatResponse(RunningConsole c, String prompt) {
        try {
            return c.app.chat(prompt);
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Waits until the log has at least {@code count} entries after {@code after}. */
    static JsonNode awaitLog(RunningConsole c, long after, int count) {
        return await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> c.api("log?after=" + after), page -> page.get("entries").size() >= count);
    }

    static JsonNode assertError(HttpResponse<String> response, int status, String message) {
        JsonNode error = RunningConsole.json(response, status);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
        assertThat(error.get("status").asInt()).isEqualTo(status);
        assertThat(error.get("error").asText()).contains(message).doesNotContain("Exception");
        return error;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }

    private static List<String> codes(JsonNode verdict) {
        List<String> codes = new ArrayList<>();
        verdict.get("findings").forEach(f -> codes.add(f.get("code").asText()));
        return codes;
    }

    /** Writes {@code request} as is (then half-closes when {@code shutdownOutput}) and reads until the server closes. */
    private static String raw(int port, String request, boolean shutdownOutput) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            if (shutdownOutput) {
                socket.shutdownOutput();
            }
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            int c;
            while (!head.toString().endsWith("\r\n\r\n") && (c = in.read()) >= 0) {
                head.append((char) c);
            }
            java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
            byte[] body = length.find() ? in.readNBytes(Integer.parseInt(length.group(1))) : new byte[0];
            return head + new String(body, StandardCharsets.UTF_8);
        }
    }

    private static String rawGet(int port, String path, String host) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
