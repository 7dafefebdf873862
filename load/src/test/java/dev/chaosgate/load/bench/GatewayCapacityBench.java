package dev.chaosgate.load.bench;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.gateway.ChaosGatewayBuilder;
import dev.chaosgate.upstream.Faults;
import dev.chaosgate.upstream.StreamPacing;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * How much load the chaosgate gateway (link + fake upstream) sustains on this machine, against
 * plain WireMock serving the same chat completion, measured in the same run so the figures are
 * ratios: closed-loop requests per second over kept-alive connections, p50 and p99 latency, for
 * the gateway as built by default and as set up for load ({@link #LOAD_JOURNAL} journal entries),
 * answering normally and serving canned 502 pages, and (to tell the link's share from the
 * upstream's) the fake upstream alone, and once more answering through WireMock's whole request pipeline
 * ({@code -Dchaosgate.upstream.wireMockPipeline=true}), as the upstream did before it answered beside it. Then the latency one client meets when nothing queues: one
 * connection, plain WireMock against the gateway. Run {@code scripts/bench-gateway} from the
 * repository root; arguments: {@code [connections] [seconds per round] [rounds] [forks]} (default 16, 5, 3
 * and 3).
 *
 * <p>Each fork is a fresh JVM that measures every target, and the summary is the median of the forks'
 * ratios: on two cores under full load the JIT needs 30 to 60 s to settle, and two JVMs running the same
 * code settle at throughputs up to a quarter apart (what they compiled, and how, differs), so one JVM's
 * ratio says as much about its compiler's choices as about the code.
 */
public final class GatewayCapacityBench {
    private static final PrintStream OUT = System.out;
    private static final String PATH = "/v1/chat/completions";
    private static final String BODY = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\","
            + "\"content\":\"Where is my order?\"}]}";
    private static final int DEFAULT_CONNECTIONS = 16;
    private static final int DEFAULT_SECONDS = 5;
    private static final int DEFAULT_ROUNDS = 3;
    private static final int DEFAULT_FORKS = 3;
    /** One warm-up turn per target; turns repeat until the JIT goes quiet. */
    private static final Duration WARM_UP_TURN = Duration.ofSeconds(2);
    /** At most this long warming up, should the compiler never go quiet. */
    private static final Duration WARM_UP_LIMIT = Duration.ofSeconds(100);
    /** A cycle of turns that compiled for less than this per target counts as quiet. */
    private static final long QUIET_COMPILE_MILLIS_PER_TARGET = 40;
    /** Set on the JVMs the summary forks. */
    private static final String FORKED = "bench.forked";
    /** Marks the lines a fork prints for the summary. */
    private static final String FORK_RESULT = "fork-result\t";
    /** Headers the server writes from how it sends the body, not from the answer. */
    private static final Set<String> FRAMING = Set.of("transfer-encoding", "content-length", "connection");
    /** The journal bound the load simulations use. */
    static final int LOAD_JOURNAL = 2_000;

    private GatewayCapacityBench() {
    }

    public static void main(String[] args) throws Exception {
        int forks = args.length > 3 ? Integer.parseInt(args[3]) : DEFAULT_FORKS;
        if (forks > 1) {
            forkAndSummarise(args, forks);
            return;
        }
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_CONNECTIONS;
        Duration round = Duration.ofSeconds(args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_SECONDS);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : DEFAULT_ROUNDS;
        OUT.printf("chaosgate gateway capacity: %d cores, java %s, %d kept-alive connections, %d rounds of %d s (median)%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), connections, rounds,
                round.toSeconds());
        try (ChaosGateway byDefault = ChaosGateway.builder().seed(1).pacing(StreamPacing.immediate()).start();
             ChaosGateway answering = forLoad().start();
             ChaosGateway failing = forLoad().start();
             ChaosGateway pipelined = throughWireMocksPipeline()) {
            failing.serve(Faults.badGateway());
            WireMockServer plain = plainWireMock(answerOf(answering));
            OUT.printf("one answer, status line and headers included: plain WireMock %d bytes, the gateway %d bytes%n",
                    answerBytes(plain.port()), answerBytes(port(answering)));
            try {
                Map<String, ClosedLoop> targets = new LinkedHashMap<>();
                targets.put("plain WireMock, 200", new ClosedLoop(plain.port(), PATH, BODY, 200, connections));
                targets.put("gateway (default), 200", new ClosedLoop(port(byDefault), PATH, BODY, 200, connections));
                targets.put("gateway (load), 200", new ClosedLoop(port(answering), PATH, BODY, 200, connections));
                targets.put("gateway (load), 502", new ClosedLoop(port(failing), PATH, BODY, 502, connections));
                targets.put("gateway (load), pipeline, 200", new ClosedLoop(port(pipelined), PATH, BODY, 200, connections));
                targets.put("upstream alone (load), 200", new ClosedLoop(answering.upstream().port(), PATH, BODY, 200, connections));
                OUT.printf("%nthroughput, %d connections:%n", connections);
                measure("throughput", targets, round, rounds);
                Map<String, ClosedLoop> alone = new LinkedHashMap<>();
                alone.put("plain WireMock, 200", new ClosedLoop(plain.port(), PATH, BODY, 200, 1));
                alone.put("gateway (load), 200", new ClosedLoop(port(answering), PATH, BODY, 200, 1));
                alone.put("gateway (load), 502", new ClosedLoop(port(failing), PATH, BODY, 502, 1));
                OUT.printf("%nlatency, 1 connection:%n");
                measure("latency", alone, round, rounds);
            } finally {
                plain.stop();
            }
            OUT.printf("journal: the default gateway kept %d entries (dropped %d), the load one %d (dropped %d);"
                    + " listeners heard every request%n", byDefault.journal().size(), byDefault.journal().dropped(),
                    answering.journal().size(), answering.journal().dropped());
        }
    }

    /**
     * Runs each fork in its own JVM, one after the other (they would compete for the cores), echoing its
     * tables, then prints each target's median ratio to plain WireMock over the forks.
     */
    private static void forkAndSummarise(String[] args, int forks) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Map<String, List<double[]>> byTarget = new LinkedHashMap<>();
        for (int fork = 1; fork <= forks; fork++) {
            List<String> command = new ArrayList<>(List.of(java));
            command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
            command.addAll(List.of("-D" + FORKED + "=true", "-cp", System.getProperty("java.class.path"),
                    GatewayCapacityBench.class.getName()));
            int[] defaults = {DEFAULT_CONNECTIONS, DEFAULT_SECONDS, DEFAULT_ROUNDS};
            for (int i = 0; i < defaults.length; i++) {
                command.add(args.length > i ? args[i] : String.valueOf(defaults[i]));
            }
            command.add("1"); // the fork measures in its own JVM
            OUT.printf("%n== fork %d of %d ==%n", fork, forks);
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith(FORK_RESULT)) {
                        String[] fields = line.split("\t");
                        byTarget.computeIfAbsent(fields[1], k -> new ArrayList<>())
                                .add(new double[] {Double.parseDouble(fields[2]), Double.parseDouble(fields[3])});
                    } else {
                        OUT.println(line);
                    }
                }
            }
            if (process.waitFor() != 0) {
                // Its own output, above, says why.
                System.err.printf("fork %d of %d failed (exit code %d); no summary%n", fork, forks, process.exitValue());
                System.exit(1);
            }
        }
        OUT.printf("%nsummary over %d forks (each a fresh JVM): the median fork's ratio to plain WireMock in its own run%n",
                forks);
        OUT.printf("%-42s %10s %10s %16s%n", "target", "req/s", "vs plain", "forks vs plain");
        for (Map.Entry<String, List<double[]>> entry : byTarget.entrySet()) {
            double[] ratios = entry.getValue().stream().mapToDouble(r -> r[0]).sorted().toArray();
            double[] rps = entry.getValue().stream().mapToDouble(r -> r[1]).sorted().toArray();
            OUT.printf("%-42s %10.0f %10.2f %10.2f–%.2f%n", entry.getKey(), rps[rps.length / 2], ratios[ratios.length / 2],
                    ratios[0], ratios[ratios.length - 1]);
        }
    }

    /**
     * Warms the targets up in turns until a whole cycle leaves the JIT almost idle: measured rounds taken while
     * the compiler still works measure the compiler.
     */
    private static void warmUp(Map<String, ClosedLoop> targets) throws Exception {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long start = System.nanoTime();
        long quiet = QUIET_COMPILE_MILLIS_PER_TARGET * targets.size();
        int quietCycles = 0;
        long compiled = -1;
        while (quietCycles < 2 && System.nanoTime() - start < WARM_UP_LIMIT.toNanos()) {
            long before = jit.getTotalCompilationTime();
            for (ClosedLoop target : targets.values()) {
                target.run(WARM_UP_TURN);
            }
            compiled = jit.getTotalCompilationTime() - before;
            quietCycles = compiled < quiet ? quietCycles + 1 : 0;
        }
        OUT.printf("warmed up for %d s (the JIT compiled for %d ms in the last cycle%s)%n",
                Duration.ofNanos(System.nanoTime() - start).toSeconds(), compiled,
                quietCycles < 2 ? ", not quiet for two cycles in a row within the limit: read the figures with care" : "");
    }

    private static void measure(String section, Map<String, ClosedLoop> targets, Duration round, int rounds)
            throws Exception {
        warmUp(targets);
        Map<String, List<ClosedLoop.Result>> results = new LinkedHashMap<>();
        for (int i = 0; i < rounds; i++) {
            // Rounds alternate the targets, so each meets the same machine noise.
            for (Map.Entry<String, ClosedLoop> target : targets.entrySet()) {
                results.computeIfAbsent(target.getKey(), k -> new ArrayList<>()).add(target.getValue().run(round));
            }
        }
        List<ClosedLoop.Result> plainRounds = results.get("plain WireMock, 200");
        ClosedLoop.Result plain = median(plainRounds);
        OUT.printf("%-30s %10s %10s %10s %10s %12s %14s%n", "target", "req/s", "p50 µs", "p99 µs", "vs plain", "added p99",
                "rounds vs plain");
        for (Map.Entry<String, List<ClosedLoop.Result>> entry : results.entrySet()) {
            ClosedLoop.Result result = median(entry.getValue());
            // Each round's ratio to plain WireMock in the same round: how far the machine's noise moves it.
            double low = Double.MAX_VALUE;
            double high = 0;
            for (int i = 0; i < entry.getValue().size(); i++) {
                double ratio = entry.getValue().get(i).rps() / plainRounds.get(i).rps();
                low = Math.min(low, ratio);
                high = Math.max(high, ratio);
            }
            OUT.printf("%-30s %10.0f %10.0f %10.0f %10.2f %9.0f µs %8.2f–%.2f%n", entry.getKey(), result.rps(),
                    result.p50Micros(), result.p99Micros(), result.rps() / plain.rps(), result.p99Micros() - plain.p99Micros(),
                    low, high);
            if (Boolean.getBoolean(FORKED)) {
                OUT.printf("%s%s, %s\t%f\t%f%n", FORK_RESULT, section, entry.getKey(), result.rps() / plain.rps(),
                        result.rps());
            }
        }
    }

    /** The gateway as the load simulations build it. */
    private static ChaosGatewayBuilder forLoad() {
        return ChaosGateway.builder().seed(1).pacing(StreamPacing.immediate()).journalCapacity(LOAD_JOURNAL);
    }

    /**
     * The gateway as for load, answering through WireMock's whole request pipeline, as it did before the upstream
     * answered beside it: the same answers, to show what the pipeline costs in the same run.
     */
    private static ChaosGateway throughWireMocksPipeline() {
        String property = "chaosgate.upstream.wireMockPipeline";
        System.setProperty(property, "true");
        try {
            return forLoad().start();
        } finally {
            System.clearProperty(property);
        }
    }

    /** The round with the median throughput. */
    private static ClosedLoop.Result median(List<ClosedLoop.Result> rounds) {
        ClosedLoop.Result[] sorted = rounds.toArray(ClosedLoop.Result[]::new);
        Arrays.sort(sorted, (a, b) -> Double.compare(a.rps(), b.rps()));
        return sorted[sorted.length / 2];
    }

    /** WireMock as a load test would run it, answering the gateway's own chat completion. */
    private static WireMockServer plainWireMock(ResponseDefinitionBuilder answer) {
        WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().disableRequestJournal());
        server.start();
        server.stubFor(post(urlPathEqualTo(PATH)).willReturn(answer));
        return server;
    }

    /**
     * The chat completion the gateway answers, status, headers and body, for plain WireMock to serve the same bytes:
     * a real API's answer carries a dozen and a half headers (request id, rate limits, Cloudflare's), which the
     * servers must write too. Framing headers are left to WireMock's Jetty, as the gateway's are to its own.
     */
    static ResponseDefinitionBuilder answerOf(ChaosGateway gateway) {
        try {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(gateway.baseUrl() + "/chat/completions")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofString());
            ResponseDefinitionBuilder same = aResponse().withStatus(answer.statusCode()).withBody(answer.body());
            answer.headers().map().forEach((name, values) -> {
                if (!FRAMING.contains(name.toLowerCase(Locale.ROOT))) {
                    same.withHeader(name, values.toArray(String[]::new));
                }
            });
            return same;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("the gateway did not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The size of one whole answer of the server on {@code port}, status line and headers included. */
    private static int answerBytes(int port) throws java.io.IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(("POST " + PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json"
                    + "\r\nConnection: close\r\nContent-Length: " + BODY.length() + "\r\n\r\n" + BODY)
                    .getBytes(StandardCharsets.UTF_8));
            return socket.getInputStream().readAllBytes().length;
        }
    }

    private static int port(ChaosGateway gateway) {
        return URI.create(gateway.baseUrl()).getPort();
    }
}
