package dev.chaosgate.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chaosgate.link.LinkServer;
import dev.chaosgate.link.toxic.ToxicAttribute;
import dev.chaosgate.link.toxic.ToxicProvider;
import dev.chaosgate.link.toxic.ToxicRegistry;
import dev.chaosgate.testsupport.OwnJvm;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the Toxiproxy-compatible API over real sockets: valid-shaped requests with random field
 * values (through java.net.http and several raw framings), random JSON, malformed HTTP, and
 * create/delete/update races from several threads.
 *
 * <p>The oracle: a model of the proxies predicts the exact status of every valid-shaped request
 * (2xx only when it is legitimately valid); every error is Toxiproxy's JSON body
 * {@code {"error": "...", "status": N}} with the same status, except the answers Toxiproxy itself
 * gives as plain text (404 {@code 404 page not found}, 405 and 417 with no body, 403 for a browser
 * User-Agent, a 301 to the cleaned path); a 5xx only for a proxy whose listen address cannot be
 * bound; no answer only when the client cut its own request short. Afterwards the API still
 * answers, {@code GET /proxies} matches the model, enabled proxies listen and disabled ones do not
 * (this JVM's own sockets, see {@link ListeningPorts}), no port stays bound once the proxies are
 * deleted, and no descriptor or thread is left behind.
 */
@OwnJvm
class ToxiproxyApiFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TIMEOUT_MILLIS = 5_000;
    private static final int RACE_THREADS = 4;
    private static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

    @Test
    void everyAnswerIsWellFormedAndTheServerStaysConsistent() throws Exception {
        FuzzConfig config = FuzzConfig.of("ToxiproxyApiFuzzTest", 10_000);
        Violations violations = new Violations(config);
        ExecutorService clientThreads = Executors.newFixedThreadPool(2, daemon("fuzz-http-client"));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(clientThreads)
                .connectTimeout(Duration.ofMillis(TIMEOUT_MILLIS)).build();
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(daemon("fuzz-watchdog"));
        ServerLogs logs = ServerLogs.capture("io.netty");
        // The HTTP client's selector thread lives as long as the client: it is part of the baseline.
        ProcessResources baseline = ProcessResources.now(false);
        long started = System.nanoTime();
        Fuzzer fuzzer;
        int apiPort;
        try (LinkServer server = LinkServer.builder().seed(config.seed()).start(); ServerSocket taken = bindLoopback(0)) {
            apiPort = server.port();
            fuzzer = new Fuzzer(config, violations, apiPort, taken.getLocalPort(), http, watchdog);
            int sequential = Math.max(1, config.count() * 17 / 20);
            fuzzer.sequential(sequential);
            fuzzer.checkAgainstModel("after the sequential phase");
            fuzzer.deleteEverything("after the sequential phase");
            fuzzer.races(config.count() - sequential);
            fuzzer.checkAfterRaces();
            fuzzer.deleteEverything("after the races");
            fuzzer.closeConnections();
        }
        watchdog.shutdownNow();
        clientThreads.shutdownNow();
        if (ListeningPorts.isListening(apiPort)) {
            violations.add("API port still bound after close", "port " + apiPort);
        }
        List<String> leaks = ProcessResources.awaitBaseline(baseline, 6, 2, Duration.ofSeconds(15));
        logs.close();
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.println("ToxiproxyApiFuzzTest: " + fuzzer.summary() + " in " + millis + " ms; violations: " + violations.total());
        violations.assertNone();
        assertThat(logs.warnings()).as("warnings the server logged").isEmpty();
        assertThat(leaks).as("descriptors and threads left after the server closed").isEmpty();
    }

    // ---- the model ----

    /** A proxy as the API last reported it (or as the model predicts it). */
    static final class ModelProxy {
        final String name;
        String listen;
        String upstream;
        boolean enabled;
        /** Toxic name to type; the direction only matters for the listing order, which is not compared. */
        final Map<String, String> toxics = new LinkedHashMap<>();

        ModelProxy(String name, String listen, String upstream, boolean enabled) {
            this.name = name;
            this.listen = listen;
            this.upstream = upstream;
            this.enabled = enabled;
        }

        static ModelProxy of(JsonNode proxy) {
            ModelProxy p = new ModelProxy(proxy.path("name").asText(), proxy.path("listen").asText(),
                    proxy.path("upstream").asText(), proxy.path("enabled").asBoolean());
            for (JsonNode toxic : proxy.path("toxics")) {
                p.toxics.put(toxic.path("name").asText(), toxic.path("type").asText());
            }
            return p;
        }

        /** The bound port of an enabled proxy, -1 otherwise. */
        int port() {
            return enabled ? Addr.parse(listen).port() : -1;
        }

        String describe() {
            return name + "{listen=" + listen + ", upstream=" + upstream + ", enabled=" + enabled + ", toxics=" + toxics + "}";
        }
    }

    /**
     * A listen address read the way Go's net package reads the ones this test sends: host:port with
     * an ASCII decimal port up to 65535, an empty port meaning 0; anything else cannot be listened on.
     */
    record Addr(boolean malformed, int port) {
        static final Addr MALFORMED = new Addr(true, -1);

        static Addr parse(String listen) {
            if (listen.isEmpty()) {
                return new Addr(false, 0);
            }
            String host;
            String port;
            if (listen.startsWith("[")) {
                int close = listen.indexOf(']');
                if (close < 0 || close + 1 >= listen.length() || listen.charAt(close + 1) != ':') {
                    return MALFORMED;
                }
                host = listen.substring(1, close);
                port = listen.substring(close + 2);
            } else {
                int colon = listen.lastIndexOf(':');
                if (colon < 0) {
                    return MALFORMED;
                }
                host = listen.substring(0, colon);
                port = listen.substring(colon + 1);
                if (host.indexOf(':') >= 0) {
                    return MALFORMED;
                }
            }
            if (!host.isEmpty() && !host.equals("127.0.0.1") && !host.equals("localhost")) {
                // Only a damaged body gets here ("127.0.0.1:0" with "7.0" cut out is "12.0.1:0"): a host
                // that is no address of this machine, or no host at all, so listening on it must fail.
                return MALFORMED;
            }
            if (port.isEmpty()) {
                return new Addr(false, 0);
            }
            if (!port.chars().allMatch(c -> c >= '0' && c <= '9') || port.length() > 5 || Integer.parseInt(port) > 65535) {
                return MALFORMED;
            }
            return new Addr(false, Integer.parseInt(port));
        }

        /** How the API compares listen addresses (Go's Differs): resolved, loopback written as 127.0.0.1. */
        static String resolved(String listen) {
            Addr addr = parse(listen);
            return addr.malformed ? listen : "127.0.0.1:" + addr.port;
        }
    }

    enum Start { OK, FAILS, MAYBE }

    /** What each kind of 2xx answer holds. */
    enum Shape { PROXY, PROXIES, TOXIC, TOXICS, POPULATE, VERSION, EMPTY }

    /**
     * One request as the API sees it (before a transport is chosen) and what may come back:
     * {@code statuses} are the allowed final statuses; {@code apply} updates the model from the answer.
     */
    record Call(String label, String method, String path, String rawPath, byte[] body, Set<Integer> statuses,
                Shape shape, Consumer<Wire.Reply> apply) {
        String describe() {
            return label + ": " + method + " " + path + (body == null ? "" : " " + new String(body, StandardCharsets.UTF_8));
        }
    }

    /** How a call goes over the wire. */
    enum Transport { HTTP_CLIENT, KEEP_ALIVE, CHUNKED, EXPECT_CONTINUE, HTTP_1_0, ABSOLUTE_FORM, RAW_UTF8_PATH, PIPELINED }

    // ---- the fuzzer ----

    static final class Fuzzer {
        private static final List<String> NAMES = List.of("p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "redis:6379",
                "prøxy ☕", "名前", "emoji😀", "ａｂｃ", "e\u0301", "שלום", "a b", "a+b", "a?b", "a#b", "100%", "<&>",
                "quote\"d", "back\\slash", "semi;colon", "nul\u0000byte", "tab\there", "line\nbreak", "...", "-",
                "%2F", "L".repeat(2000), "名".repeat(300));
        /** Names a proxy can be created under but never addressed by URL. */
        private static final List<String> UNADDRESSABLE = List.of("a/b", ".", "..", "/", "x/", "M".repeat(9000));
        private static final List<String> TOXIC_NAMES = List.of("t0", "t1", "t2", "tøxic", "名", "lat:1+x", "a b", "%",
                "T".repeat(1500));
        private static final List<String> UPSTREAMS = List.of("127.0.0.1:9", "x:1", "redis:6379", "héllo:1", "a b",
                "[::1]:1", "U".repeat(500), "0");
        private static final List<String> MALFORMED_LISTEN = List.of("nope", "a:b:c", "127.0.0.1:99999", "127.0.0.1:abc",
                "[::1", "127.0.0.1:+80", "127.0.0.1:\u0663\u0663\u0663\u0663", "127.0.0.1:\uff11\uff12\uff13", "127.0.0.1:-1",
                "[127.0.0.1]x", "localhost:65536");
        private static final List<String> STREAMS = List.of("upstream", "downstream", "UPSTREAM", "DownStream", "",
                "sideways", "up", "downstream ");
        private static final List<String> USER_AGENTS = List.of("curl/8.5.0", "toxiproxy-cli/2.12.0 (linux/amd64)",
                "Java-http-client/17", "mozilla/5.0 (lower case is not a browser)", "", "\u00ff\u00fe");
        /** JSON bodies Go's decoder refuses, whatever the endpoint. */
        private static final List<String> BROKEN_JSON = List.of("{", "{\"name\":", "nul", "{bad json", "}", "[1,]",
                "{\"a\":01}", "'single'", "{\"a\" \"b\"}", "{\"a\":tru}", "{\"a\":\"\\x\"}", "\u0000", "{\"a\":1.}",
                "{\"a\":\"\t\"}");

        private final Violations violations;
        private final int port;
        private final int takenPort;
        private final HttpClient http;
        private final ScheduledExecutorService watchdog;
        private final Random random;
        private final JsonJunk junk;
        private final ToxicRegistry registry = ToxicRegistry.load();
        private final List<String> toxicTypes;
        private final TreeMap<String, ModelProxy> model = new TreeMap<>();
        /** Ports proxies have been seen bound to, so the end can check each is free again. */
        private final Set<Integer> proxyPorts = ConcurrentHashMap.newKeySet();
        private final AtomicInteger portsCheckedFree = new AtomicInteger();
        private final StatusTally statusCounts = new StatusTally();
        private final AtomicInteger requests = new AtomicInteger();
        private final AtomicInteger checks = new AtomicInteger();
        private Wire.Conn keepAlive;
        private String current = "";

        Fuzzer(FuzzConfig config, Violations violations, int port, int takenPort, HttpClient http,
               ScheduledExecutorService watchdog) {
            this.violations = violations;
            this.port = port;
            this.takenPort = takenPort;
            this.http = http;
            this.watchdog = watchdog;
            this.random = new Random(config.seed());
            this.junk = new JsonJunk(random);
            this.toxicTypes = new ArrayList<>(registry.all().keySet());
        }

        String summary() {
            return requests.get() + " fuzz requests + " + checks.get() + " check requests (statuses " + statusCounts
                    + "), " + portsCheckedFree.get() + " proxy ports checked free";
        }

        // ---- phase 1: one request at a time, against the model ----

        void sequential(int count) {
            for (int i = 0; i < count; i++) {
                current = "request " + i;
                int dice = random.nextInt(100);
                if (dice < 40) {
                    sendCall(structuredCall(), transport());
                } else if (dice < 55) {
                    sendCall(looseCall(), random.nextBoolean() ? Transport.HTTP_CLIENT : Transport.KEEP_ALIVE);
                } else if (dice < 63) {
                    pipelined();
                    i++;
                } else if (dice < 75) {
                    routeCase();
                } else {
                    malformedCase();
                }
                if (random.nextInt(200) == 0) {
                    checkAgainstModel("during the sequential phase (" + current + ")");
                }
            }
        }

        private Transport transport() {
            Transport[] all = {Transport.HTTP_CLIENT, Transport.HTTP_CLIENT, Transport.KEEP_ALIVE, Transport.KEEP_ALIVE,
                    Transport.CHUNKED, Transport.EXPECT_CONTINUE, Transport.HTTP_1_0, Transport.ABSOLUTE_FORM, Transport.RAW_UTF8_PATH};
            return all[random.nextInt(all.length)];
        }

        // ---- structured calls: exact predictions ----

        private Call structuredCall() {
            int dice = random.nextInt(100);
            if (dice < 20) {
                return createProxy();
            } else if (dice < 32) {
                return updateProxy();
            } else if (dice < 38) {
                return deleteProxy();
            } else if (dice < 45) {
                return getProxy();
            } else if (dice < 65) {
                return createToxic();
            } else if (dice < 75) {
                return updateToxic();
            } else if (dice < 80) {
                return deleteToxic();
            } else if (dice < 84) {
                return listToxics();
            } else if (dice < 91) {
                return populate();
            } else if (dice < 94) {
                return reset();
            } else if (dice < 97) {
                return new Call("version", "GET", "/version", "/version", null, Set.of(200), Shape.VERSION, null);
            }
            return new Call("list", "GET", "/proxies", "/proxies", null, Set.of(200), Shape.PROXIES, this::compareListing);
        }

        /** A JSON object body built member by member, remembering whether Go would refuse a member's type. */
        private final class Body {
            final StringBuilder json = new StringBuilder();
            boolean wrongType;
            private boolean first = true;

            /** Adds {@code key} (sometimes in other case: Go matches names case-insensitively) with a raw JSON value. */
            void member(String key, String value) {
                json.append(first ? "" : ",").append(JsonJunk.quote(junk.recase(key))).append(':').append(value);
                first = false;
            }

            /**
             * A string field: absent, null, one of {@code values}, or (rarely) a value of another
             * type. Returns the string the server sees (null for absent, null or wrong).
             */
            String string(String key, List<String> values) {
                int dice = random.nextInt(20);
                if (dice == 0) {
                    return null;
                }
                if (dice == 1) {
                    member(key, "null");
                    return null;
                }
                if (dice == 2) {
                    member(key, junk.pick(List.of("5", "true", "[]", "{}", "[\"x\"]", "-1.5")));
                    wrongType = true;
                    return null;
                }
                String value = junk.pick(values);
                member(key, JsonJunk.quote(value));
                return value;
            }

            /** A bool field; {@code TRUE}/{@code FALSE} as sent, null for absent or null. */
            Boolean bool(String key) {
                int dice = random.nextInt(12);
                if (dice == 0) {
                    return null;
                }
                if (dice == 1) {
                    member(key, "null");
                    return null;
                }
                if (dice == 2) {
                    member(key, junk.pick(List.of("\"yes\"", "1", "0", "[]", "{}")));
                    wrongType = true;
                    return null;
                }
                boolean value = random.nextInt(3) > 0;
                member(key, String.valueOf(value));
                return value;
            }

            /** Members the API does not know: ignored, whatever they hold. */
            void extras() {
                if (random.nextInt(4) == 0) {
                    member(junk.pick(List.of("bogus", "toxics", "extra", "Logger2", "nämé")), junk.value(2));
                }
            }

            byte[] bytes() {
                String text = (random.nextInt(8) == 0 ? " \r\n\t" : "") + "{" + json + "}" + (random.nextInt(5) == 0 ? junk.trailing() : "");
                return text.getBytes(StandardCharsets.UTF_8);
            }
        }

        /** Replaces a body now and then by one that fails before any field is read: none, broken, not an object. */
        private record Replacement(byte[] body, String kind) {
        }

        private Replacement bodyOverride(boolean arrayIsValid) {
            int dice = random.nextInt(100);
            if (dice < 4) {
                return new Replacement(new byte[0], "empty");
            } else if (dice < 8) {
                return new Replacement(junk.pick(BROKEN_JSON).getBytes(StandardCharsets.UTF_8), "broken");
            } else if (dice < 10) {
                String notObject = arrayIsValid ? junk.pick(List.of("5", "\"x\"", "true", "{}")) : junk.pick(List.of("[]", "5", "\"x\"", "true", "[{}]"));
                return new Replacement(notObject.getBytes(StandardCharsets.UTF_8), "wrong kind");
            } else if (dice < 12) {
                return new Replacement("null".getBytes(StandardCharsets.UTF_8), "null");
            }
            return null;
        }

        private String listenChoice(ModelProxy self) {
            int dice = random.nextInt(20);
            if (dice < 7) {
                return "127.0.0.1:0";
            } else if (dice < 9) {
                return junk.pick(List.of("localhost:0", "", ":0", "127.0.0.1:"));
            } else if (dice < 12) {
                return junk.pick(MALFORMED_LISTEN);
            } else if (dice < 14) {
                return junk.pick(List.of("127.0.0.1:", "localhost:")) + takenPort;
            } else if (dice < 17) {
                List<ModelProxy> held = model.values().stream().filter(p -> p.enabled && p != self).toList();
                if (!held.isEmpty()) {
                    return "127.0.0.1:" + junk.pick(held).port();
                }
                return "127.0.0.1:0";
            } else if (self != null && !Addr.parse(self.listen).malformed()) {
                return self.listen;
            }
            return "127.0.0.1:0";
        }

        /** Whether starting a listener on {@code listen} works, given the model's bound ports. */
        private Start start(String listen, String self, Map<String, ModelProxy> proxies) {
            Addr addr = Addr.parse(listen);
            if (addr.malformed()) {
                return Start.FAILS;
            }
            if (addr.port() == 0) {
                return Start.OK;
            }
            if (addr.port() == takenPort) {
                return Start.FAILS;
            }
            for (ModelProxy p : proxies.values()) {
                if (!p.name.equals(self) && p.port() == addr.port()) {
                    return Start.FAILS;
                }
            }
            // A port no proxy holds now: free, unless something outside this test took it meanwhile.
            return Start.MAYBE;
        }

        private static Set<Integer> outcome(Start start, int ok) {
            return switch (start) {
                case OK -> Set.of(ok);
                case FAILS -> Set.of(500);
                case MAYBE -> Set.of(ok, 500);
            };
        }

        private String proxyName() {
            if (!model.isEmpty() && random.nextInt(3) > 0) {
                List<String> addressable = model.keySet().stream().filter(Fuzzer::addressable).toList();
                if (!addressable.isEmpty()) {
                    return junk.pick(addressable);
                }
            }
            return junk.pick(NAMES);
        }

        private Call createProxy() {
            Body body = new Body();
            List<String> names = new ArrayList<>(NAMES);
            if (random.nextInt(10) == 0) {
                names.addAll(UNADDRESSABLE);
            }
            if (random.nextInt(20) == 0) {
                names.add("");
            }
            String name = body.string("name", names);
            String listen = null;
            if (random.nextInt(8) > 0) {
                String choice = listenChoice(null);
                listen = choice;
                body.member("listen", JsonJunk.quote(choice));
            }
            String upstream = body.string("upstream", random.nextInt(15) == 0 ? List.of("") : UPSTREAMS);
            Boolean enabled = body.bool("enabled");
            if (random.nextInt(10) == 0) {
                String logger = junk.pick(List.of("{}", "null", "{\"level\":1}", "5", "\"x\"", "[]"));
                body.member("Logger", logger);
                body.wrongType |= !logger.startsWith("{") && !logger.equals("null");
            }
            body.extras();
            byte[] bytes = body.bytes();
            Replacement override = bodyOverride(false);
            Set<Integer> statuses;
            if (override != null) {
                // "null" decodes as {}: no name.
                statuses = Set.of(400);
                bytes = override.body();
            } else if (body.wrongType || name == null || name.isEmpty() || upstream == null || upstream.isEmpty()) {
                statuses = Set.of(400);
            } else if (model.containsKey(name)) {
                statuses = Set.of(409);
            } else if (enabled == null || enabled) {
                statuses = outcome(start(listen == null ? "" : listen, name, model), 201);
            } else {
                statuses = Set.of(201);
            }
            return new Call("create proxy", "POST", "/proxies", "/proxies", bytes, statuses, Shape.PROXY, reply -> {
                if (reply.status() == 201) {
                    ModelProxy created = ModelProxy.of(json(reply));
                    violations.expect(created.name.equals(name), "created proxy has another name", created.describe() + " for " + name);
                    violations.expect(created.enabled == (enabled == null || enabled), "created proxy enabled wrongly", created.describe());
                    remember(created);
                }
            });
        }

        private Call updateProxy() {
            String name = proxyName();
            ModelProxy proxy = model.get(name);
            Body body = new Body();
            if (random.nextInt(6) == 0) {
                body.string("name", NAMES); // ignored on update, but its type is checked
            }
            String listen = null;
            if (random.nextInt(2) == 0) {
                listen = listenChoice(proxy);
                body.member("listen", JsonJunk.quote(listen));
            }
            String upstream = random.nextInt(3) == 0 ? body.string("upstream", UPSTREAMS) : null;
            Boolean enabled = body.bool("enabled");
            body.extras();
            byte[] bytes = body.bytes();
            Replacement override = bodyOverride(false);
            Set<Integer> statuses;
            if (proxy == null) {
                statuses = Set.of(404);
                if (override != null) {
                    bytes = override.body();
                }
            } else if (override != null && !override.kind().equals("null")) {
                statuses = Set.of(400);
                bytes = override.body();
            } else if (override != null) {
                bytes = override.body();
                statuses = proxy.enabled || !Addr.parse(proxy.listen).malformed() ? Set.of(200) : Set.of(500);
            } else if (body.wrongType) {
                statuses = Set.of(400);
            } else {
                statuses = predictUpdate(proxy, listen, upstream, enabled);
            }
            // A replaced body ("null" the only one that can succeed) asks for nothing.
            Boolean asked = override == null ? enabled : null;
            String path = "/proxies/" + encode(name, false);
            return new Call("update proxy", random.nextBoolean() ? "POST" : "PATCH", path, "/proxies/" + encode(name, true),
                    bytes, statuses, Shape.PROXY, reply -> {
                        if (reply.status() == 200) {
                            ModelProxy updated = ModelProxy.of(json(reply));
                            violations.expect(updated.name.equals(name), "updated proxy has another name", updated.describe());
                            if (asked != null) {
                                violations.expect(updated.enabled == asked, "update did not apply enabled", updated.describe() + " asked " + asked);
                            }
                            remember(updated);
                        } else if (reply.status() == 500) {
                            resync(name);
                        }
                    });
        }

        /** Go's update: resolve the listen address (500 if it cannot be), restart if an address changed, then enable or disable. */
        private Set<Integer> predictUpdate(ModelProxy proxy, String listen, String upstream, Boolean enabled) {
            String newListen = listen == null ? proxy.listen : listen;
            if (Addr.parse(newListen).malformed()) {
                return Set.of(500);
            }
            String newUpstream = upstream == null ? proxy.upstream : upstream;
            boolean differs = !Addr.resolved(newListen).equals(proxy.listen) || !newUpstream.equals(proxy.upstream);
            boolean enable = enabled == null ? proxy.enabled : enabled;
            if (!enable) {
                return Set.of(200);
            }
            if (proxy.enabled && !differs) {
                return Set.of(200);
            }
            return outcome(start(differs ? newListen : proxy.listen, proxy.name, model), 200);
        }

        private Call deleteProxy() {
            String name = proxyName();
            boolean exists = model.containsKey(name);
            return new Call("delete proxy", "DELETE", "/proxies/" + encode(name, false), "/proxies/" + encode(name, true), null,
                    Set.of(exists ? 204 : 404), Shape.EMPTY, reply -> {
                        if (reply.status() == 204) {
                            model.remove(name);
                        }
                    });
        }

        private Call getProxy() {
            String name = proxyName();
            return new Call("get proxy", "GET", "/proxies/" + encode(name, false), "/proxies/" + encode(name, true), null,
                    Set.of(model.containsKey(name) ? 200 : 404), Shape.PROXY, reply -> {
                        if (reply.status() == 200) {
                            compareProxy(model.get(name), ModelProxy.of(json(reply)), "GET /proxies/" + name);
                        }
                    });
        }

        private Call listToxics() {
            String name = proxyName();
            ModelProxy proxy = model.get(name);
            return new Call("list toxics", "GET", "/proxies/" + encode(name, false) + "/toxics",
                    "/proxies/" + encode(name, true) + "/toxics", null, Set.of(proxy != null ? 200 : 404), Shape.TOXICS, reply -> {
                        if (reply.status() == 200) {
                            Set<String> names = new HashSet<>();
                            json(reply).forEach(t -> names.add(t.path("name").asText()));
                            violations.expect(names.equals(proxy.toxics.keySet()), "toxic listing differs from the model",
                                    names + " vs " + proxy.toxics.keySet());
                        }
                    });
        }

        /** A toxicity literal and what Go makes of it: a float32, or a decode error (null). */
        private record Literal(String json, Double value, boolean decodeError) {
        }

        private Literal toxicity() {
            return junk.pick(List.of(new Literal("0", 0.0, false), new Literal("1", 1.0, false), new Literal("0.5", 0.5, false),
                    new Literal("-0", 0.0, false), new Literal("1e-50", 0.0, false), new Literal("0.25", 0.25, false),
                    new Literal("1e0", 1.0, false), new Literal("-0.1", -0.1, false), new Literal("1.5", 1.5, false),
                    new Literal("7", 7.0, false), new Literal("1e30", 1e30, false), new Literal("-3e38", -3e38, false),
                    new Literal("1e39", null, true), new Literal("3.4028236e38", null, true), new Literal("\"high\"", null, true),
                    new Literal("true", null, true), new Literal("[1]", null, true), new Literal("{}", null, true)));
        }

        /** An attribute literal for an attribute with {@code minimum}: its int64 value, or a decode error. */
        private Literal attribute(long minimum) {
            int dice = random.nextInt(16);
            return switch (dice) {
                case 0, 1, 2 -> new Literal(Long.toString(minimum), (double) minimum, false);
                case 3, 4, 5 -> {
                    long v = minimum + random.nextInt(1000);
                    yield new Literal(Long.toString(v), (double) v, false);
                }
                case 6 -> new Literal("9223372036854775807", 9.223372036854775807e18, false);
                case 7 -> new Literal(Long.toString(minimum - 1), (double) (minimum - 1), false);
                case 8 -> new Literal("-9223372036854775808", -9.223372036854775808e18, false);
                case 9 -> new Literal("null", null, false);
                default -> new Literal(junk.pick(List.of("1.5", "1e3", "1000.0", "\"5\"", "true", "[]", "{}",
                        "9223372036854775808", "-9223372036854775809", "-0.0")), null, true);
            };
        }

        private Call createToxic() {
            String proxyName = proxyName();
            ModelProxy proxy = model.get(proxyName);
            Body body = new Body();
            List<String> names = new ArrayList<>(TOXIC_NAMES);
            names.add("");
            String name = body.string("name", names);
            List<String> types = new ArrayList<>(toxicTypes);
            types.addAll(List.of("bogus", "Latency", "", "latency "));
            String type = body.string("type", random.nextInt(6) == 0 ? types : toxicTypes);
            String stream = random.nextInt(3) == 0 ? null : body.string("stream", STREAMS);
            Literal toxicity = null;
            if (random.nextInt(3) == 0) {
                toxicity = toxicity();
                body.member("toxicity", toxicity.json());
            }
            // Attributes: typed in a second pass, once the toxic's type is known.
            boolean attributesNotObject = false;
            boolean attributeDecodeError = false;
            ToxicProvider provider = type == null ? null : registry.find(type).orElse(null);
            // An attribute left out (or null) is 0, which is below the minimum of some (slicer's average_size).
            Set<String> given = new HashSet<>();
            boolean belowMinimum = false;
            int dice = random.nextInt(10);
            if (dice == 0) {
                String literal = junk.pick(List.of("5", "\"fast\"", "[]", "true"));
                body.member("attributes", literal);
                attributesNotObject = true;
            } else if (dice == 1) {
                body.member("attributes", "null");
            } else if (dice > 3) {
                StringBuilder attributes = new StringBuilder("{");
                List<ToxicAttribute> declared = provider == null ? List.of() : provider.attributes();
                for (ToxicAttribute a : declared) {
                    if (random.nextInt(4) == 0) {
                        continue;
                    }
                    Literal value = attribute(a.minimum());
                    attributes.append(attributes.length() > 1 ? "," : "").append(JsonJunk.quote(junk.recase(a.name()))).append(':').append(value.json());
                    attributeDecodeError |= value.decodeError();
                    belowMinimum |= value.value() != null && value.value() < a.minimum();
                    if (value.value() != null) {
                        given.add(a.name());
                    }
                }
                if (random.nextInt(4) == 0) {
                    attributes.append(attributes.length() > 1 ? "," : "").append("\"unknown\":").append(junk.value(1));
                }
                body.member("attributes", attributes.append('}').toString());
            }
            if (provider != null) {
                for (ToxicAttribute a : provider.attributes()) {
                    belowMinimum |= !given.contains(a.name()) && 0 < a.minimum();
                }
            }
            body.extras();
            byte[] bytes = body.bytes();
            Replacement override = bodyOverride(false);
            String rawStream = stream == null ? "downstream" : stream;
            String effectiveType = type == null ? "" : type;
            String effectiveName = name == null || name.isEmpty() ? effectiveType + "_" + rawStream : name;
            Set<Integer> statuses;
            if (proxy == null) {
                statuses = Set.of(404);
                if (override != null) {
                    bytes = override.body();
                }
            } else if (override != null) {
                statuses = Set.of(400); // broken, empty or not an object; "null" is {}: no type
                bytes = override.body();
            } else if (body.wrongType || attributesNotObject || (toxicity != null && toxicity.decodeError())) {
                statuses = Set.of(400);
            } else if (!rawStream.equalsIgnoreCase("upstream") && !rawStream.equalsIgnoreCase("downstream")) {
                statuses = Set.of(400);
            } else if (provider == null) {
                statuses = Set.of(400);
            } else if (proxy.toxics.containsKey(effectiveName)) {
                statuses = Set.of(409);
            } else if (attributeDecodeError || belowMinimum) {
                statuses = Set.of(400);
            } else if (toxicity != null && toxicity.value() != null && !(toxicity.value() >= 0 && toxicity.value() <= 1)) {
                statuses = Set.of(400);
            } else {
                statuses = Set.of(200);
            }
            String path = "/proxies/" + encode(proxyName, false) + "/toxics";
            return new Call("create toxic", "POST", path, "/proxies/" + encode(proxyName, true) + "/toxics", bytes, statuses,
                    Shape.TOXIC, reply -> {
                        if (reply.status() == 200) {
                            JsonNode toxic = json(reply);
                            violations.expect(toxic.path("name").asText().equals(effectiveName), "toxic created under another name",
                                    toxic + " expected " + effectiveName);
                            proxy.toxics.put(effectiveName, effectiveType);
                        }
                    });
        }

        private Call updateToxic() {
            String proxyName = proxyName();
            ModelProxy proxy = model.get(proxyName);
            String toxicName = proxy != null && !toxicNames(proxy).isEmpty() && random.nextInt(5) > 0
                    ? junk.pick(toxicNames(proxy)) : junk.pick(TOXIC_NAMES);
            String type = proxy == null ? null : proxy.toxics.get(toxicName);
            ToxicProvider provider = type == null ? null : registry.find(type).orElseThrow();
            Body body = new Body();
            if (random.nextInt(5) == 0) {
                body.member(junk.pick(List.of("name", "type", "stream")), junk.value(1)); // not part of an update: ignored
            }
            Literal toxicity = null;
            if (random.nextInt(2) == 0) {
                toxicity = toxicity();
                body.member("toxicity", toxicity.json());
            }
            boolean decodeError = toxicity != null && toxicity.decodeError();
            boolean belowMinimum = false;
            int dice = random.nextInt(8);
            if (dice == 0) {
                body.member("attributes", junk.pick(List.of("5", "\"x\"", "[]", "false")));
                decodeError = true;
            } else if (dice > 2 && provider != null) {
                StringBuilder attributes = new StringBuilder("{");
                for (ToxicAttribute a : provider.attributes()) {
                    if (random.nextInt(3) == 0) {
                        Literal value = attribute(a.minimum());
                        attributes.append(attributes.length() > 1 ? "," : "").append(JsonJunk.quote(a.name())).append(':').append(value.json());
                        decodeError |= value.decodeError();
                        belowMinimum |= value.value() != null && value.value() < a.minimum();
                    }
                }
                body.member("attributes", attributes.append('}').toString());
            }
            byte[] bytes = body.bytes();
            Replacement override = bodyOverride(false);
            Set<Integer> statuses;
            if (proxy == null || type == null) {
                statuses = Set.of(404);
                if (override != null) {
                    bytes = override.body();
                }
            } else if (override != null) {
                bytes = override.body();
                statuses = Set.of(override.kind().equals("null") ? 200 : 400);
            } else if (decodeError || belowMinimum) {
                statuses = Set.of(400);
            } else if (toxicity != null && toxicity.value() != null && !(toxicity.value() >= 0 && toxicity.value() <= 1)) {
                statuses = Set.of(400);
            } else {
                statuses = Set.of(200);
            }
            String path = "/proxies/" + encode(proxyName, false) + "/toxics/" + encode(toxicName, false);
            return new Call("update toxic", random.nextBoolean() ? "POST" : "PATCH", path,
                    "/proxies/" + encode(proxyName, true) + "/toxics/" + encode(toxicName, true), bytes, statuses, Shape.TOXIC,
                    reply -> {
                        if (reply.status() == 200) {
                            JsonNode toxic = json(reply);
                            violations.expect(toxic.path("name").asText().equals(toxicName) && toxic.path("type").asText().equals(type),
                                    "update changed a toxic's name or type", toxic.toString());
                        }
                    });
        }

        private Call deleteToxic() {
            String proxyName = proxyName();
            ModelProxy proxy = model.get(proxyName);
            String toxicName = proxy != null && !toxicNames(proxy).isEmpty() && random.nextInt(4) > 0
                    ? junk.pick(toxicNames(proxy)) : junk.pick(TOXIC_NAMES);
            boolean get = random.nextInt(3) == 0;
            boolean exists = proxy != null && proxy.toxics.containsKey(toxicName);
            String path = "/proxies/" + encode(proxyName, false) + "/toxics/" + encode(toxicName, false);
            String raw = "/proxies/" + encode(proxyName, true) + "/toxics/" + encode(toxicName, true);
            if (get) {
                return new Call("get toxic", "GET", path, raw, null, Set.of(exists ? 200 : 404), Shape.TOXIC, null);
            }
            return new Call("delete toxic", "DELETE", path, raw, null, Set.of(exists ? 204 : 404), Shape.EMPTY, reply -> {
                if (reply.status() == 204) {
                    proxy.toxics.remove(toxicName);
                }
            });
        }

        private Call populate() {
            StringBuilder json = new StringBuilder("[");
            int n = random.nextInt(4);
            boolean decodeError = false;
            boolean missing = false;
            List<String[]> specs = new ArrayList<>(); // name, listen (null: none), upstream, enabled (null: true)
            for (int i = 0; i < n; i++) {
                json.append(i > 0 ? "," : "");
                int dice = random.nextInt(20);
                if (dice == 0) {
                    json.append("null");
                    missing = true;
                    continue;
                }
                if (dice == 1) {
                    json.append(junk.pick(List.of("5", "\"p\"", "[]", "true")));
                    decodeError = true;
                    continue;
                }
                Body body = new Body();
                List<String> names = new ArrayList<>(NAMES.subList(0, 12));
                if (random.nextInt(8) == 0) {
                    names.add("");
                }
                String name = body.string("name", names);
                String listen = null;
                if (random.nextInt(6) > 0) {
                    listen = listenChoice(name == null ? null : model.get(name));
                    body.member("listen", JsonJunk.quote(listen));
                }
                String upstream = body.string("upstream", UPSTREAMS);
                Boolean enabled = body.bool("enabled");
                decodeError |= body.wrongType;
                missing |= name == null || name.isEmpty() || upstream == null || upstream.isEmpty();
                json.append('{').append(body.json).append('}');
                specs.add(new String[] {name, listen, upstream, enabled == null ? null : enabled.toString()});
            }
            json.append(']');
            byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
            Replacement override = bodyOverride(true);
            Set<Integer> statuses;
            if (override != null) {
                bytes = override.body();
                statuses = Set.of(override.kind().equals("null") ? 201 : 400);
            } else if (decodeError || missing) {
                statuses = Set.of(400);
            } else {
                statuses = predictPopulate(specs);
            }
            return new Call("populate", "POST", "/populate", "/populate", bytes, statuses, Shape.POPULATE, reply -> {
                if (reply.status() == 201 || reply.status() == 500) {
                    resyncAll();
                    JsonNode returned = json(reply).path("proxies");
                    // The spec that failed first removed the proxy of its name, even one populated earlier in the same call.
                    String failed = reply.status() == 500 && returned.size() < specs.size() ? specs.get(returned.size())[0] : null;
                    for (JsonNode proxy : returned) {
                        String name = proxy.path("name").asText();
                        violations.expect(name.equals(failed) || model.containsKey(name), "populated proxy missing afterwards", proxy.toString());
                    }
                }
            });
        }

        /** Go's populate: each spec in order replaces a differing proxy and starts it; the first failure ends it. */
        private Set<Integer> predictPopulate(List<String[]> specs) {
            Map<String, ModelProxy> sim = new TreeMap<>();
            model.forEach((k, v) -> sim.put(k, new ModelProxy(v.name, v.listen, v.upstream, v.enabled)));
            boolean uncertain = false;
            for (String[] spec : specs) {
                String listen = spec[1] == null ? "" : spec[1];
                ModelProxy existing = sim.get(spec[0]);
                if (existing != null && Addr.resolved(listen).equals(existing.listen) && spec[2].equals(existing.upstream)) {
                    continue;
                }
                sim.remove(spec[0]);
                boolean enabled = spec[3] == null || Boolean.parseBoolean(spec[3]);
                if (enabled) {
                    Start start = start(listen, spec[0], sim);
                    if (start == Start.FAILS) {
                        return uncertain ? Set.of(201, 500) : Set.of(500);
                    }
                    uncertain |= start == Start.MAYBE;
                    Addr addr = Addr.parse(listen);
                    // A port chosen by the system is unknown here, and clashes with nothing.
                    sim.put(spec[0], new ModelProxy(spec[0], addr.port() == 0 ? "127.0.0.1:-1" : "127.0.0.1:" + addr.port(), spec[2], true));
                } else {
                    sim.put(spec[0], new ModelProxy(spec[0], listen, spec[2], false));
                }
            }
            return uncertain ? Set.of(201, 500) : Set.of(201);
        }

        private Call reset() {
            boolean uncertain = false;
            Set<Integer> statuses = null;
            Map<String, ModelProxy> sim = new TreeMap<>();
            model.forEach((k, v) -> sim.put(k, new ModelProxy(v.name, v.listen, v.upstream, v.enabled)));
            for (ModelProxy p : sim.values()) {
                if (!p.enabled) {
                    Start start = start(p.listen, p.name, sim);
                    if (start == Start.FAILS) {
                        statuses = uncertain ? Set.of(204, 500) : Set.of(500);
                        break;
                    }
                    uncertain |= start == Start.MAYBE;
                    p.enabled = true;
                    Addr addr = Addr.parse(p.listen);
                    p.listen = addr.port() == 0 ? "127.0.0.1:-1" : "127.0.0.1:" + addr.port();
                }
            }
            if (statuses == null) {
                statuses = uncertain ? Set.of(204, 500) : Set.of(204);
            }
            return new Call("reset", "POST", "/reset", "/reset", random.nextBoolean() ? null : junk.value(1).getBytes(StandardCharsets.UTF_8),
                    statuses, Shape.EMPTY, reply -> {
                        resyncAll();
                        if (reply.status() == 204) {
                            for (ModelProxy p : model.values()) {
                                violations.expect(p.enabled && p.toxics.isEmpty(), "reset left a proxy disabled or with toxics", p.describe());
                            }
                        }
                    });
        }

        // ---- loose calls: random JSON, any well-formed answer ----

        private Call looseCall() {
            String name = proxyName();
            ModelProxy proxy = model.get(name);
            String encoded = "/proxies/" + encode(name, false);
            List<String> proxyKeys = List.of("name", "listen", "upstream", "enabled", "Logger", "toxics");
            List<String> toxicKeys = List.of("name", "type", "stream", "toxicity", "attributes");
            int dice = random.nextInt(5);
            String body;
            Call call;
            switch (dice) {
                case 0 -> {
                    body = looseBody(proxyKeys);
                    call = new Call("loose create proxy", "POST", "/proxies", "/proxies", bytes(body), Set.of(201, 400, 409, 500),
                            Shape.PROXY, reply -> {
                                if (reply.status() == 201) {
                                    remember(ModelProxy.of(json(reply)));
                                }
                            });
                }
                case 1 -> {
                    body = looseBody(proxyKeys);
                    call = new Call("loose update proxy", random.nextBoolean() ? "POST" : "PATCH", encoded, encoded, bytes(body),
                            proxy == null ? Set.of(404) : Set.of(200, 400, 500), Shape.PROXY, reply -> {
                                if (reply.status() == 200) {
                                    remember(ModelProxy.of(json(reply)));
                                } else if (reply.status() == 500) {
                                    resync(name);
                                }
                            });
                }
                case 2 -> {
                    body = looseBody(toxicKeys);
                    call = new Call("loose create toxic", "POST", encoded + "/toxics", encoded + "/toxics", bytes(body),
                            proxy == null ? Set.of(404) : Set.of(200, 400, 409), Shape.TOXIC, reply -> {
                                if (reply.status() == 200) {
                                    JsonNode toxic = json(reply);
                                    proxy.toxics.put(toxic.path("name").asText(), toxic.path("type").asText());
                                }
                            });
                }
                case 3 -> {
                    String toxic = proxy != null && !toxicNames(proxy).isEmpty() ? junk.pick(toxicNames(proxy)) : "t0";
                    body = looseBody(toxicKeys);
                    boolean exists = proxy != null && proxy.toxics.containsKey(toxic);
                    String path = encoded + "/toxics/" + encode(toxic, false);
                    call = new Call("loose update toxic", random.nextBoolean() ? "POST" : "PATCH", path, path, bytes(body),
                            exists ? Set.of(200, 400) : Set.of(404), Shape.TOXIC, null);
                }
                default -> {
                    StringBuilder array = new StringBuilder("[");
                    int n = random.nextInt(3);
                    for (int i = 0; i < n; i++) {
                        array.append(i > 0 ? "," : "").append(random.nextInt(6) == 0 ? junk.value(1) : looseObject(proxyKeys));
                    }
                    body = random.nextInt(4) == 0 ? junk.damage(array + "]") : array + "]" + junk.trailing();
                    call = new Call("loose populate", "POST", "/populate", "/populate", bytes(body), Set.of(201, 400, 500),
                            Shape.POPULATE, reply -> {
                                if (reply.status() != 400) {
                                    resyncAll();
                                }
                            });
                }
            }
            return call;
        }

        /** An object with random values for the endpoint's keys (listen values stay on loopback), often broken. */
        private String looseBody(List<String> keys) {
            String object = random.nextInt(8) == 0 ? junk.value(3) : looseObject(keys);
            return switch (random.nextInt(6)) {
                case 0 -> junk.damage(object);
                case 1 -> object + junk.trailing();
                default -> object;
            };
        }

        private String looseObject(List<String> keys) {
            StringBuilder out = new StringBuilder("{");
            int n = random.nextInt(6);
            for (int i = 0; i < n; i++) {
                String key = random.nextInt(5) == 0 ? junk.pick(JsonJunk.ODD_STRINGS) : junk.recase(junk.pick(keys));
                String value;
                if (key.equalsIgnoreCase("listen")) {
                    value = random.nextInt(4) == 0 ? junk.value(1) : JsonJunk.quote(listenChoice(null));
                } else if (key.equalsIgnoreCase("attributes") && random.nextBoolean()) {
                    value = junk.object(1, List.of("latency", "jitter", "rate", "delay", "timeout", "bytes", "average_size",
                            "size_variation"));
                } else if (key.equalsIgnoreCase("type") && random.nextBoolean()) {
                    value = JsonJunk.quote(junk.pick(toxicTypes));
                } else {
                    value = junk.value(2);
                }
                out.append(i > 0 ? "," : "").append(JsonJunk.quote(key)).append(':').append(value);
            }
            return out.append('}').toString();
        }

        // ---- route cases: 404, 405, 301 ----

        /** Which methods a decoded path's route takes (gorilla/mux's table in Toxiproxy), or null for no route. */
        static Set<String> routeMethods(String path) {
            String[] parts = path.split("/", -1);
            if (path.equals("/version")) {
                return Set.of("GET");
            }
            if (path.equals("/proxies")) {
                return Set.of("GET", "POST");
            }
            if (path.equals("/populate") || path.equals("/reset")) {
                return Set.of("POST");
            }
            if (parts.length == 3 && parts[1].equals("proxies") && !parts[2].isEmpty()) {
                return Set.of("GET", "POST", "PATCH", "DELETE");
            }
            if (parts.length == 4 && parts[1].equals("proxies") && !parts[2].isEmpty() && parts[3].equals("toxics")) {
                return Set.of("GET", "POST");
            }
            if (parts.length == 5 && parts[1].equals("proxies") && !parts[2].isEmpty() && parts[3].equals("toxics")
                    && !parts[4].isEmpty()) {
                return Set.of("GET", "POST", "PATCH", "DELETE");
            }
            return null;
        }

        private void routeCase() {
            String n = encode(junk.pick(NAMES.subList(0, 8)), false);
            List<String[]> paths = List.of(new String[] {"/", "/"}, new String[] {"/version/", "/version/"},
                    new String[] {"/proxies/", "/proxies/"}, new String[] {"/Proxies", "/Proxies"},
                    new String[] {"/proxies/" + n + "/", "/proxies/x/"}, new String[] {"/proxies/" + n + "/toxic", "/proxies/x/toxic"},
                    new String[] {"/proxies/" + n + "/toxics/", "/proxies/x/toxics/"},
                    new String[] {"/proxies/" + n + "/toxics/t/x", "/proxies/x/toxics/t/x"}, new String[] {"/populate/x", "/populate/x"},
                    new String[] {"/metrics", "/metrics"}, new String[] {"/proxies/a%2Fb", "/proxies/a/b"},
                    new String[] {"/proxies/a%2Fb/toxics", "/proxies/a/b/toxics"}, new String[] {"/x", "/x"},
                    new String[] {"/version", "/version"}, new String[] {"/proxies", "/proxies"}, new String[] {"/reset", "/reset"},
                    new String[] {"/populate", "/populate"}, new String[] {"/proxies/" + n, "/proxies/x"},
                    new String[] {"/proxies/" + n + "/toxics", "/proxies/x/toxics"},
                    new String[] {"/proxies/" + n + "/toxics/t0", "/proxies/x/toxics/t0"},
                    new String[] {"/proxies/.", "/proxies/."}, new String[] {"/proxies/..", "/proxies/.."});
            String[] path = junk.pick(paths);
            List<String> methods = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "BREW",
                    "PROPFIND", "get", "Post", "M-SEARCH", "X_Y");
            Set<String> allowed = routeMethods(path[1]);
            String method = junk.pick(methods);
            if (allowed != null && allowed.contains(method)) {
                method = junk.pick(List.of("PUT", "BREW", "get", "OPTIONS", "HEAD"));
                if (allowed.contains(method)) {
                    method = "PROPFIND";
                }
            }
            String target = path[0];
            boolean redirect = false;
            if (random.nextInt(5) == 0) {
                // Not canonical: gorilla/mux redirects to the cleaned path before it looks at the route.
                target = junk.pick(List.of("/" + target, target.replaceFirst("/", "/./"), "/x/.." + target, target + "/."));
                redirect = true;
            }
            redirect |= path[1].endsWith("/.") || path[1].endsWith("/..");
            List<String[]> headers = new ArrayList<>();
            headers.add(new String[] {"Host", "127.0.0.1:" + port});
            headers.add(new String[] {"Connection", "close"});
            if (random.nextInt(4) == 0) {
                headers.add(new String[] {"User-Agent", BROWSER}); // refused only once a route matched
            }
            Set<Integer> statuses = redirect ? Set.of(301) : Set.of(allowed == null ? 404 : 405);
            byte[] request = Wire.request(method + " " + target + " HTTP/1.1", headers, null);
            oneShot("route case " + method + " " + target, request, method.equals("HEAD"), false, statuses);
        }

        // ---- malformed HTTP ----

        private void malformedCase() {
            int dice = random.nextInt(26);
            String host = "Host: 127.0.0.1:" + port + "\r\n";
            String body = "{\"name\":\"mal\",\"upstream\":\"x:1\",\"enabled\":false}";
            switch (dice) {
                case 0 -> malformed("garbage request line", randomToken() + "\r\n\r\n", Set.of(400));
                case 1 -> malformed("bad version", "GET /version " + junk.pick(List.of("HTTP/x.y", "FOO", "HTTP/1", "HTTP/1.1.1"))
                        + "\r\n" + host + "\r\n", Set.of(400));
                case 2 -> malformed("control bytes", "\u0001\u0002\u0003 / HTTP/1.1\r\n\r\n", Set.of(400));
                case 3 -> oneShot("TLS hello", new byte[] {0x16, 0x03, 0x01, 0x00, (byte) 0xa5, 0x01, 0x00, 0x00, (byte) 0xa1, 0x03, 0x03,
                        '\r', '\n', '\r', '\n'}, false, false, Set.of(400), null, true);
                case 4 -> malformed("bad Content-Length", "POST /proxies HTTP/1.1\r\n" + host + "Content-Length: "
                        + junk.pick(List.of("abc", "-5", "0x10", "99999999999999999999999", "1 2", "")) + "\r\n\r\n" + body, Set.of(400));
                case 5 -> malformed("two Content-Lengths", "POST /proxies HTTP/1.1\r\n" + host + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
                        Set.of(400));
                case 6 -> oneShotText("huge Content-Length", "POST /proxies HTTP/1.1\r\n" + host + "Content-Length: 99999999999\r\n"
                        + (random.nextBoolean() ? "Connection: close\r\n" : "") + "\r\n{}", Set.of(413));
                case 7 -> malformed("chunked garbage", "POST /proxies HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n"
                        + junk.pick(List.of("zz\r\n{}\r\n0\r\n\r\n", "-1\r\n{}\r\n0\r\n\r\n", "2\r\n{}XX0\r\n\r\n",
                        "fffffffffffffffffff\r\n{}\r\n0\r\n\r\n")), Set.of(400));
                case 8 -> malformed("Transfer-Encoding and Content-Length", "POST /proxies HTTP/1.1\r\n" + host
                        + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n2\r\n{}\r\n0\r\n\r\n", Set.of(400));
                case 9 -> malformed("unknown Transfer-Encoding", "POST /proxies HTTP/1.1\r\n" + host + "Transfer-Encoding: "
                        + junk.pick(List.of("gzip", "identity", "chunked, gzip", "bogus")) + "\r\n\r\n" + body, Set.of(400));
                case 10 -> truncated(host, body);
                case 11 -> headerBomb(host);
                case 12 -> malformed("NUL in a header", "GET /version HTTP/1.1\r\n" + host + junk.pick(List.of("X-A: a\u0000b",
                        "X\u0000A: b", "User-Agent: \u0000")) + "\r\n\r\n", Set.of(400));
                case 13 -> oneShotText("control character in the target", "GET /proxies/" + junk.pick(List.of("a\u0000b", "a\u0001",
                        "\u007f", "a\u001bb")) + " HTTP/1.1\r\n" + host + "\r\n", Set.of(400));
                case 14 -> malformed("request line too long", "GET /proxies/" + "x".repeat(8200 + random.nextInt(5000))
                        + " HTTP/1.1\r\n" + host + "\r\n", Set.of(400));
                case 15 -> oneShotText("unknown Expect", "POST /proxies HTTP/1.1\r\n" + host + "Expect: " + junk.pick(List.of("bogus",
                        "200-ok", "100-continue-please")) + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body, Set.of(417));
                case 16 -> hugeBody(host);
                case 17 -> malformed("bare LF line ends", "GET /version HTTP/1.1\n" + host.replace("\r", "") + "\n", Set.of(400));
                case 18 -> oneShotText("bad percent escape", "GET /proxies/" + junk.pick(List.of("%zz", "%", "a%2", "%G0"))
                        + " HTTP/1.1\r\n" + host + "\r\n", Set.of(400));
                case 19 -> malformed("space in the target", "GET /proxies/a b HTTP/1.1\r\n" + host + "\r\n", Set.of(400));
                case 20 -> malformed("header without colon", "GET /version HTTP/1.1\r\n" + host + "Bad Header Line\r\n\r\n", Set.of(400));
                // Go serves any HTTP/1.x; other major versions are refused (Go: 505, chaosgate: 400, see the class comment).
                case 21 -> malformed("other HTTP version", "GET /version " + junk.pick(List.of("HTTP/2.0", "HTTP/0.9", "HTTP/3.0"))
                        + "\r\n" + host + "\r\n", Set.of(400));
                case 22 -> oneShot("only blank lines", "\r\n\r\n\r\n".getBytes(StandardCharsets.US_ASCII), false, true, Set.of());
                case 23 -> oneShotText("obsolete line folding", "GET /version HTTP/1.1\r\n" + host + "X-A: a\r\n b\r\n\r\n", Set.of(400, 200));
                case 24 -> oneShotText("many small headers", "GET /version HTTP/1.1\r\n" + host + "X-A: b\r\n".repeat(300) + "\r\n", Set.of(200));
                // RFC 9112 3.2 (and Go): an HTTP/1.1 request without Host is a 400.
                default -> oneShotText("missing Host", "GET /version HTTP/1.1\r\n\r\n", Set.of(400));
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

        /** A request cut short and half-closed: there is nothing complete to answer, so the connection just ends. */
        private void truncated(String host, String body) {
            String full = "POST /proxies HTTP/1.1\r\n" + host + "Content-Length: " + body.length() + "\r\n\r\n" + body;
            int cut = 1 + random.nextInt(full.length() - 1);
            oneShot("truncated request (" + cut + " of " + full.length() + " bytes)", full.substring(0, cut).getBytes(StandardCharsets.UTF_8),
                    false, true, Set.of());
        }

        private void headerBomb(String host) {
            StringBuilder request = new StringBuilder("GET /version HTTP/1.1\r\n").append(host);
            if (random.nextBoolean()) {
                int n = 300 + random.nextInt(3000);
                for (int i = 0; i < n; i++) {
                    request.append("X-H").append(i).append(": ").append("v".repeat(60)).append("\r\n");
                }
            } else {
                request.append("X-Big: ").append("v".repeat(17_000 + random.nextInt(100_000))).append("\r\n");
            }
            malformed("header bomb", request.append("\r\n").toString(), Set.of(400));
        }

        private void hugeBody(String host) {
            int size = (1 << 20) + 1 + random.nextInt(1 << 20);
            byte[] big = new byte[size];
            Arrays.fill(big, (byte) ' ');
            big[0] = '[';
            big[size - 1] = ']';
            boolean chunked = random.nextBoolean();
            boolean close = random.nextBoolean();
            String head = "POST /populate HTTP/1.1\r\n" + host + (close ? "Connection: close\r\n" : "")
                    + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + size + "\r\n") + "\r\n";
            byte[] request = Wire.concat(head.getBytes(StandardCharsets.US_ASCII), chunked ? Wire.chunked(big, size / 2) : big);
            oneShot("body over the limit (" + size + " bytes, " + (chunked ? "chunked" : "Content-Length")
                    + (close ? ", Connection: close" : "") + ")", request, false, false, Set.of(413));
        }

        /** A request whose HTTP framing is broken: a 400, then the server closes the connection. */
        private void malformed(String label, String request, Set<Integer> statuses) {
            oneShot(label, request.getBytes(StandardCharsets.UTF_8), false, false, statuses, null, true);
        }

        private void oneShotText(String label, String request, Set<Integer> statuses) {
            oneShot(label, request.getBytes(StandardCharsets.UTF_8), false, false, statuses);
        }

        private void oneShot(String label, byte[] request, boolean head, boolean shutdownOutput, Set<Integer> statuses) {
            // The only 2xx a malformed-request case can earn is GET /version's.
            oneShot(label, request, head, shutdownOutput, statuses, statuses.contains(200) ? Shape.VERSION : null);
        }

        /** A request on a connection of its own; empty {@code statuses}: no answer is expected. */
        private void oneShot(String label, byte[] request, boolean head, boolean shutdownOutput, Set<Integer> statuses, Shape shape) {
            oneShot(label, request, head, shutdownOutput, statuses, shape, false);
        }

        /** {@code framing}: the request's framing is broken, so after its 400 the server must close the connection. */
        private void oneShot(String label, byte[] request, boolean head, boolean shutdownOutput, Set<Integer> statuses, Shape shape,
                             boolean framing) {
            requests.incrementAndGet();
            String what = current + ": " + label + "\n" + new String(request, 0, Math.min(request.length, 400), StandardCharsets.ISO_8859_1);
            try (Wire.Conn conn = new Wire.Conn(port, TIMEOUT_MILLIS, watchdog)) {
                Wire.Reply reply = conn.exchange(request, head, shutdownOutput);
                count(reply);
                if (statuses.isEmpty()) {
                    violations.expect(reply.outcome() == Wire.Outcome.NO_ANSWER, "answer to a request the client cut short", what + "\n=> " + reply);
                    return;
                }
                if (!reply.answered()) {
                    violations.add("no answer", what + "\n=> " + reply);
                    return;
                }
                checkShape(reply, shape, head, what);
                violations.expect(statuses.contains(reply.status()), "unexpected status: " + label.replaceAll(" \\(.*", "") + " got "
                        + reply.status() + ", expected " + statuses, what + "\n=> " + reply);
                if (framing && reply.status() == 400) {
                    // The request's framing is lost, so the rest of the stream cannot be read: the server must close.
                    violations.expect(conn.closedByServer(500), "connection kept open after a malformed request", what);
                }
            } catch (IOException e) {
                violations.add("cannot connect", what + ": " + e);
            }
        }

        // ---- sending calls ----

        private void pipelined() {
            Call first = structuredCall();
            // The second is predicted after the first's answer is applied: it is read only then.
            List<Call> pending = new ArrayList<>(List.of(first));
            requests.addAndGet(2);
            String what = current + ": pipelined " + first.describe();
            Wire.Conn conn = keepAliveConn();
            if (conn == null) {
                return;
            }
            byte[] one = raw(first, Transport.KEEP_ALIVE, false);
            Call second = new Call("version", "GET", "/version", "/version", null, Set.of(200), Shape.VERSION, null);
            byte[] two = raw(second, Transport.KEEP_ALIVE, false);
            pending.add(second);
            Wire.Reply firstReply = conn.exchange(Wire.concat(one, two), false, false);
            count(firstReply);
            judge(first, firstReply, what, false);
            Wire.Reply secondReply = conn.read(false);
            count(secondReply);
            judge(second, secondReply, what + " (second request)", false);
            keepAliveDone(secondReply);
        }

        private void sendCall(Call call, Transport transport) {
            requests.incrementAndGet();
            boolean browser = transport != Transport.HTTP_CLIENT && random.nextInt(40) == 0;
            String what = current + ": " + call.describe() + " via " + transport + (browser ? " as a browser" : "");
            Wire.Reply reply;
            if (transport == Transport.HTTP_CLIENT) {
                reply = viaHttpClient(call);
            } else if (transport == Transport.KEEP_ALIVE) {
                Wire.Conn conn = keepAliveConn();
                if (conn == null) {
                    return;
                }
                reply = conn.exchange(raw(call, transport, browser), call.method().equals("HEAD"), false);
                keepAliveDone(reply);
            } else {
                try (Wire.Conn conn = new Wire.Conn(port, TIMEOUT_MILLIS, watchdog)) {
                    reply = conn.exchange(raw(call, transport, browser), false, false);
                } catch (IOException e) {
                    violations.add("cannot connect", what + ": " + e);
                    return;
                }
            }
            count(reply);
            judge(call, reply, what, browser);
        }

        private void judge(Call call, Wire.Reply reply, String what, boolean browser) {
            if (!reply.answered()) {
                violations.add("no answer", what + "\n=> " + reply);
                return;
            }
            checkShape(reply, browser ? null : call.shape(), call.method().equals("HEAD"), what);
            if (browser) {
                violations.expect(reply.status() == 403, "browser User-Agent not refused", what + "\n=> " + reply);
                return;
            }
            if (!call.statuses().contains(reply.status())) {
                violations.add("unexpected status: " + call.label() + " got " + reply.status() + ", expected " + call.statuses(),
                        what + "\n=> " + reply);
                // The model may be off now: take the server's word for the rest of the run.
                resyncAll();
                return;
            }
            if (reply.status() >= 400 && reply.status() < 500 && random.nextInt(20) == 0) {
                checkAgainstModel("after a refused request (" + what + ")");
            }
            if (call.apply() != null) {
                call.apply().accept(reply);
            }
        }

        private Wire.Reply viaHttpClient(Call call) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + call.path()))
                    .timeout(Duration.ofMillis(TIMEOUT_MILLIS))
                    .method(call.method(), call.body() == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(call.body()));
            String contentType = junk.pick(List.of("application/json", "application/x-www-form-urlencoded", "text/plain", ""));
            if (!contentType.isEmpty()) {
                request.header("Content-Type", contentType);
            }
            return Wire.send(http, request.build());
        }

        /** The bytes of {@code call} framed as {@code transport} says. */
        private byte[] raw(Call call, Transport transport, boolean browser) {
            List<String[]> headers = new ArrayList<>();
            String version = transport == Transport.HTTP_1_0 ? "HTTP/1.0" : "HTTP/1.1";
            if (transport != Transport.HTTP_1_0 || random.nextBoolean()) {
                headers.add(new String[] {"Host", "127.0.0.1:" + port});
            }
            String agent = browser ? BROWSER : junk.pick(USER_AGENTS);
            if (browser || random.nextInt(3) > 0) {
                headers.add(new String[] {"User-Agent", agent});
            }
            if (transport == Transport.HTTP_1_0 && random.nextBoolean()) {
                headers.add(new String[] {"Connection", "keep-alive"});
            }
            if (call.body() != null && random.nextBoolean()) {
                headers.add(new String[] {"Content-Type", junk.pick(List.of("application/json", "text/plain", "application/json; charset=utf-8"))});
            }
            byte[] body = call.body();
            if (transport == Transport.CHUNKED) {
                headers.add(new String[] {"Transfer-Encoding", "chunked"});
                body = Wire.chunked(body == null ? new byte[0] : body, body == null ? 0 : random.nextInt(body.length + 1));
            } else if (body != null || random.nextInt(4) == 0) {
                headers.add(new String[] {"Content-Length", Integer.toString(body == null ? 0 : body.length)});
            }
            if (transport == Transport.EXPECT_CONTINUE) {
                headers.add(new String[] {"Expect", "100-continue"});
            }
            String target = switch (transport) {
                case ABSOLUTE_FORM -> "http://127.0.0.1:" + port + call.path();
                case RAW_UTF8_PATH -> call.rawPath();
                default -> call.path();
            };
            return Wire.request(call.method() + " " + target + " " + version, headers, body);
        }

        private Wire.Conn keepAliveConn() {
            try {
                if (keepAlive == null || keepAlive.isClosed()) {
                    keepAlive = new Wire.Conn(port, TIMEOUT_MILLIS, watchdog);
                }
                return keepAlive;
            } catch (IOException e) {
                violations.add("cannot connect", current + ": " + e);
                return null;
            }
        }

        private void keepAliveDone(Wire.Reply reply) {
            if (!reply.answered() || "close".equalsIgnoreCase(reply.header("Connection"))) {
                keepAlive.close();
                keepAlive = null;
            }
        }

        void closeConnections() {
            if (keepAlive != null) {
                keepAlive.close();
                keepAlive = null;
            }
        }

        // ---- the oracle: shapes ----

        /**
         * Checks what any answer of the API must look like: a JSON error with the same status, one of
         * Toxiproxy's plain-text answers, or a 2xx body of {@code shape} (null: no 2xx expected).
         */
        private void checkShape(Wire.Reply reply, Shape shape, boolean head, String what) {
            int status = reply.status();
            String text = reply.text();
            String contentType = reply.header("Content-Type");
            String where = what + "\n=> " + reply;
            violations.expect(reply.headerCount("Content-Length") <= 1, "two Content-Length headers", where);
            if (head) {
                // No body to look at; the status is checked against the case's own expectation.
                violations.expect(status < 500, "HEAD answered with a 5xx", where);
                return;
            }
            if (status >= 200 && status < 300) {
                if (shape == null) {
                    violations.add("2xx to a request that cannot succeed", where);
                    return;
                }
                checkSuccess(reply, shape, where);
                return;
            }
            switch (status) {
                case 301 -> {
                    String location = reply.header("Location");
                    violations.expect(location != null && location.startsWith("/") && !location.contains("//") && !location.contains("/./")
                            && !location.contains("/../") && !location.endsWith("/.") && !location.endsWith("/.."),
                            "redirect not to a clean path", where);
                    violations.expect(reply.body().length == 0, "redirect with a body", where);
                }
                case 404 -> {
                    if (text.equals("404 page not found\n")) {
                        violations.expect("text/plain; charset=utf-8".equals(contentType), "404 text without its content type", where);
                        violations.expect(reply.header("X-Toxiproxy-Request-Id") == null, "unrouted 404 with a request id", where);
                    } else {
                        checkError(reply, where);
                    }
                }
                case 405, 417 -> {
                    violations.expect(reply.body().length == 0, status + " with a body", where);
                    violations.expect(contentType == null, status + " with a content type", where);
                }
                case 403 -> {
                    violations.expect(text.equals("User agent not allowed\n"), "403 other than the browser refusal", where);
                    violations.expect(reply.header("X-Toxiproxy-Request-Id") != null, "browser refusal without a request id", where);
                }
                case 500 -> {
                    checkError(reply, where);
                    String error = errorText(reply);
                    violations.expect(error != null && error.matches("(?s)(listen tcp( \\S+)?|address .*|lookup \\S+): .*"),
                            "500 other than a listen failure", where);
                }
                default -> {
                    if (status >= 400 && status < 500) {
                        checkError(reply, where);
                    } else {
                        violations.add("status outside 2xx, 301, 4xx and listen failures", where);
                    }
                }
            }
        }

        /** {@code {"error": "...", "status": N}\n} as text/plain (Go's http.Error), or populate's JSON with proxies. */
        private void checkError(Wire.Reply reply, String where) {
            JsonNode body = parse(reply.text());
            if (body == null || !body.isObject()) {
                violations.add("error body not JSON", where);
                return;
            }
            Set<String> fields = new HashSet<>();
            body.fieldNames().forEachRemaining(fields::add);
            boolean populate = fields.contains("proxies");
            Set<String> expected = populate ? Set.of("error", "status", "proxies") : Set.of("error", "status");
            violations.expect(fields.equals(expected), "error body fields", where);
            violations.expect(body.path("error").isTextual() && !body.path("error").asText().isBlank(), "error message missing", where);
            violations.expect(body.path("status").isInt() && body.path("status").asInt() == reply.status(), "error status differs from HTTP status", where);
            if (populate) {
                violations.expect("application/json".equals(reply.header("Content-Type")), "populate error content type", where);
                violations.expect(body.path("proxies").isNull() || body.path("proxies").isArray(), "populate error proxies", where);
            } else {
                violations.expect("text/plain; charset=utf-8".equals(reply.header("Content-Type")), "error content type", where);
                violations.expect(reply.text().endsWith("}\n"), "error body without Go's trailing newline", where);
            }
        }

        private void checkSuccess(Wire.Reply reply, Shape shape, String where) {
            if (shape == Shape.EMPTY) {
                violations.expect(reply.status() == 204 && reply.body().length == 0 && reply.header("Content-Type") == null,
                        "204 with a body or content type", where);
                return;
            }
            if (shape == Shape.VERSION) {
                violations.expect(reply.text().equals("{\"version\": \"2.12.0\"}\n"), "version body", where);
                return;
            }
            violations.expect("application/json".equals(reply.header("Content-Type")), "success content type", where);
            JsonNode body = parse(reply.text());
            if (body == null) {
                violations.add("success body not JSON", where);
                return;
            }
            switch (shape) {
                case PROXY -> checkProxy(body, where);
                case TOXIC -> checkToxic(body, where);
                case TOXICS -> {
                    violations.expect(body.isArray(), "toxics not an array", where);
                    body.forEach(t -> checkToxic(t, where));
                }
                case PROXIES -> {
                    violations.expect(body.isObject(), "proxies not an object", where);
                    body.fields().forEachRemaining(e -> {
                        checkProxy(e.getValue(), where);
                        violations.expect(e.getKey().equals(e.getValue().path("name").asText()), "proxy listed under another name", where);
                    });
                }
                case POPULATE -> {
                    List<String> fields = new ArrayList<>();
                    body.fieldNames().forEachRemaining(fields::add);
                    violations.expect(fields.equals(List.of("proxies")), "populate fields", where);
                    violations.expect(body.path("proxies").isNull() || body.path("proxies").isArray(), "populate proxies", where);
                    body.path("proxies").forEach(p -> checkProxy(p, where));
                }
                default -> throw new IllegalStateException(shape.name());
            }
        }

        private void checkProxy(JsonNode proxy, String where) {
            List<String> fields = new ArrayList<>();
            proxy.fieldNames().forEachRemaining(fields::add);
            fields.remove("Logger");
            violations.expect(fields.equals(List.of("name", "listen", "upstream", "enabled", "toxics")), "proxy fields", where);
            violations.expect(proxy.path("name").isTextual() && !proxy.path("name").asText().isEmpty() && proxy.path("listen").isTextual()
                    && proxy.path("upstream").isTextual() && proxy.path("enabled").isBoolean() && proxy.path("toxics").isArray(),
                    "proxy field types", where);
            if (proxy.path("enabled").asBoolean()) {
                violations.expect(proxy.path("listen").asText().matches("127\\.0\\.0\\.1:\\d+"), "enabled proxy not on a loopback port", where);
                int bound = Addr.parse(proxy.path("listen").asText()).port();
                violations.expect(bound > 0, "enabled proxy on port 0", where);
                proxyPorts.add(bound);
            }
            Set<String> names = new HashSet<>();
            for (JsonNode toxic : proxy.path("toxics")) {
                checkToxic(toxic, where);
                violations.expect(names.add(toxic.path("name").asText()), "two toxics with one name", where);
            }
        }

        private void checkToxic(JsonNode toxic, String where) {
            List<String> fields = new ArrayList<>();
            toxic.fieldNames().forEachRemaining(fields::add);
            violations.expect(fields.equals(List.of("attributes", "name", "type", "stream", "toxicity")), "toxic fields", where);
            violations.expect(toxic.path("attributes").isObject() && toxic.path("name").isTextual() && toxic.path("type").isTextual()
                    && toxic.path("stream").isTextual() && toxic.path("toxicity").isNumber(), "toxic field types", where);
            double toxicity = toxic.path("toxicity").asDouble(-1);
            violations.expect(toxicity >= 0 && toxicity <= 1, "toxicity outside 0..1", where);
            toxic.path("attributes").forEach(a -> violations.expect(a.isIntegralNumber() && a.asLong() >= 0, "attribute not a whole number >= 0", where));
            String stream = toxic.path("stream").asText();
            violations.expect(stream.equalsIgnoreCase("upstream") || stream.equalsIgnoreCase("downstream"), "toxic stream", where);
        }

        // ---- the oracle: state ----

        private void remember(ModelProxy proxy) {
            model.put(proxy.name, proxy);
        }

        private void compareProxy(ModelProxy expected, ModelProxy actual, String where) {
            if (expected == null) {
                violations.add("proxy exists that the model does not know", where + ": " + actual.describe());
                return;
            }
            boolean same = expected.listen.equals(actual.listen) && expected.upstream.equals(actual.upstream)
                    && expected.enabled == actual.enabled && expected.toxics.equals(actual.toxics);
            violations.expect(same, "proxy differs from what the last answers said", where + ": expected " + expected.describe()
                    + ", got " + actual.describe());
        }

        private void compareListing(Wire.Reply reply) {
            Map<String, ModelProxy> listed = new TreeMap<>();
            json(reply).fields().forEachRemaining(e -> listed.put(e.getKey(), ModelProxy.of(e.getValue())));
            violations.expect(listed.keySet().equals(model.keySet()), "GET /proxies lists other proxies than the answers said",
                    current + ": listed " + listed.keySet() + ", model " + model.keySet());
            listed.forEach((name, proxy) -> compareProxy(model.get(name), proxy, "GET /proxies"));
            model.clear();
            model.putAll(listed);
        }

        /** GET /proxies against the model, and every proxy's port against its {@code enabled}. */
        void checkAgainstModel(String when) {
            Wire.Reply reply = check("GET", "/proxies");
            if (reply == null) {
                return;
            }
            String saved = current;
            current = when;
            compareListing(reply);
            current = saved;
            checkPorts(model.values(), when);
        }

        private void checkPorts(Iterable<ModelProxy> proxies, String when) {
            ListeningPorts listening = ListeningPorts.now();
            Set<Integer> enabledPorts = new HashSet<>();
            for (ModelProxy p : proxies) {
                if (p.enabled) {
                    violations.expect(enabledPorts.add(p.port()), "two enabled proxies on one port", when + ": " + p.describe());
                    violations.expect(ListeningPorts.isListening(listening, p.port()), "enabled proxy not listening", when + ": " + p.describe());
                }
            }
            for (ModelProxy p : proxies) {
                Addr addr = p.enabled || p.listen.isEmpty() ? null : Addr.parse(p.listen);
                if (addr != null && !addr.malformed() && addr.port() > 0 && addr.port() != takenPort && !enabledPorts.contains(addr.port())) {
                    violations.expect(!ListeningPorts.isListening(listening, addr.port()), "disabled proxy still listening", when + ": " + p.describe());
                }
            }
        }

        private void resync(String name) {
            Wire.Reply reply = check("GET", "/proxies/" + encode(name, false));
            if (reply != null && reply.status() == 200) {
                remember(ModelProxy.of(json(reply)));
            } else if (reply != null && reply.status() == 404) {
                model.remove(name);
            }
        }

        private void resyncAll() {
            Wire.Reply reply = check("GET", "/proxies");
            if (reply != null && reply.status() == 200) {
                model.clear();
                json(reply).fields().forEachRemaining(e -> model.put(e.getKey(), ModelProxy.of(e.getValue())));
            }
        }

        /** A request of the checks themselves (not counted as fuzz), on its own connection. */
        private Wire.Reply check(String method, String path) {
            return check(method, path, null);
        }

        private Wire.Reply check(String method, String path, byte[] body) {
            checks.incrementAndGet();
            List<String[]> headers = new ArrayList<>();
            headers.add(new String[] {"Host", "127.0.0.1:" + port});
            headers.add(new String[] {"Connection", "close"});
            if (body != null) {
                headers.add(new String[] {"Content-Length", Integer.toString(body.length)});
            }
            try (Wire.Conn conn = new Wire.Conn(port, TIMEOUT_MILLIS, watchdog)) {
                Wire.Reply reply = conn.exchange(Wire.request(method + " " + path + " HTTP/1.1", headers, body), false, false);
                if (!reply.answered()) {
                    violations.add("no answer to a check", method + " " + path + " => " + reply);
                    return null;
                }
                return reply;
            } catch (IOException e) {
                violations.add("server gone", method + " " + path + ": " + e);
                return null;
            }
        }

        /** Deletes every proxy (the ones no URL can reach are replaced by disabled ones), then checks their ports are free. */
        void deleteEverything(String when) {
            Wire.Reply version = check("GET", "/version");
            violations.expect(version != null && version.status() == 200 && version.text().equals("{\"version\": \"2.12.0\"}\n"),
                    "API not alive", when);
            resyncAll();
            Set<Integer> ports = new HashSet<>(proxyPorts);
            model.values().forEach(p -> {
                if (p.enabled) {
                    ports.add(p.port());
                }
            });
            List<String> kept = new ArrayList<>();
            for (String name : new ArrayList<>(model.keySet())) {
                if (addressable(name)) {
                    Wire.Reply reply = check("DELETE", "/proxies/" + encode(name, false));
                    violations.expect(reply != null && reply.status() == 204, "cannot delete a listed proxy", when + ": " + name + " => " + reply);
                } else {
                    String spec = "[{\"name\":" + JsonJunk.quote(name) + ",\"listen\":\"127.0.0.1:0\",\"upstream\":\"127.0.0.1:1\",\"enabled\":false}]";
                    Wire.Reply reply = check("POST", "/populate", spec.getBytes(StandardCharsets.UTF_8));
                    violations.expect(reply != null && reply.status() == 201, "cannot disable an unaddressable proxy", when + ": " + name + " => " + reply);
                    kept.add(name);
                }
            }
            resyncAll();
            violations.expect(new HashSet<>(model.keySet()).equals(new HashSet<>(kept)), "proxies left after deleting everything",
                    when + ": " + model.keySet() + ", kept " + kept);
            violations.expect(model.values().stream().noneMatch(p -> p.enabled), "proxy still enabled after deleting everything", when);
            ListeningPorts listening = ListeningPorts.now();
            List<Integer> busy = ports.stream().filter(p -> p != takenPort && ListeningPorts.isListening(listening, p)).sorted().toList();
            violations.expect(busy.isEmpty(), "ports still bound after every proxy was deleted", when + ": " + busy);
            portsCheckedFree.addAndGet(ports.size());
            proxyPorts.clear();
        }

        // ---- phase 2: races ----

        void races(int count) throws Exception {
            int freePort;
            try (ServerSocket probe = bindLoopback(0)) {
                freePort = probe.getLocalPort();
            }
            List<String> names = List.of("race-a", "race-b", "race-c");
            ExecutorService threads = Executors.newFixedThreadPool(RACE_THREADS, daemon("fuzz-race"));
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < RACE_THREADS; t++) {
                    long seed = random.nextLong();
                    int share = count / RACE_THREADS + (t < count % RACE_THREADS ? 1 : 0);
                    done.add(threads.submit(() -> race(new Random(seed), share, names, freePort)));
                }
                for (Future<?> f : done) {
                    f.get(120, TimeUnit.SECONDS);
                }
            } finally {
                threads.shutdownNow();
                threads.awaitTermination(10, TimeUnit.SECONDS);
            }
        }

        /** One racer: random operations on a few shared names; each answer is checked against what any interleaving allows. */
        private Void race(Random r, int count, List<String> names, int freePort) throws IOException {
            Wire.Conn conn = null;
            try {
                for (int i = 0; i < count; i++) {
                    String name = names.get(r.nextInt(names.size()));
                    String p = "/proxies/" + name;
                    String listen = r.nextInt(3) == 0 ? "127.0.0.1:" + freePort : "127.0.0.1:0";
                    String toxic = "t" + r.nextInt(3);
                    String method;
                    String path;
                    String body = null;
                    Set<Integer> statuses;
                    Shape shape;
                    switch (r.nextInt(12)) {
                        case 0, 1 -> {
                            method = "POST";
                            path = "/proxies";
                            body = "{\"name\":\"" + name + "\",\"listen\":\"" + listen + "\",\"upstream\":\"127.0.0.1:9\",\"enabled\":"
                                    + (r.nextInt(4) > 0) + "}";
                            statuses = Set.of(201, 409, 500);
                            shape = Shape.PROXY;
                        }
                        case 2, 3 -> {
                            method = "DELETE";
                            path = p;
                            statuses = Set.of(204, 404);
                            shape = Shape.EMPTY;
                        }
                        case 4 -> {
                            method = r.nextBoolean() ? "POST" : "PATCH";
                            path = p;
                            body = "{\"enabled\":" + r.nextBoolean() + (r.nextBoolean() ? ",\"listen\":\"" + listen + "\"" : "") + "}";
                            statuses = Set.of(200, 404, 500);
                            shape = Shape.PROXY;
                        }
                        case 5 -> {
                            method = "GET";
                            path = r.nextBoolean() ? p : "/proxies";
                            statuses = path.equals(p) ? Set.of(200, 404) : Set.of(200);
                            shape = path.equals(p) ? Shape.PROXY : Shape.PROXIES;
                        }
                        case 6, 7 -> {
                            method = "POST";
                            path = p + "/toxics";
                            body = "{\"name\":\"" + toxic + "\",\"type\":\"" + List.of("latency", "noop", "bandwidth", "timeout").get(r.nextInt(4))
                                    + "\",\"stream\":\"" + (r.nextBoolean() ? "upstream" : "downstream") + "\"}";
                            statuses = Set.of(200, 404, 409);
                            shape = Shape.TOXIC;
                        }
                        case 8 -> {
                            method = "DELETE";
                            path = p + "/toxics/" + toxic;
                            statuses = Set.of(204, 404);
                            shape = Shape.EMPTY;
                        }
                        case 9 -> {
                            method = "PATCH";
                            path = p + "/toxics/" + toxic;
                            body = "{\"toxicity\":" + r.nextInt(2) + "}";
                            statuses = Set.of(200, 404);
                            shape = Shape.TOXIC;
                        }
                        case 10 -> {
                            method = "POST";
                            path = "/populate";
                            body = "[{\"name\":\"" + name + "\",\"listen\":\"" + listen + "\",\"upstream\":\"127.0.0.1:" + (9 + r.nextInt(2)) + "\"}]";
                            statuses = Set.of(201, 500);
                            shape = Shape.POPULATE;
                        }
                        default -> {
                            method = "POST";
                            path = "/reset";
                            statuses = Set.of(204, 500);
                            shape = Shape.EMPTY;
                        }
                    }
                    requests.incrementAndGet();
                    if (conn == null || conn.isClosed()) {
                        conn = new Wire.Conn(port, TIMEOUT_MILLIS, watchdog);
                    }
                    byte[] bytes = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
                    List<String[]> headers = new ArrayList<>();
                    headers.add(new String[] {"Host", "127.0.0.1:" + port});
                    if (bytes != null) {
                        headers.add(new String[] {"Content-Length", Integer.toString(bytes.length)});
                    }
                    String what = "race: " + method + " " + path + (body == null ? "" : " " + body);
                    Wire.Reply reply = conn.exchange(Wire.request(method + " " + path + " HTTP/1.1", headers, bytes), false, false);
                    count(reply);
                    if (!reply.answered()) {
                        violations.add("no answer", what + "\n=> " + reply);
                        conn.close();
                        continue;
                    }
                    checkShape(reply, shape, false, what);
                    violations.expect(statuses.contains(reply.status()), "unexpected status in a race", what + "\n=> " + reply + " (expected " + statuses + ")");
                    if (reply.status() == 500) {
                        violations.expect(String.valueOf(errorText(reply)).endsWith("bind: address already in use"),
                                "500 in a race other than a port clash", what + "\n=> " + reply);
                    }
                }
            } finally {
                if (conn != null) {
                    conn.close();
                }
            }
            return null;
        }

        /** After the races: the listing and each proxy agree, enabled ones listen, disabled ones do not. */
        void checkAfterRaces() {
            Wire.Reply reply = check("GET", "/proxies");
            if (reply == null) {
                return;
            }
            checkShape(reply, Shape.PROXIES, false, "GET /proxies after the races");
            Map<String, JsonNode> listed = new TreeMap<>();
            json(reply).fields().forEachRemaining(e -> listed.put(e.getKey(), e.getValue()));
            for (String name : List.of("race-a", "race-b", "race-c")) {
                Wire.Reply one = check("GET", "/proxies/" + name);
                if (one == null) {
                    continue;
                }
                if (listed.containsKey(name)) {
                    violations.expect(one.status() == 200 && listed.get(name).equals(parse(one.text())),
                            "a proxy reads differently alone and in the listing", name + ": " + one + " vs " + listed.get(name));
                } else {
                    violations.expect(one.status() == 404, "a proxy missing from the listing answers", name + ": " + one);
                }
            }
            model.clear();
            listed.forEach((k, v) -> model.put(k, ModelProxy.of(v)));
            checkPorts(model.values(), "after the races");
        }

        // ---- helpers ----

        private void count(Wire.Reply reply) {
            statusCounts.count(reply);
        }

        private static JsonNode parse(String text) {
            try {
                return JSON.readTree(text);
            } catch (IOException e) {
                return null;
            }
        }

        private static JsonNode json(Wire.Reply reply) {
            JsonNode node = parse(reply.text());
            return node == null ? JSON.createObjectNode() : node;
        }

        private static String errorText(Wire.Reply reply) {
            JsonNode node = parse(reply.text());
            return node == null || !node.path("error").isTextual() ? null : node.path("error").asText();
        }

        private static byte[] bytes(String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }

        /** The proxy's toxics a URL can name. */
        private static List<String> toxicNames(ModelProxy proxy) {
            return proxy.toxics.keySet().stream().filter(Fuzzer::addressable).toList();
        }

        /** Whether a URL can name the proxy: no slash, not a dot segment, and short enough for the request line. */
        static boolean addressable(String name) {
            return !name.contains("/") && !name.equals(".") && !name.equals("..") && encode(name, false).length() < 7000;
        }

        /**
         * A path segment percent-encoded (all but unreserved characters), or with non-ASCII left as
         * raw UTF-8 ({@code rawUtf8}), which the API also reads.
         */
        static String encode(String segment, boolean rawUtf8) {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < segment.length(); ) {
                int cp = segment.codePointAt(i);
                i += Character.charCount(cp);
                if (cp < 0x80 && (Character.isLetterOrDigit(cp) || "-._~".indexOf(cp) >= 0)) {
                    out.append((char) cp);
                } else if (cp >= 0x80 && rawUtf8) {
                    out.appendCodePoint(cp);
                } else {
                    for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                        out.append('%').append(String.format("%02X", b & 0xFF));
                    }
                }
            }
            return out.toString();
        }
    }

    // ---- sockets and threads ----

    static ServerSocket bindLoopback(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.bind(new InetSocketAddress("127.0.0.1", port));
        return socket;
    }

    static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

}
