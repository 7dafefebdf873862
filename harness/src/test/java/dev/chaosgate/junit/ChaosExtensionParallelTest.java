package dev.chaosgate.junit;

import dev.chaosgate.gateway.ChaosGateway;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import static dev.chaosgate.junit.ChaosExtensionLifecycleTest.OWN_FILE;
import static dev.chaosgate.junit.ChaosExtensionLifecycleTest.SINGLE;
import static dev.chaosgate.junit.ChaosTestKit.assertAllSucceeded;
import static dev.chaosgate.junit.ChaosTestKit.chat;
import static dev.chaosgate.junit.ChaosTestKit.chaosgateThreads;
import static dev.chaosgate.junit.ChaosTestKit.port;
import static dev.chaosgate.junit.ChaosTestKit.refuses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Under JUnit's parallel execution, tests hold their gateways at the same time, each on its own
 * ports and with its own timeline, and nothing is left running afterwards.
 */
class ChaosExtensionParallelTest {
    static final int TESTS = 8;
    /** Trips only when all {@value #TESTS} tests are running at once, each with its gateway started. */
    static final CyclicBarrier ALL_RUNNING = new CyclicBarrier(TESTS);
    static final Set<String> BASE_URLS = ConcurrentHashMap.newKeySet();
    static final Set<Integer> UPSTREAM_PORTS = ConcurrentHashMap.newKeySet();
    static final Set<String> THREADS = ConcurrentHashMap.newKeySet();

    @ChaosTest(pacing = ChaosTest.Pacing.IMMEDIATE)
    static class ParallelTestCases {
        /** One request after another; a gateway shared with another test would mix up the statuses. */
        static List<Integer> meetsTogether(ChaosGateway gateway) throws Exception {
            BASE_URLS.add(gateway.baseUrl());
            UPSTREAM_PORTS.add(gateway.upstream().port());
            THREADS.add(Thread.currentThread().getName());
            ALL_RUNNING.await(20, TimeUnit.SECONDS);
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                statuses.add(chat(gateway));
            }
            return statuses;
        }

        @Test
        @PlayScenario(SINGLE)
        void a1(ChaosGateway gateway) throws Exception {
            assertThat(meetsTogether(gateway)).containsExactly(502, 200, 200);
        }

        @Test
        @PlayScenario(file = OWN_FILE)
        void b1(ChaosGateway gateway) throws Exception {
            assertThat(meetsTogether(gateway)).containsExactly(503, 503, 200);
        }

        @Test
        @PlayScenario(SINGLE)
        void a2(ChaosGateway gateway) throws Exception {
            assertThat(meetsTogether(gateway)).containsExactly(502, 200, 200);
        }

        @Test
        @PlayScenario(file = OWN_FILE)
        void b2(ChaosGateway gateway) throws Exception {
            assertThat(meetsTogether(gateway)).containsExactly(503, 503, 200);
        }

        @Test
        @PlayScenario(SINGLE)
        void a3(ChaosGateway gateway) throws Exception {
            assertThat(meetsTogether(gateway)).containsExactly(502, 200, 200);
        }

        @Test
        @PlayScenario(file = OWN_FILE)
        void b3(ChaosGateway gateway) throws Exception {
            assertThat(meetsTogether(gateway)).containsExactly(503, 503, 200);
        }

        @Test
        @PlayScenario(SINGLE)
        void a4(ChaosGateway gateway) throws Exception {
            assertThat(meetsTogether(gateway)).containsExactly(502, 200, 200);
        }

        @Test
        @PlayScenario(file = OWN_FILE)
        void b4(ChaosGateway gateway) throws Exception {
            assertThat(meetsTogether(gateway)).containsExactly(503, 503, 200);
        }
    }

    @Test
    void eightTestsAtOnce_eachWithItsOwnGatewayAndTimeline_nothingLeftBehind() {
        long threadsBefore = chaosgateThreads();

        EngineExecutionResults results = ChaosTestKit.runInParallel(ParallelTestCases.class, TESTS);

        assertAllSucceeded(results, TESTS);
        assertThat(THREADS).as("tests ran on several threads").hasSizeGreaterThan(1);
        assertThat(BASE_URLS).as("a gateway per test").hasSize(TESTS);
        assertThat(UPSTREAM_PORTS).hasSize(TESTS);
        for (String url : BASE_URLS) {
            assertThat(refuses(port(url))).as("link of %s closed", url).isTrue();
        }
        for (int upstream : UPSTREAM_PORTS) {
            assertThat(refuses(upstream)).as("upstream port %s closed", upstream).isTrue();
        }
        // Netty's event loops end right after close() returns; allow a moment and a thread or two of slack.
        await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> assertThat(chaosgateThreads()).isLessThanOrEqualTo(threadsBefore + 1));
    }
}
