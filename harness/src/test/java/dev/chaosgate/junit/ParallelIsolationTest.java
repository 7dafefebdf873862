package dev.chaosgate.junit;

import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.gateway.ChaosGatewayBuilder;
import dev.chaosgate.reliability.ProcessResources;
import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.upstream.Faults;
import dev.chaosgate.upstream.StreamPacing;
import dev.chaosgate.upstream.UpstreamExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static dev.chaosgate.junit.ChaosTestKit.failures;
import static dev.chaosgate.junit.ChaosTestKit.refuses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Issue 9, item 4: many {@code @ChaosTest} classes at once under JUnit's parallel execution (classes
 * and methods concurrent, {@value #PARALLELISM} threads) share nothing. Sixteen fixture classes play
 * different scenarios in every way of getting a gateway (per test, per invocation of a
 * {@code @ScenarioSource} or {@code @RepeatedTest}, {@code PER_CLASS} instances, {@code @Nested},
 * constructor and lifecycle-method injection, a class-wide gateway in a static field); each asserts
 * its own gateway's timeline exactly. Six of them meet at a barrier twice so that a calm gateway
 * answers 200s at the very moment others serve 502s, 500s, 503s and injected 429s.
 *
 * <p>After the engine run: every test passed, no gateway served two owners, gateways alive at the
 * same time had no port in common, every port is closed again, and the process holds no more
 * sockets and no more chaosgate, Jetty ({@code qtp}) or Netty threads than before.
 */
class ParallelIsolationTest {
    static final int PARALLELISM = 8;
    /** Tests that run their requests at the same moment, met at {@link #OVERLAP}; below {@link #PARALLELISM} so others progress too. */
    static final int OVERLAPPING = 6;
    static final CyclicBarrier OVERLAP = new CyclicBarrier(OVERLAPPING);
    static final String CALM = "src/test/resources/isolation/calm.yaml";
    static final String OWN_FILE = ChaosExtensionLifecycleTest.OWN_FILE;
    static final String BROWNOUT = "brownout-30-percent";
    static final long BROWNOUT_SEED = 7;

    /** Everything the fixtures saw; cleared before the run. */
    static final Queue<Seen> SEEN = new ConcurrentLinkedQueue<>();
    static final AtomicInteger RUNNING = new AtomicInteger();
    static final AtomicInteger MOST_RUNNING = new AtomicInteger();
    static final AtomicInteger MOST_THREADS = new AtomicInteger();
    /**
     * The fixtures' client, with a worker pool of its own that the test shuts down: the JDK's default
     * pool keeps idle workers for a minute, which would read as threads left behind.
     */
    static final ExecutorService CLIENT_WORKERS = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "isolation-client");
        thread.setDaemon(true);
        return thread;
    });
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).executor(CLIENT_WORKERS).build();
    /** The statuses a lone gateway playing the brownout with {@link #BROWNOUT_SEED} gives ten requests. */
    static volatile List<Integer> brownoutReference = List.of();

    /** One test's use of one gateway: who owned it, its ports, what the client got and when. */
    record Seen(String test, String owner, ChaosGateway gateway, Set<Integer> ports, List<Integer> statuses,
                long from, long to, String thread) {
        boolean overlaps(Seen other) {
            return from <= other.to && other.from <= to;
        }
    }

    // ---- what every fixture does ----

    /** {@code count} requests through {@code gateway}, recorded under {@code test}; the gateway belongs to the test. */
    static List<Integer> alone(String test, ChaosGateway gateway, int count) throws Exception {
        return requests(test, test, gateway, count, false);
    }

    /**
     * {@code count} requests, the first after all {@value #OVERLAPPING} overlapping tests hold their
     * gateway, the others after all of them have had a first answer: the requests of these tests run
     * at the same moment.
     */
    static List<Integer> together(String test, ChaosGateway gateway, int count) throws Exception {
        return requests(test, test, gateway, count, true);
    }

    static List<Integer> requests(String test, String owner, ChaosGateway gateway, int count, boolean overlap) throws Exception {
        MOST_RUNNING.accumulateAndGet(RUNNING.incrementAndGet(), Math::max);
        try {
            Set<Integer> ports = Set.of(ChaosTestKit.port(gateway.baseUrl()), gateway.upstream().port(),
                    URI.create(gateway.toxiproxyUrl()).getPort());
            if (overlap) {
                OVERLAP.await(20, TimeUnit.SECONDS);
            }
            long from = System.nanoTime();
            List<Integer> statuses = new ArrayList<>();
            statuses.add(chat(gateway));
            if (overlap) {
                OVERLAP.await(20, TimeUnit.SECONDS);
            }
            for (int i = 1; i < count; i++) {
                statuses.add(chat(gateway));
            }
            MOST_THREADS.accumulateAndGet(Thread.activeCount(), Math::max);
            SEEN.add(new Seen(test, owner, gateway, ports, List.copyOf(statuses), from, System.nanoTime(),
                    Thread.currentThread().getName()));
            return statuses;
        } finally {
            RUNNING.decrementAndGet();
        }
    }

    /** {@code POST /chat/completions} through {@code gateway} with this test's own client (its pool is shut down after the run). */
    static int chat(ChaosGateway gateway) throws IOException, InterruptedException {
        return ChaosTestKit.chat(HTTP, gateway);
    }

    /** The gateway's own journal holds exactly these statuses: nothing of another test's gateway. */
    static void assertTimeline(ChaosGateway gateway, Integer... statuses) {
        assertThat(gateway.exchanges()).extracting(UpstreamExchange::status).containsExactly(statuses);
    }

    // ---- the six that overlap ----

    @ChaosTest(pacing = ChaosTest.Pacing.IMMEDIATE)
    @PlayScenario(file = CALM)
    static class CalmTestCases {
        @Test
        void seesOnlyNormalAnswersWhileOthersFail(ChaosGateway gateway) throws Exception {
            assertThat(together("calm", gateway, 4)).containsExactly(200, 200, 200, 200);
            assertTimeline(gateway, 200, 200, 200, 200);
        }
    }

    @ChaosTest(pacing = ChaosTest.Pacing.IMMEDIATE)
    @PlayScenario("full-outage")
    static class FullOutageTestCases {
        @Test
        void failsEveryRequest(ChaosGateway gateway) throws Exception {
            assertThat(together("full-outage", gateway, 4)).containsExactly(502, 502, 502, 502);
            assertTimeline(gateway, 502, 502, 502, 502);
        }
    }

    @ChaosTest(pacing = ChaosTest.Pacing.IMMEDIATE)
    @PlayScenario("bad-gateway-burst")
    static class BurstTestCases {
        @Test
        void failsTheFirstTwo(ChaosGateway gateway) throws Exception {
            assertThat(together("bad-gateway-burst", gateway, 4)).containsExactly(502, 502, 200, 200);
            assertTimeline(gateway, 502, 502, 200, 200);
        }
    }

    @ChaosTest(pacing = ChaosTest.Pacing.IMMEDIATE)
    @PlayScenario("server-error-retry")
    static class ServerErrorTestCases {
        @Test
        void failsTheFirstWithA500(ChaosGateway gateway) throws Exception {
            assertThat(together("server-error-retry", gateway, 4)).containsExactly(500, 200, 200, 200);
            assertTimeline(gateway, 500, 200, 200, 200);
        }
    }

    @ChaosTest(pacing = ChaosTest.Pacing.IMMEDIATE)
    @PlayScenario(file = OWN_FILE)
    static class OwnFileTestCases {
        @Test
        void playsTheTeamsOwnFile(ChaosGateway gateway) throws Exception {
            assertThat(together("two-503s-then-ok", gateway, 4)).containsExactly(503, 503, 200, 200);
            assertTimeline(gateway, 503, 503, 200, 200);
        }
    }

    @ChaosTest(pacing = ChaosTest.Pacing.IMMEDIATE)
    @PlayScenario(file = CALM)
    static class FailNextTestCases {
        @Test
        void injectedFaultsStayOnThisGateway(ChaosGateway gateway) throws Exception {
            gateway.failNext(2, Faults.rateLimited());
            assertThat(together("calm + fail-next", gateway, 4)).containsExactly(429, 429, 200, 200);
            assertTimeline(gateway, 429, 429, 200, 200);
        }
    }

    // ---- the others, in every way of getting a gateway ----

    @ChaosTest(pacing = ChaosTest.Pacing.IMMEDIATE)
    static class ScenarioSourceTestCases {
        static final Map<String, List<Integer>> EXPECTED = Map.of(
                "bad-gateway-single", List.of(502, 200),
                "bad-gateway-burst", List.of(502, 502),
                "model-not-found", List.of(404, 404),
                "two-503s-then-ok", List.of(503, 503));

        @ParameterizedTest
        @ScenarioSource(value = {"bad-gateway-single", "bad-gateway-burst", "model-not-found"}, files = OWN_FILE)
        void eachInvocationPlaysItsOwnScenario(String scenario, ChaosGateway gateway) throws Exception {
            assertThat(gateway.scenario().name()).isEqualTo(scenario);
            assertThat(alone("source " + scenario, gateway, 2)).containsExactlyElementsOf(EXPECTED.get(scenario));
        }
    }

    @ChaosTest(pacing = ChaosTest.Pacing.IMMEDIATE)
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @PlayScenario("bad-gateway-nginx")
    static class PerClassInstanceTestCases {
        /** One instance runs the three tests, each with its own gateway. */
        private final Set<ChaosGateway> gateways = ConcurrentHashMap.newKeySet();

        @Test
        void first(ChaosGateway gateway) throws Exception {
            gateways.add(gateway);
            assertThat(alone("per-class first", gateway, 2)).containsExactly(502, 200);
        }

        @Test
        void second(ChaosGateway gateway) throws Exception {
            gateways.add(gateway);
            assertThat(alone("per-class second", gateway, 2)).containsExactly(502, 200);
        }

        @Test
        void third(ChaosGateway gateway) throws Exception {
            gateways.add(gateway);
            assertThat(alone("per-class third", gateway, 2)).containsExactly(502, 200);
        }

        @AfterAll
        void oneInstanceThreeGateways() {
            assertThat(gateways).hasSize(3);
        }
    }

    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    @Execution(ExecutionMode.SAME_THREAD)
    static class ClassWideGatewayTestCases {
        @RegisterExtension
        static ChaosExtension chaos = ChaosExtension.builder().scenario("bad-gateway-single").pacing(StreamPacing.immediate()).build();
        static final AtomicReference<ChaosGateway> FIRST = new AtomicReference<>();

        @Test
        @Order(1)
        void firstTestMeetsTheFault(ChaosGateway gateway) throws Exception {
            FIRST.set(gateway);
            assertThat(requests("class-wide first", "ClassWideGatewayTestCases", gateway, 2, false)).containsExactly(502, 200);
            assertTimeline(gateway, 502, 200);
        }

        @Test
        @Order(2)
        void secondTestCarriesOnTheSameTimeline(ChaosGateway gateway) throws Exception {
            assertThat(gateway).isSameAs(FIRST.get());
            assertThat(requests("class-wide second", "ClassWideGatewayTestCases", gateway, 2, false)).containsExactly(200, 200);
            assertTimeline(gateway, 502, 200, 200, 200);
        }
    }

    static class PerTestExtensionTestCases {
        @RegisterExtension
        final ChaosExtension chaos = ChaosExtension.builder().scenario("server-error-retry").pacing(StreamPacing.immediate()).build();

        @Test
        void one(ChaosGateway gateway) throws Exception {
            assertThat(alone("instance field one", gateway, 2)).containsExactly(500, 200);
        }

        @Test
        void two(ChaosGateway gateway) throws Exception {
            assertThat(alone("instance field two", gateway, 2)).containsExactly(500, 200);
        }
    }

    /** The same seed gives the same draws on every gateway: no random source is shared between them. */
    @ChaosTest(seed = BROWNOUT_SEED, pacing = ChaosTest.Pacing.IMMEDIATE)
    @PlayScenario(BROWNOUT)
    static class SeededBrownoutTestCases {
        @Test
        void oneDrawsAsAloneGatewayWould(ChaosGateway gateway) throws Exception {
            assertThat(alone("brownout one", gateway, 10)).containsExactlyElementsOf(brownoutReference);
        }

        @Test
        void twoDrawsAsAloneGatewayWould(ChaosGateway gateway) throws Exception {
            assertThat(alone("brownout two", gateway, 10)).containsExactlyElementsOf(brownoutReference);
        }
    }

    @ChaosTest(pacing = ChaosTest.Pacing.IMMEDIATE)
    @PlayScenario("quota-exhausted")
    static class NestedTestCases {
        @Test
        void outer(ChaosGateway gateway) throws Exception {
            assertThat(alone("nested outer", gateway, 2)).containsExactly(429, 429);
        }

        @Nested
        class Inheriting {
            @Test
            void inheritsTheOuterScenario(ChaosGateway gateway) throws Exception {
                assertThat(alone("nested inheriting", gateway, 2)).containsExactly(429, 429);
            }
        }

        @Nested
        @PlayScenario("bad-gateway-single")
        class Overriding {
            @Test
            void playsItsOwnScenario(ChaosGateway gateway) throws Exception {
                assertThat(alone("nested overriding", gateway, 2)).containsExactly(502, 200);
            }
        }
    }

    /** Realistic pacing, the default: slower answers, same isolation. */
    @ChaosTest
    @PlayScenario("bad-gateway-single")
    static class RealisticPacingTestCases {
        @Test
        void classScenario(ChaosGateway gateway) throws Exception {
            assertThat(alone("realistic class scenario", gateway, 3)).containsExactly(502, 200, 200);
        }

        @Test
        @PlayScenario("access-denied-1020")
        void methodScenario(ChaosGateway gateway) throws Exception {
            assertThat(alone("realistic method scenario", gateway, 2)).containsExactly(403, 403);
        }
    }

    @ChaosTest(pacing = ChaosTest.Pacing.IMMEDIATE)
    @PlayScenario("invalid-api-key")
    static class LifecycleMethodsTestCases {
        private ChaosGateway fromBeforeEach;

        @BeforeEach
        void before(ChaosGateway gateway) {
            fromBeforeEach = gateway;
        }

        @Test
        void sameGatewayBeforeDuringAndAfter(ChaosGateway gateway) throws Exception {
            assertThat(gateway).isSameAs(fromBeforeEach);
            assertThat(alone("lifecycle methods", gateway, 2)).containsExactly(401, 401);
        }

        @AfterEach
        void after(ChaosGateway gateway) {
            assertThat(gateway).isSameAs(fromBeforeEach);
            assertTimeline(gateway, 401, 401);
        }
    }

    @ChaosTest(pacing = ChaosTest.Pacing.IMMEDIATE)
    static class RepeatedTestCases {
        @RepeatedTest(3)
        @PlayScenario("bad-gateway-single")
        void eachRepetitionStartsFresh(ChaosGateway gateway) throws Exception {
            assertThat(alone("repeated " + System.identityHashCode(gateway), gateway, 2)).containsExactly(502, 200);
        }
    }

    @ChaosTest(pacing = ChaosTest.Pacing.IMMEDIATE)
    @PlayScenario("service-unavailable-maintenance")
    static class ConstructorTestCases {
        private final ChaosGateway fromConstructor;

        ConstructorTestCases(ChaosGateway gateway) {
            this.fromConstructor = gateway;
        }

        @Test
        void one(ChaosGateway gateway) throws Exception {
            assertThat(gateway).isSameAs(fromConstructor);
            assertThat(alone("constructor one", gateway, 2)).containsExactly(503, 200);
        }

        @Test
        void two(ChaosGateway gateway) throws Exception {
            assertThat(gateway).isSameAs(fromConstructor);
            assertThat(alone("constructor two", gateway, 2)).containsExactly(503, 200);
        }
    }

    static final List<Class<?>> FIXTURES = List.of(CalmTestCases.class, FullOutageTestCases.class, BurstTestCases.class,
            ServerErrorTestCases.class, OwnFileTestCases.class, FailNextTestCases.class, ScenarioSourceTestCases.class,
            PerClassInstanceTestCases.class, ClassWideGatewayTestCases.class, PerTestExtensionTestCases.class,
            SeededBrownoutTestCases.class, NestedTestCases.class, RealisticPacingTestCases.class,
            LifecycleMethodsTestCases.class, RepeatedTestCases.class, ConstructorTestCases.class);
    /** Tests (and invocations) in {@link #FIXTURES}. */
    static final int TESTS = 6 + 4 + 3 + 2 + 2 + 2 + 3 + 2 + 1 + 3 + 2;
    /** One gateway per test, except the class-wide one that serves two. */
    static final int GATEWAYS = TESTS - 1;

    // ---- the test ----

    @Test
    void sixteenClassesAtOnce_shareNothing_andLeaveNothingBehind() {
        // Given: a lone gateway's brownout draws (this also loads what JUnit, Netty, Jetty and the JDK's
        // HTTP client load once per JVM, so the baseline below holds only what stays)
        brownoutReference = loneBrownout();
        assertThat(brownoutReference).as("the seed draws some 502s and some 200s").contains(502, 200);
        // The test kit's own client (a selector: an epoll and an eventfd) is made now, not during the run.
        assertThat(ChaosTestKit.HTTP).isNotNull();
        SEEN.clear();
        MOST_RUNNING.set(0);
        MOST_THREADS.set(0);
        OVERLAP.reset();
        ProcessResources before = ProcessResources.now(false);

        // When
        long start = System.nanoTime();
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .enableImplicitConfigurationParameters(false)
                .configurationParameters(Map.of(
                        "junit.jupiter.execution.parallel.enabled", "true",
                        "junit.jupiter.execution.parallel.mode.default", "concurrent",
                        "junit.jupiter.execution.parallel.mode.classes.default", "concurrent",
                        "junit.jupiter.execution.parallel.config.strategy", "fixed",
                        "junit.jupiter.execution.parallel.config.fixed.parallelism", String.valueOf(PARALLELISM),
                        "junit.jupiter.execution.parallel.config.fixed.max-pool-size", String.valueOf(PARALLELISM * 2)))
                .selectors(FIXTURES.stream().map(c -> selectClass(c)).toArray(org.junit.platform.engine.DiscoverySelector[]::new))
                .execute();
        Duration wall = Duration.ofNanos(System.nanoTime() - start);

        // Then: every test passed, in parallel
        assertThat(failures(results.allEvents())).as("failures").isEmpty();
        assertThat(results.testEvents().succeeded().count()).as("succeeded tests").isEqualTo(TESTS);
        List<Seen> seen = List.copyOf(SEEN);
        assertThat(seen).hasSize(TESTS);
        assertThat(seen.stream().map(Seen::thread).distinct().count()).as("threads the tests ran on").isGreaterThan(1);
        assertThat(MOST_RUNNING.get()).as("tests sending requests at the same moment").isGreaterThanOrEqualTo(OVERLAPPING);

        // and no gateway served two owners
        Map<ChaosGateway, Set<String>> owners = new IdentityHashMap<>();
        for (Seen s : seen) {
            owners.computeIfAbsent(s.gateway(), g -> new java.util.TreeSet<>()).add(s.owner());
        }
        assertThat(owners).as("gateways").hasSize(GATEWAYS);
        assertThat(owners.values()).as("owners of each gateway").allSatisfy(o -> assertThat(o).hasSize(1));

        // and gateways alive at the same time had no port in common
        for (Seen a : seen) {
            for (Seen b : seen) {
                if (a.gateway() != b.gateway() && a.overlaps(b)) {
                    assertThat(Collections.disjoint(a.ports(), b.ports())).as("ports of '%s' %s and '%s' %s, alive together",
                            a.test(), a.ports(), b.test(), b.ports()).isTrue();
                }
            }
        }

        // and the calm gateway answered 200s while the others served their faults at the same moment
        List<Seen> overlapping = seen.stream().filter(s -> Set.of("calm", "full-outage", "bad-gateway-burst",
                "server-error-retry", "two-503s-then-ok", "calm + fail-next").contains(s.test())).toList();
        assertThat(overlapping).hasSize(OVERLAPPING);
        assertThat(overlapping).as("request windows of the overlapping tests").allSatisfy(a ->
                assertThat(overlapping).allSatisfy(b -> assertThat(a.overlaps(b)).isTrue()));

        // and everything is closed: ports, sockets, threads
        for (Seen s : seen) {
            for (int port : s.ports()) {
                assertThat(refuses(port)).as("port %s of '%s' closed", port, s.test()).isTrue();
            }
        }
        CLIENT_WORKERS.shutdown();
        List<String> leaks = awaitNothingLeftBehind(before, Duration.ofSeconds(10));
        ProcessResources after = ProcessResources.now(false);
        System.out.printf("ParallelIsolationTest: %d classes, %d tests, %d gateways, %d threads of JUnit, %d tests at once;"
                        + " %s wall; before %s; most threads %d; after %s%n", FIXTURES.size() + 2, TESTS, GATEWAYS, PARALLELISM,
                MOST_RUNNING.get(), wall.toMillis() + " ms", before, MOST_THREADS.get(), after);
        assertThat(leaks).as("left behind after the run").isEmpty();
    }

    @Test
    void theLeakCheckNamesWhatAGatewayLeftOpenHolds() {
        ProcessResources before = ProcessResources.now(false);
        try (ChaosGateway open = ChaosGateway.builder().start()) {
            String leaks = String.join("\n", leftBehind(before));

            assertThat(leaks).contains("sockets ").contains("threads chaosgate-link").contains("threads qtp");
        }
    }

    /** Ten requests through a gateway playing the brownout with {@link #BROWNOUT_SEED}, alone. */
    private static List<Integer> loneBrownout() {
        ChaosGatewayBuilder builder = ChaosGateway.builder().seed(BROWNOUT_SEED).pacing(StreamPacing.immediate())
                .scenario(ScenarioCatalog.builtIn().get(BROWNOUT));
        try (ChaosGateway gateway = builder.start()) {
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                statuses.add(chat(gateway));
            }
            return statuses;
        } catch (Exception e) {
            throw new AssertionError("the lone brownout gateway failed", e);
        }
    }

    /** Thread name prefixes of what a gateway runs: chaosgate's own (the console's included), Jetty's pool, Netty's loops. */
    static final List<String> GATEWAY_THREADS = List.of("chaosgate-", "qtp", "netty", "epoll", "nioEventLoop");

    /**
     * Polls until the process holds no more sockets and no more gateway threads than {@code before}
     * (closing is asynchronous); else names the sockets' count and the threads left.
     */
    static List<String> awaitNothingLeftBehind(ProcessResources before, Duration within) {
        return ProcessResources.awaitNoLeaks(() -> leftBehind(before), within);
    }

    private static List<String> leftBehind(ProcessResources before) {
        ProcessResources now = ProcessResources.now(false);
        List<String> leaks = new ArrayList<>();
        int socketsBefore = before.fdKinds().getOrDefault("socket", 0);
        int socketsNow = now.fdKinds().getOrDefault("socket", 0);
        if (before.fds() >= 0 && socketsNow > socketsBefore) {
            leaks.add("sockets " + socketsBefore + " -> " + socketsNow + " (" + now + ")");
        }
        Map<String, List<String>> threads = new TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && GATEWAY_THREADS.stream().anyMatch(t.getName()::startsWith)) {
                threads.computeIfAbsent(threadFamily(t.getName()), f -> new ArrayList<>()).add(t.getName());
            }
        }
        threads.forEach((family, names) -> {
            int was = before.threadsByName().getOrDefault(family, 0);
            if (names.size() > was) {
                leaks.add("threads " + family + " " + was + " -> " + names.size() + ": "
                        + names.stream().sorted().collect(Collectors.joining(", ")));
            }
        });
        // Anything else that grew (with slack for what the JVM starts lazily: a JIT thread, a jar).
        leaks.addAll(now.leakedSince(before, 3, 3));
        return leaks;
    }

    /** As {@link ProcessResources} groups threads. */
    private static String threadFamily(String name) {
        return name.replaceAll("[-#_ ]?\\d+([-#_ ]\\d+)*$", "");
    }
}
