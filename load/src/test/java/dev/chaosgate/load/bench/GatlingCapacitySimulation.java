package dev.chaosgate.load.bench;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.upstream.Faults;
import dev.chaosgate.upstream.StreamPacing;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Simulation;

import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.during;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * The question the capacity bench stands for: is chaosgate the bottleneck of a Gatling load test
 * on this machine? Gatling users (closed loop, each on its own kept-alive connection) call plain
 * WireMock, then the gateway answering, then the gateway serving 502s, one after the other; after
 * the run it prints requests per second for each. Not one of the load simulations (the POM
 * excludes the bench package); {@code scripts/bench-gateway gatling} runs it.
 */
public class GatlingCapacitySimulation extends Simulation {
    private static final PrintStream OUT = System.out;
    private static final String PATH = "/v1/chat/completions";
    private static final String BODY = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\","
            + "\"content\":\"Where is my order?\"}]}";
    private static final int USERS = Integer.getInteger("chaosgate.bench.users", 16);
    private static final Duration WARM_UP = Duration.ofSeconds(5);
    private static final Duration MEASURED = Duration.ofSeconds(Integer.getInteger("chaosgate.bench.seconds", 15));

    private final ChaosGateway answering = loadGateway();
    private final ChaosGateway failing = loadGateway();
    private final WireMockServer plain = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort()
            .disableRequestJournal());
    private final Map<String, Window> windows = new LinkedHashMap<>();

    {
        failing.serve(Faults.badGateway());
        plain.start();
        plain.stubFor(post(urlPathEqualTo(PATH)).willReturn(GatewayCapacityBench.answerOf(answering)));
        PopulationBuilder chain = target("plain WireMock, 200", "http://127.0.0.1:" + plain.port() + PATH, 200);
        chain = chain.andThen(target("gateway (load), 200", answering.baseUrl() + "/chat/completions", 200));
        chain = chain.andThen(target("gateway (load), 502", failing.baseUrl() + "/chat/completions", 502));
        setUp(chain).protocols(http.disableWarmUp()).maxDuration(Duration.ofMinutes(5));
    }

    private static ChaosGateway loadGateway() {
        return ChaosGateway.builder().seed(1).pacing(StreamPacing.immediate())
                .journalCapacity(GatewayCapacityBench.LOAD_JOURNAL).start();
    }

    /** {@link #USERS} users warm the target up, then count their answers over {@link #MEASURED}. */
    private PopulationBuilder target(String name, String url, int status) {
        Window window = new Window();
        windows.put(name, window);
        return scenario(name)
                .exec(during(WARM_UP).on(exec(http("warm-up " + name).post(url).body(StringBody(BODY)).asJson()
                        .check(status().is(status)))))
                .exec(session -> {
                    window.start();
                    return session;
                })
                .exec(during(MEASURED).on(exec(http(name).post(url).body(StringBody(BODY)).asJson()
                                .check(status().is(status)))
                        .exec(session -> {
                            window.answers.increment();
                            return session;
                        })))
                .exec(session -> {
                    window.end();
                    return session;
                })
                .injectClosed(constantConcurrentUsers(USERS).during(Duration.ofSeconds(1)));
    }

    @Override
    public void after() {
        try {
            double plainRate = windows.values().iterator().next().rate();
            OUT.printf("%nGatling, %d users, %d s per target: requests per second%n", USERS, MEASURED.toSeconds());
            windows.forEach((name, window) -> OUT.printf("  %-22s %8.0f  (%.2f of plain WireMock)%n", name, window.rate(),
                    window.rate() / plainRate));
        } finally {
            answering.close();
            failing.close();
            plain.stop();
        }
    }

    /** From the first user's start to the last user's end, the answers counted. */
    private static final class Window {
        final LongAdder answers = new LongAdder();
        final AtomicLong first = new AtomicLong(Long.MAX_VALUE);
        final AtomicLong last = new AtomicLong(Long.MIN_VALUE);

        void start() {
            first.accumulateAndGet(System.nanoTime(), Math::min);
        }

        void end() {
            last.accumulateAndGet(System.nanoTime(), Math::max);
        }

        double rate() {
            return answers.sum() / ((last.get() - first.get()) / 1e9);
        }
    }
}
