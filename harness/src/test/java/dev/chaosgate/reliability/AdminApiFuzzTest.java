package dev.chaosgate.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chaosgate.console.ConsoleFault;
import dev.chaosgate.console.ConsoleServer;
import dev.chaosgate.console.ServeSession;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.testsupport.OwnJvm;
import dev.chaosgate.upstream.StreamPacing;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static dev.chaosgate.reliability.ToxiproxyApiFuzzTest.daemon;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the QA console of a running {@code chaosgate serve} session: its JSON admin API and its
 * page paths, with valid and invalid steering (unknown scenarios and faults, unicode names, wrong
 * types, counts out of range), writes without JSON or from a foreign origin, bodies over the cap,
 * odd methods, malformed HTTP, then fail-next/pause/resume/switch/reset races from four threads.
 *
 * <p>The oracle: under {@code /__chaosgate/api/} every answer is JSON; a 2xx only for a valid
 * request, carrying the state a model of the session predicts; a 4xx is {@code {"error": "...",
 * "status": N}} (plus the closest names for an unknown scenario); a write with another content type
 * or origin is a 403. Page paths answer the page, a redirect, or a one-line text error. A request
 * the HTTP decoder cannot read (bad request line, a target that is not a path, a bad Content-Length,
 * an unknown transfer coding, too many header lines) gets the API's JSON 4xx whatever its path.
 * Never a 5xx. No answer only where the client cut its own request short. Afterwards the state
 * endpoint is consistent and the app's port still serves, and no descriptor or thread is left
 * once the session is closed.
 */
@OwnJvm
class AdminApiFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TIMEOUT_MILLIS = 5_000;
    private static final int RACE_THREADS = 4;
    private static final String API = "/__chaosgate/api/";
    private static final int MAX_BODY = 64 * 1024;
    private static final List<String> ENDPOINTS = List.of("state", "log", "scenario", "fail-next", "pause", "resume", "reset",
            "verdict");

    @Test
    void everyAnswerIsWellFormedAndTheSessionKeepsServing() throws Exception {
        FuzzConfig config = FuzzConfig.of("AdminApiFuzzTest", 10_000);
        Violations violations = new Violations(config);
        ExecutorService clientThreads = Executors.newFixedThreadPool(2, daemon("fuzz-http-client"));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(clientThreads)
                .connectTimeout(Duration.ofMillis(TIMEOUT_MILLIS)).build();
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(daemon("fuzz-watchdog"));
        ServerLogs consoleLogs = ServerLogs.capture("dev.chaosgate.console");
        ServerLogs nettyLogs = ServerLogs.capture("io.netty");
        ProcessResources baseline = ProcessResources.now(false);
        long started = System.nanoTime();
        Fuzzer fuzzer;
        int consolePort;
        int appPort;
        try (ServeSession session = ServeSession.builder().listen("127.0.0.1", 0).pacing(StreamPacing.immediate())
                .scenario("bad-gateway-burst").warnings(w -> { }).start();
             ConsoleServer console = ConsoleServer.start(session, "127.0.0.1", 0)) {
            consolePort = console.port();
            appPort = URI.create(session.baseUrl()).getPort();
            fuzzer = new Fuzzer(config, violations, consolePort, session.baseUrl(), session.catalog(), http, watchdog);
            int sequential = Math.max(1, config.count() * 9 / 10);
            fuzzer.sequential(sequential);
            fuzzer.checkState("after the sequential phase");
            fuzzer.races(config.count() - sequential);
            fuzzer.checkAfterRaces();
            fuzzer.checkAppServes();
        }
        watchdog.shutdownNow();
        clientThreads.shutdownNow();
        if (ListeningPorts.isListening(consolePort) || ListeningPorts.isListening(appPort)) {
            violations.add("port still listening after close", "console " + consolePort + ", app " + appPort);
        }
        List<String> leaks = ProcessResources.awaitBaseline(baseline, 6, 2, Duration.ofSeconds(15));
        consoleLogs.close();
        nettyLogs.close();
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.println("AdminApiFuzzTest: " + fuzzer.summary() + " in " + millis + " ms; violations: " + violations.total());
        violations.assertNone();
        assertThat(consoleLogs.warnings()).as("warnings the console logged").isEmpty();
        assertThat(nettyLogs.warnings()).as("warnings Netty logged").isEmpty();
        assertThat(leaks).as("descriptors and threads left after the session closed").isEmpty();
    }

    /** What the console's state must say, as the answers so far determine it. */
    static final class Model {
        String scenario = "bad-gateway-burst";
        boolean paused;
        int injected;
    }

    /** What a request may get back: the statuses allowed, and what to do with a 2xx. */
    record Expect(Set<Integer> statuses, Consumer<JsonNode> onSuccess) {
        static Expect only(int status) {
            return new Expect(Set.of(status), null);
        }
    }

    static final class Fuzzer {
        private static final List<String> ODD_NAMES = List.of("", " ", "bad-gateway-burst ", "BAD-GATEWAY-BURST", "bad_gateway_burst",
                "gateway", "brownout", "bäd-gateway", "名前", "😀", "../etc/passwd", "bad-gateway-burst\u0000", "a".repeat(5000),
                "null", "<script>alert(1)</script>", "%2e%2e", "\u202e", "bad-gateway-burst\n");
        private static final List<String> CONTENT_TYPES_OK = List.of("application/json", "application/json; charset=utf-8",
                "APPLICATION/JSON", "application/json;charset=UTF-8", "application/json ;x=y");
        private static final List<String> CONTENT_TYPES_BAD = List.of("text/plain", "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x", "application/jsonx", "application/json-patch+json", "json",
                "text/json", "application/ld+json");

        private final Violations violations;
        private final int port;
        private final String appBaseUrl;
        /** Scenarios this plain-HTTP session can play. */
        private final List<String> scenarios;
        /** Scenarios that break TLS: a plain-HTTP session refuses to switch to them (409). */
        private final List<String> tlsScenarios;
        private final List<String> allNames;
        private final List<String> faults = ConsoleFault.wireNames();
        private final HttpClient http;
        private final ScheduledExecutorService watchdog;
        private final Random random;
        private final JsonJunk junk;
        private final Model model = new Model();
        private final StatusTally statusCounts = new StatusTally();
        private final AtomicInteger requests = new AtomicInteger();
        private String current = "";

        Fuzzer(FuzzConfig config, Violations violations, int port, String appBaseUrl, ScenarioCatalog catalog, HttpClient http,
               ScheduledExecutorService watchdog) {
            this.violations = violations;
            this.port = port;
            this.appBaseUrl = appBaseUrl;
            this.allNames = catalog.names();
            this.tlsScenarios = catalog.all().stream().filter(Scenario::breaksTls)
                    .map(Scenario::name).toList();
            this.scenarios = allNames.stream().filter(name -> !tlsScenarios.contains(name)).toList();
            this.http = http;
            this.watchdog = watchdog;
            this.random = new Random(config.seed());
            this.junk = new JsonJunk(random);
        }

        String summary() {
            return requests.get() + " requests (statuses " + statusCounts + ")";
        }

        private String origin() {
            return "http://127.0.0.1:" + port;
        }

        // ---- one request at a time, against the model ----

        void sequential(int count) {
            for (int i = 0; i < count; i++) {
                current = "request " + i;
                int dice = random.nextInt(100);
                if (dice < 45) {
                    steering();
                } else if (dice < 60) {
                    loose();
                } else if (dice < 72) {
                    writeGuard();
                } else if (dice < 84) {
                    routeCase();
                } else {
                    malformedCase();
                }
            }
        }

        /** A steering or reading call, valid or not in its fields, from the console's own origin. */
        private void steering() {
            String endpoint = junk.pick(ENDPOINTS);
            String body = null;
            Expect expect;
            String path = API + endpoint;
            switch (endpoint) {
                case "state" -> expect = new Expect(Set.of(200), this::compareState);
                case "log" -> {
                    String after = junk.pick(List.of("", "0", "1", "+5", "-1", "abc", "0x10", "99999999999999999999", "%20", "1.5",
                            "9223372036854775807", "%E5%90%8D"));
                    boolean valid = Set.of("0", "1", "+5", "9223372036854775807").contains(after);
                    path += random.nextInt(3) == 0 ? "" : "?after=" + after;
                    expect = path.endsWith(API + "log") || valid ? new Expect(Set.of(200), this::checkLog) : Expect.only(400);
                }
                case "verdict" -> {
                    if (random.nextBoolean()) {
                        expect = new Expect(Set.of(200), this::checkVerdict);
                    } else {
                        StringBuilder json = new StringBuilder("{");
                        boolean bad = false;
                        String[] fields = {"prompt", "draft", "shown"};
                        for (String field : fields) {
                            if (random.nextBoolean()) {
                                continue;
                            }
                            String value;
                            if (field.equals("shown")) {
                                value = junk.pick(List.of("[\"Something went wrong\"]", "\"one\\ntwo\"", "null", "[]", "[1]", "{}", "5",
                                        "[\"a\",null]"));
                                bad |= value.equals("[1]") || value.equals("{}") || value.equals("5") || value.equals("[\"a\",null]");
                            } else {
                                value = junk.pick(List.of("\"hello\"", "\"\"", "null", "5", "[]", "\"名前 😀\""));
                                bad |= value.equals("5") || value.equals("[]");
                            }
                            json.append(json.length() > 1 ? "," : "").append(JsonJunk.quote(field)).append(':').append(value);
                        }
                        body = json.append('}').toString();
                        expect = bad ? Expect.only(400) : new Expect(Set.of(200), this::checkVerdict);
                    }
                }
                case "scenario" -> {
                    String name;
                    int dice = random.nextInt(10);
                    if (dice < 5) {
                        name = junk.pick(scenarios);
                        body = "{\"name\":" + JsonJunk.quote(name) + "}";
                        expect = new Expect(Set.of(200), state -> {
                            model.scenario = name;
                            model.injected = 0;
                            compareState(state);
                        });
                    } else if (dice < 6 && !tlsScenarios.isEmpty()) {
                        body = "{\"name\":" + JsonJunk.quote(junk.pick(tlsScenarios)) + "}";
                        expect = Expect.only(409);
                    } else if (dice < 8) {
                        name = junk.pick(ODD_NAMES);
                        body = "{\"name\":" + JsonJunk.quote(name) + "}";
                        expect = scenarios.contains(name) ? new Expect(Set.of(200), null) : new Expect(Set.of(404), null);
                    } else {
                        body = junk.pick(List.of("{}", "{\"name\":null}", "{\"name\":5}", "{\"name\":[\"bad-gateway-burst\"]}",
                                "{\"NAME\":\"bad-gateway-burst\"}", "{\"name\":{\"x\":1}}", "{\"name\":true}"));
                        expect = Expect.only(400);
                    }
                }
                case "fail-next" -> {
                    int dice = random.nextInt(10);
                    String count;
                    boolean countOk;
                    if (dice < 6) {
                        int n = 1 + random.nextInt(random.nextBoolean() ? 3 : ServeSession.MAX_FAIL_NEXT);
                        count = Integer.toString(n);
                        countOk = true;
                    } else {
                        count = junk.pick(List.of("0", "-1", "1001", "1.5", "1.0", "\"2\"", "null", "99999999999999999999", "true", "[]",
                                "2147483648", "1e2"));
                        countOk = false;
                    }
                    String fault;
                    boolean faultOk = random.nextInt(5) > 0;
                    fault = faultOk ? JsonJunk.quote(junk.pick(faults))
                            : junk.pick(List.of("\"bogus\"", "\"Bad-Gateway\"", "\"bad_gateway\"", "null", "5", "\"\"", "\"名前\"", "[]"));
                    body = "{\"count\":" + count + (random.nextInt(10) == 0 ? "" : ",\"fault\":" + fault) + "}";
                    boolean ok = countOk && faultOk && body.contains("\"fault\"");
                    int n = countOk ? Integer.parseInt(count) : 0;
                    expect = ok ? new Expect(Set.of(200), state -> {
                        model.injected += n;
                        compareState(state);
                    }) : Expect.only(400);
                }
                case "pause" -> {
                    body = emptyishBody();
                    expect = new Expect(Set.of(200), state -> {
                        model.paused = true;
                        compareState(state);
                    });
                }
                case "resume" -> {
                    body = emptyishBody();
                    expect = new Expect(Set.of(200), state -> {
                        model.paused = false;
                        compareState(state);
                    });
                }
                default -> {
                    body = emptyishBody();
                    expect = new Expect(Set.of(200), state -> {
                        model.paused = false;
                        model.injected = 0;
                        compareState(state);
                    });
                }
            }
            boolean post = body != null || endpoint.equals("pause") || endpoint.equals("resume") || endpoint.equals("reset");
            String method = post ? "POST" : "GET";
            byte[] bytes = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
            if (post && bytes != null && !body.isBlank() && random.nextInt(15) == 0) {
                // Whatever a body says, it must be one JSON value: trailing tokens make it invalid.
                bytes = (body + junk.pick(List.of(" x", "}", " {}", " 1"))).getBytes(StandardCharsets.UTF_8);
                expect = Expect.only(400);
            }
            List<String[]> headers = new ArrayList<>();
            if (post) {
                headers.add(new String[] {"Content-Type", junk.pick(CONTENT_TYPES_OK)});
                if (random.nextBoolean()) {
                    headers.add(new String[] {"Origin", origin()});
                }
            }
            send(method, path, headers, bytes, expect, random.nextInt(3) > 0);
        }

        /** Pause, resume and reset read no field: any JSON object, or nothing, will do. */
        private String emptyishBody() {
            return junk.pick(List.of("", "{}", "  ", "{\"x\":1}", "{\"count\":5}"));
        }

        /** A random JSON body to a write endpoint, from the console's origin: a 2xx or a clear 4xx, never anything else. */
        private void loose() {
            String endpoint = junk.pick(List.of("scenario", "fail-next", "verdict", "pause", "resume", "reset"));
            List<String> keys = List.of("name", "count", "fault", "prompt", "shown", "draft");
            String body;
            int dice = random.nextInt(6);
            if (dice == 0) {
                body = junk.damage(junk.object(2, keys));
            } else if (dice == 1) {
                body = junk.value(3);
            } else {
                StringBuilder json = new StringBuilder("{");
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    String key = junk.pick(keys);
                    String value = switch (key) {
                        case "name" -> random.nextBoolean() ? JsonJunk.quote(junk.pick(scenarios)) : junk.value(1);
                        case "fault" -> random.nextBoolean() ? JsonJunk.quote(junk.pick(faults)) : junk.value(1);
                        case "count" -> random.nextBoolean() ? Integer.toString(random.nextInt(1100) - 50) : junk.value(1);
                        default -> junk.value(2);
                    };
                    json.append(i > 0 ? "," : "").append(JsonJunk.quote(key)).append(':').append(value);
                }
                body = json.append('}').toString();
            }
            Set<Integer> statuses = endpoint.equals("scenario") ? Set.of(200, 400, 404) : Set.of(200, 400);
            List<String[]> headers = new ArrayList<>();
            headers.add(new String[] {"Content-Type", "application/json"});
            send("POST", API + endpoint, headers, body.getBytes(StandardCharsets.UTF_8), new Expect(statuses, state -> {
                if (!endpoint.equals("verdict")) {
                    // The model cannot predict a random body: the answer's state becomes the model.
                    model.scenario = state.path("scenario").asText();
                    model.paused = state.path("paused").asBoolean();
                    model.injected = state.path("injectedRemaining").asInt();
                }
            }), random.nextBoolean());
        }

        /**
         * Writes that must be refused before their body is read: a content type other than JSON or
         * an origin other than the console's (403), a body over 64 KiB (413), another method (405).
         */
        private void writeGuard() {
            String endpoint = junk.pick(List.of("scenario", "fail-next", "pause", "resume", "reset", "verdict"));
            String body = endpoint.equals("scenario") ? "{\"name\":\"full-outage\"}" : "{\"count\":1,\"fault\":\"bad-gateway\"}";
            List<String[]> headers = new ArrayList<>();
            int dice = random.nextInt(5);
            Expect expect;
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            if (dice == 0) {
                if (random.nextInt(4) > 0) {
                    headers.add(new String[] {"Content-Type", junk.pick(CONTENT_TYPES_BAD)});
                }
                expect = Expect.only(403);
            } else if (dice == 1) {
                headers.add(new String[] {"Content-Type", "application/json"});
                headers.add(new String[] {"Origin", junk.pick(List.of("http://evil.example", "null", origin() + "/",
                        "https://127.0.0.1:" + port, "http://127.0.0.1:" + (port + 1), "http://localhost:" + port, "", "file://"))});
                expect = Expect.only(403);
            } else if (dice == 2) {
                headers.add(new String[] {"Content-Type", "application/json"});
                bytes = oversized();
                expect = Expect.only(413);
            } else if (dice == 3) {
                // A wrong content type is refused before the size is looked at.
                headers.add(new String[] {"Content-Type", junk.pick(CONTENT_TYPES_BAD)});
                bytes = oversized();
                expect = Expect.only(403);
            } else {
                String method = junk.pick(List.of("PUT", "DELETE", "PATCH", "OPTIONS", "BREW", "PROPFIND", "post", "Post", "TRACE"));
                if (endpoint.equals("verdict") && method.equals("GET")) {
                    method = "PUT";
                }
                headers.add(new String[] {"Content-Type", "application/json"});
                sendRaw(method, API + endpoint, headers, bytes, Expect.only(405), false);
                return;
            }
            sendRaw("POST", API + endpoint, headers, bytes, expect, false);
        }

        private byte[] oversized() {
            byte[] big = new byte[MAX_BODY + 1 + random.nextInt(3 * MAX_BODY)];
            Arrays.fill(big, (byte) ' ');
            big[0] = '{';
            big[big.length - 1] = '}';
            return big;
        }

        /** Paths and methods around the API and the page: 404s, 405s, redirects, the page files, foreign Host names. */
        private void routeCase() {
            int dice = random.nextInt(8);
            List<String[]> headers = new ArrayList<>();
            if (dice == 0) {
                String endpoint = junk.pick(List.of("", "State", "state/", "fail_next", "failNext", "名前", "%E5%90%8D", "../api/state",
                        "state/x", "x".repeat(3000), "state;x", "%2e%2e/state", "state%00"));
                // Raw non-ASCII in a target is not a URI (RFC 3986: percent-encode it): refused as malformed.
                sendRaw(junk.pick(List.of("GET", "POST", "DELETE")), API + endpoint, headers, null,
                        Expect.only(endpoint.equals("名前") ? 400 : 404), false);
            } else if (dice == 1) {
                String endpoint = junk.pick(ENDPOINTS);
                Set<String> allowed = endpoint.equals("verdict") ? Set.of("GET", "POST")
                        : Set.of("state", "log").contains(endpoint) ? Set.of("GET") : Set.of("POST");
                String method = junk.pick(List.of("PUT", "DELETE", "HEAD", "OPTIONS", "BREW", "get", "post", "GET", "POST"));
                // Methods are case-sensitive (RFC 9110 9.1); an allowed POST without a JSON content type is refused.
                int status = !allowed.contains(method) ? 405 : method.equals("POST") ? 403 : 200;
                sendRaw(method, API + endpoint, headers, null, Expect.only(status), method.equals("HEAD"));
            } else if (dice == 2) {
                String file = junk.pick(List.of("", "index.html", "console.js", "console.css"));
                String method = junk.pick(List.of("GET", "GET", "HEAD", "POST", "DELETE", "get"));
                boolean ok = method.equals("GET") || method.equals("HEAD");
                sendRaw(method, "/__chaosgate/" + file, headers, null, Expect.only(ok ? 200 : 405), method.equals("HEAD"));
            } else if (dice == 3) {
                String file = junk.pick(List.of("nope.html", "../../etc/passwd", "console.js/", "INDEX.HTML", "api", "%2e%2e/x", "名前"));
                if (file.equals("名前")) {
                    // Not a URI, so refused at the HTTP level: the API's JSON 400, though the path is the page's.
                    raw("raw non-ASCII in a page path", "GET /__chaosgate/" + file + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n",
                            Set.of(400), false);
                } else {
                    sendRaw("GET", "/__chaosgate/" + file, headers, null, Expect.only(404), false);
                }
            } else if (dice == 4) {
                String method = junk.pick(List.of("GET", "POST", "HEAD"));
                sendRaw(method, junk.pick(List.of("/", "/__chaosgate")), headers, null, Expect.only(302), method.equals("HEAD"));
            } else if (dice == 5) {
                sendRaw("GET", junk.pick(List.of("/x", "/v1/models", "/__chaosgat", "/api/state", "//__chaosgate/api/state")), headers,
                        null, Expect.only(404), false);
            } else {
                // DNS rebinding guard: on loopback only loopback names may address the console, API or page.
                headers.add(new String[] {"Host", junk.pick(List.of("evil.example", "evil.example:" + port, "127.0.0.1.nip.io:" + port,
                        "127.0.0.2:" + port, "LOCALHOST:" + port, "[::1]:" + port, "localhost:" + port, "127.0.0.1:" + (port + 1)))});
                String host = headers.get(0)[1].toLowerCase(Locale.ROOT);
                boolean loopback = host.equals("localhost:" + port) || host.equals("[::1]:" + port);
                String path = junk.pick(List.of(API + "state", "/__chaosgate/", API + "nope"));
                int ok = path.endsWith("nope") ? 404 : 200;
                sendRaw("GET", path, headers, null, Expect.only(loopback ? ok : 403), false);
            }
        }

        /** Requests the console must refuse at the HTTP level, or that end before they are complete. */
        private void malformedCase() {
            String host = "Host: 127.0.0.1:" + port + "\r\n";
            String json = "Content-Type: application/json\r\n";
            int dice = random.nextInt(16);
            switch (dice) {
                case 14 -> {
                    StringBuilder head = new StringBuilder("GET " + API + "state HTTP/1.1\r\n" + host);
                    int n = 201 + random.nextInt(2000);
                    for (int i = 0; i < n; i++) {
                        head.append("X-H").append(i).append(": v\r\n");
                    }
                    // Over the console's limit of 200 header lines: a JSON 431, then the connection ends.
                    raw("header bomb", head.append("\r\n").toString(), Set.of(431), false);
                }
                // Netty refuses a bare LF as a line end (RFC 9112 2.2 lets a server do so): the JSON 400.
                case 15 -> raw("bare LF line ends", "GET " + API + "state HTTP/1.1\n" + host.replace("\r", "") + "\n", Set.of(400), false);
                case 0 -> raw("garbage request line", randomToken() + "\r\n\r\n", Set.of(400), false);
                case 1 -> raw("bad percent escape", "GET " + API + "st%zzate HTTP/1.1\r\n" + host + "\r\n", Set.of(400), false);
                case 2 -> raw("illegal character in the target", "GET " + API + junk.pick(List.of("{x}", "a|b", "a\"b", "a\\b", "a^b", "`"))
                        + " HTTP/1.1\r\n" + host + "\r\n", Set.of(400), false);
                case 3 -> raw("bad Content-Length", "POST " + API + "pause HTTP/1.1\r\n" + host + json + "Content-Length: "
                        + junk.pick(List.of("abc", "-1", "99999999999999999999", "0x10")) + "\r\n\r\n{}", Set.of(400), false);
                case 4 -> raw("unknown Transfer-Encoding", "POST " + API + "pause HTTP/1.1\r\n" + host + json + "Transfer-Encoding: "
                        + junk.pick(List.of("gzip", "identity", "bogus", "gzip, chunked")) + "\r\n\r\n{}", Set.of(400), false);
                case 5 -> raw("chunked garbage", "POST " + API + "pause HTTP/1.1\r\n" + host + json + "Transfer-Encoding: chunked\r\n\r\n"
                        + junk.pick(List.of("zz\r\n{}\r\n0\r\n\r\n", "2\r\n{}XX", "fffffffffffffffffff\r\n{}\r\n0\r\n\r\n")), Set.of(400), true);
                case 6 -> {
                    // Cut short and half-closed: the head is complete, so the console answers a 400.
                    String full = "POST " + API + "fail-next HTTP/1.1\r\n" + host + json + "Content-Length: 40\r\n\r\n{\"count\":1,\"fault\":\"bad-gateway\"}";
                    int headEnd = full.indexOf("\r\n\r\n") + 4;
                    int cut = headEnd + random.nextInt(full.length() - headEnd);
                    raw("truncated body", full.substring(0, cut), Set.of(400), true);
                }
                // Cut short and half-closed within the head: no answer, or a JSON 400.
                case 7 -> raw("truncated head", ("POST " + API + "pause HTTP/1.1\r\n" + host).substring(0, 1 + random.nextInt(30)),
                        Set.of(400), true);
                case 8 -> raw("target not a path", junk.pick(List.of("GET * HTTP/1.1", "OPTIONS * HTTP/1.1", "GET api/state HTTP/1.1",
                        "GET x:y HTTP/1.1", "GET mailto:a@b HTTP/1.1")) + "\r\n" + host + "\r\n", Set.of(400), false);
                case 9 -> raw("NUL in the target", "GET " + API + "st\u0000ate HTTP/1.1\r\n" + host + "\r\n", Set.of(400), false);
                case 10 -> raw("Expect 100-continue", "POST " + API + "verdict HTTP/1.1\r\n" + host + json
                        + "Expect: 100-continue\r\nContent-Length: 2\r\n\r\n{}", Set.of(200), false);
                case 11 -> raw("absolute-form target", "GET http://127.0.0.1:" + port + API + "state HTTP/1.1\r\n" + host + "\r\n",
                        Set.of(200), false);
                case 12 -> {
                    StringBuilder head = new StringBuilder("GET " + API + "state HTTP/1.1\r\n" + host);
                    // Within the console's limit of 200 header lines: served.
                    int n = random.nextInt(150);
                    for (int i = 0; i < n; i++) {
                        head.append("X-H").append(i).append(": ").append("v".repeat(random.nextInt(200))).append("\r\n");
                    }
                    raw("many headers", head.append("\r\n").toString(), Set.of(200), false);
                }
                default -> raw("HTTP/1.0 without Host", "GET " + API + "state HTTP/1.0\r\n\r\n", Set.of(200), false);
            }
        }

        private String randomToken() {
            StringBuilder out = new StringBuilder();
            int n = 1 + random.nextInt(40);
            for (int i = 0; i < n; i++) {
                out.append((char) (0x21 + random.nextInt(0x5e)));
            }
            return out.toString();
        }

        // ---- sending ----

        private void send(String method, String path, List<String[]> headers, byte[] body, Expect expect, boolean viaClient) {
            if (viaClient && !method.equals("HEAD")) {
                requests.incrementAndGet();
                String what = current + ": " + method + " " + path + " " + headers(headers) + (body == null ? "" : " " + text(body)) + " via java.net.http";
                Wire.Reply reply = viaHttpClient(method, path, headers, body);
                count(reply);
                judge(path, reply, expect, what, false);
            } else {
                sendRaw(method, path, headers, body, expect, false);
            }
        }

        private void sendRaw(String method, String path, List<String[]> headers, byte[] body, Expect expect, boolean head) {
            requests.incrementAndGet();
            List<String[]> all = new ArrayList<>();
            if (headers.stream().noneMatch(h -> h[0].equalsIgnoreCase("Host"))) {
                all.add(new String[] {"Host", "127.0.0.1:" + port});
            }
            all.addAll(headers);
            if (body != null) {
                all.add(new String[] {"Content-Length", Integer.toString(body.length)});
            }
            String what = current + ": " + method + " " + path + " " + headers(headers) + (body == null ? "" : " " + text(body));
            try (Wire.Conn conn = new Wire.Conn(port, TIMEOUT_MILLIS, watchdog)) {
                Wire.Reply reply = conn.exchange(Wire.request(method + " " + path + " HTTP/1.1", all, body), head, false);
                count(reply);
                judge(path, reply, expect, what, head);
            } catch (IOException e) {
                violations.add("cannot connect", what + ": " + e);
            }
        }

        /**
         * A raw request on a connection of its own. {@code cutShort}: the client half-closes after it,
         * so a request it left incomplete may go unanswered; every other request must be answered.
         */
        private void raw(String label, String request, Set<Integer> statuses, boolean cutShort) {
            requests.incrementAndGet();
            String what = current + ": " + label + "\n" + request;
            try (Wire.Conn conn = new Wire.Conn(port, TIMEOUT_MILLIS, watchdog)) {
                Wire.Reply reply = conn.exchange(request.getBytes(StandardCharsets.UTF_8), false, cutShort);
                count(reply);
                if (!reply.answered()) {
                    violations.expect(cutShort && reply.outcome() == Wire.Outcome.NO_ANSWER, "no answer: " + label, what + "\n=> " + reply);
                    return;
                }
                Expect expect = new Expect(statuses, statuses.contains(200) ? this::compareStateIfState : null);
                // Served, these target the state endpoint; refused, the answer is the API's JSON error whatever the target.
                judge(API + "state", reply, expect, what, false);
            } catch (IOException e) {
                violations.add("cannot connect", what + ": " + e);
            }
        }

        private Wire.Reply viaHttpClient(String method, String path, List<String[]> headers, byte[] body) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(origin() + path)).timeout(Duration.ofMillis(TIMEOUT_MILLIS))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach(h -> request.header(h[0], h[1]));
            return Wire.send(http, request.build());
        }

        // ---- the oracle ----

        private void judge(String path, Wire.Reply reply, Expect expect, String what, boolean head) {
            if (!reply.answered()) {
                violations.add("no answer", what + "\n=> " + reply);
                return;
            }
            String where = what + "\n=> " + reply;
            int status = reply.status();
            if (!expect.statuses().contains(status)) {
                violations.add("unexpected status " + status + ", expected " + expect.statuses(), where);
                resync();
                return;
            }
            if (status >= 500) {
                violations.add("5xx", where);
                return;
            }
            checkHeaders(reply, where);
            boolean api = path.startsWith(API);
            if (api) {
                violations.expect(reply.header("Content-Type") != null && reply.header("Content-Type").startsWith("application/json"),
                        "API answer not JSON", where);
                if (head) {
                    return;
                }
                JsonNode body = parse(reply.text());
                if (body == null || !body.isObject()) {
                    violations.add("API body not a JSON object", where);
                    return;
                }
                if (status >= 400) {
                    checkError(body, status, where);
                    if (status == 405) {
                        violations.expect(reply.header("Allow") != null && !reply.header("Allow").isBlank(), "405 without Allow", where);
                    }
                } else if (expect.onSuccess() != null) {
                    expect.onSuccess().accept(body);
                }
            } else if (!head) {
                checkPageAnswer(reply, where);
            }
        }

        private void checkHeaders(Wire.Reply reply, String where) {
            violations.expect("nosniff".equals(reply.header("X-Content-Type-Options")) && "DENY".equals(reply.header("X-Frame-Options"))
                    && "no-store".equals(reply.header("Cache-Control")), "answer without the console's security headers", where);
        }

        private void checkError(JsonNode body, int status, String where) {
            Set<String> fields = new HashSet<>();
            body.fieldNames().forEachRemaining(fields::add);
            fields.remove("closest");
            violations.expect(fields.equals(Set.of("error", "status")), "error body fields", where);
            violations.expect(body.path("status").isInt() && body.path("status").asInt() == status, "error status differs from HTTP status", where);
            String error = body.path("error").asText("");
            violations.expect(body.path("error").isTextual() && error.length() >= 10 && !error.contains("Exception") && !error.contains("\tat "),
                    "error message not a clear sentence", where);
            if (body.has("closest")) {
                violations.expect(status == 404 && body.path("closest").isArray() && body.path("closest").size() > 0, "closest names", where);
                body.path("closest").forEach(c -> violations.expect(allNames.contains(c.asText()), "closest name not a scenario", where));
            }
        }

        private void checkPageAnswer(Wire.Reply reply, String where) {
            int status = reply.status();
            String type = String.valueOf(reply.header("Content-Type"));
            if (status == 200) {
                violations.expect(type.startsWith("text/html") || type.startsWith("text/javascript") || type.startsWith("text/css"),
                        "page file type", where);
                violations.expect(reply.header("Content-Security-Policy") != null, "page without its CSP", where);
            } else if (status == 302) {
                violations.expect("/__chaosgate/".equals(reply.header("Location")), "redirect elsewhere than the page", where);
            } else {
                violations.expect(type.startsWith("text/plain") && reply.text().endsWith("\n") && reply.text().length() > 10,
                        "page error not a line of text", where);
            }
        }

        private void compareState(JsonNode state) {
            checkStateShape(state, current);
            boolean same = state.path("scenario").asText().equals(model.scenario) && state.path("paused").asBoolean() == model.paused
                    && state.path("injectedRemaining").asInt() == model.injected;
            violations.expect(same, "state differs from what the answers said", current + ": expected scenario=" + model.scenario + ", paused="
                    + model.paused + ", injected=" + model.injected + "; got " + state);
            if (!same) {
                adopt(state);
            }
        }

        private void compareStateIfState(JsonNode body) {
            if (body.has("scenario")) {
                compareState(body);
            }
        }

        private void checkStateShape(JsonNode state, String where) {
            violations.expect(scenarios.contains(state.path("scenario").asText()), "state names no known scenario", where + ": " + state);
            violations.expect(state.path("paused").isBoolean() && state.path("injectedRemaining").isInt() && state.path("injectedRemaining").asInt() >= 0,
                    "state flags", where + ": " + state);
            JsonNode phase = state.path("phase");
            List<String> phases = new ArrayList<>();
            state.path("phases").forEach(p -> phases.add(p.asText()));
            violations.expect(phase.isNull() || phases.contains(phase.asText()), "phase not one of the scenario's", where + ": " + state);
            violations.expect(state.path("baseUrl").asText().equals(appBaseUrl), "state's base URL", where + ": " + state);
            violations.expect(!state.path("replaying").asBoolean(), "replaying without a recording", where + ": " + state);
        }

        private void checkLog(JsonNode page) {
            violations.expect(page.path("entries").isArray() && page.path("last").isIntegralNumber(), "log page shape", current + ": " + page);
        }

        private void checkVerdict(JsonNode verdict) {
            violations.expect(Set.of("PASS", "FAIL", "PENDING").contains(verdict.path("verdict").asText()), "verdict value", current + ": " + verdict);
        }

        private void adopt(JsonNode state) {
            model.scenario = state.path("scenario").asText();
            model.paused = state.path("paused").asBoolean();
            model.injected = state.path("injectedRemaining").asInt();
        }

        private void resync() {
            JsonNode state = get(API + "state");
            if (state != null) {
                adopt(state);
            }
        }

        void checkState(String when) {
            String saved = current;
            current = when;
            JsonNode state = get(API + "state");
            if (state != null) {
                compareState(state);
            }
            current = saved;
        }

        private JsonNode get(String path) {
            Wire.Reply reply = viaHttpClient("GET", path, List.of(), null);
            if (!reply.answered() || reply.status() != 200) {
                violations.add("console not answering", path + " => " + reply);
                return null;
            }
            return parse(reply.text());
        }

        private JsonNode post(String path, String body) {
            Wire.Reply reply = viaHttpClient("POST", path, List.<String[]>of(new String[] {"Content-Type", "application/json"}),
                    body.getBytes(StandardCharsets.UTF_8));
            if (!reply.answered() || reply.status() != 200) {
                violations.add("console refused a valid write", path + " " + body + " => " + reply);
                return null;
            }
            return parse(reply.text());
        }

        // ---- races ----

        void races(int count) throws Exception {
            ExecutorService threads = Executors.newFixedThreadPool(RACE_THREADS, daemon("fuzz-race"));
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < RACE_THREADS; t++) {
                    long seed = random.nextLong();
                    int share = count / RACE_THREADS + (t < count % RACE_THREADS ? 1 : 0);
                    done.add(threads.submit(() -> race(new Random(seed), share)));
                }
                for (Future<?> f : done) {
                    f.get(120, TimeUnit.SECONDS);
                }
            } finally {
                threads.shutdownNow();
                threads.awaitTermination(10, TimeUnit.SECONDS);
            }
        }

        /** One racer: steering the same session as the others; every answer must be a 200 with a well-formed state. */
        private Void race(Random r, int count) throws IOException {
            Wire.Conn conn = null;
            try {
                for (int i = 0; i < count; i++) {
                    String endpoint = List.of("fail-next", "pause", "resume", "scenario", "reset", "state", "verdict").get(r.nextInt(7));
                    String body = switch (endpoint) {
                        case "fail-next" -> "{\"count\":" + (1 + r.nextInt(5)) + ",\"fault\":\"" + faults.get(r.nextInt(faults.size())) + "\"}";
                        case "scenario" -> "{\"name\":\"" + scenarios.get(r.nextInt(scenarios.size())) + "\"}";
                        case "state", "verdict" -> null;
                        default -> "";
                    };
                    String method = body == null ? "GET" : "POST";
                    byte[] bytes = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
                    List<String[]> headers = new ArrayList<>();
                    headers.add(new String[] {"Host", "127.0.0.1:" + port});
                    if (bytes != null) {
                        headers.add(new String[] {"Content-Type", "application/json"});
                        headers.add(new String[] {"Origin", origin()});
                        headers.add(new String[] {"Content-Length", Integer.toString(bytes.length)});
                    }
                    requests.incrementAndGet();
                    if (conn == null || conn.isClosed()) {
                        conn = new Wire.Conn(port, TIMEOUT_MILLIS, watchdog);
                    }
                    String what = "race: " + method + " " + API + endpoint + (body == null ? "" : " " + body);
                    Wire.Reply reply = conn.exchange(Wire.request(method + " " + API + endpoint + " HTTP/1.1", headers, bytes), false, false);
                    count(reply);
                    if (!reply.answered()) {
                        violations.add("no answer in a race", what + "\n=> " + reply);
                        conn.close();
                        continue;
                    }
                    violations.expect(reply.status() == 200, "race write not answered 200", what + "\n=> " + reply);
                    JsonNode answer = parse(reply.text());
                    violations.expect(answer != null && answer.isObject(), "race answer not JSON", what + "\n=> " + reply);
                    if (answer != null && answer.has("scenario")) {
                        checkStateShape(answer, what);
                    }
                }
            } finally {
                if (conn != null) {
                    conn.close();
                }
            }
            return null;
        }

        /** After the races: whatever order they ran in, a reset leaves a state the model can state exactly again. */
        void checkAfterRaces() {
            JsonNode state = get(API + "state");
            if (state == null) {
                return;
            }
            checkStateShape(state, "after the races");
            adopt(state);
            JsonNode reset = post(API + "reset", "");
            if (reset != null) {
                model.paused = false;
                model.injected = 0;
                current = "reset after the races";
                compareState(reset);
            }
        }

        /** The app's port still serves: normal answers while paused, then the injected fault once resumed. */
        void checkAppServes() {
            current = "app check";
            post(API + "scenario", "{\"name\":\"bad-gateway-single\"}");
            post(API + "pause", "");
            violations.expect(chat() == 200, "app not served normally while faults are paused", current);
            JsonNode queued = post(API + "fail-next", "{\"count\":1,\"fault\":\"rate-limited\"}");
            violations.expect(queued != null && queued.path("injectedRemaining").asInt() == 1, "fail-next not queued", current + ": " + queued);
            post(API + "resume", "");
            violations.expect(chat() == 429, "injected fault not served to the app", current);
            JsonNode after = get(API + "state");
            violations.expect(after != null && after.path("injectedRemaining").asInt() == 0, "injected fault not used up", current + ": " + after);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            JsonNode log = get(API + "log");
            // An entry is complete once the answer is journalled, just after the app has it.
            while (log != null && log.path("entries").size() < 2 && System.nanoTime() < deadline) {
                sleep(50);
                log = get(API + "log");
            }
            violations.expect(log != null && log.path("entries").size() >= 2, "app requests missing from the log", current + ": " + log);
        }

        private int chat() {
            HttpRequest request = HttpRequest.newBuilder(URI.create(appBaseUrl + "/chat/completions"))
                    .timeout(Duration.ofMillis(TIMEOUT_MILLIS)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}")).build();
            try {
                return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                return 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        // ---- helpers ----

        private void count(Wire.Reply reply) {
            statusCounts.count(reply);
        }

        private static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static JsonNode parse(String text) {
            try {
                return JSON.readTree(text);
            } catch (IOException e) {
                return null;
            }
        }

        private static String text(byte[] body) {
            return body.length > 300 ? "(" + body.length + " bytes)" : new String(body, StandardCharsets.UTF_8);
        }

        private static String headers(List<String[]> headers) {
            StringBuilder out = new StringBuilder();
            headers.forEach(h -> out.append('[').append(h[0]).append(": ").append(h[1]).append(']'));
            return out.toString();
        }
    }
}
