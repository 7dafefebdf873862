package dev.chaosgate.junit;

import dev.chaosgate.gateway.ChaosGateway;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Runs fixture classes ({@code *TestCases}, static nested classes that Surefire does not run by
 * itself) through the Jupiter engine, and the little client the fixtures talk to a gateway with.
 */
final class ChaosTestKit {
    /** One client for every fixture: thread-safe, HTTP/1.1 like most SDKs. */
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private ChaosTestKit() {
    }

    /** Runs {@code fixture} sequentially. */
    static EngineExecutionResults run(Class<?> fixture) {
        return run(fixture, Map.of());
    }

    static EngineExecutionResults run(Class<?> fixture, Map<String, String> configuration) {
        return EngineTestKit.engine("junit-jupiter")
                .enableImplicitConfigurationParameters(false)
                .configurationParameters(configuration)
                .selectors(selectClass(fixture))
                .execute();
    }

    /** Runs {@code fixture} with JUnit's parallel execution, {@code threads} tests at a time. */
    static EngineExecutionResults runInParallel(Class<?> fixture, int threads) {
        return run(fixture, Map.of(
                "junit.jupiter.execution.parallel.enabled", "true",
                "junit.jupiter.execution.parallel.mode.default", "concurrent",
                "junit.jupiter.execution.parallel.mode.classes.default", "concurrent",
                "junit.jupiter.execution.parallel.config.strategy", "fixed",
                "junit.jupiter.execution.parallel.config.fixed.parallelism", String.valueOf(threads),
                "junit.jupiter.execution.parallel.config.fixed.max-pool-size", String.valueOf(threads * 2)));
    }

    /** Asserts that {@code count} tests ran and all succeeded, showing the failures otherwise. */
    static void assertAllSucceeded(EngineExecutionResults results, int count) {
        assertThat(failures(results.allEvents())).as("failures").isEmpty();
        assertThat(results.testEvents().succeeded().count()).as("succeeded tests").isEqualTo(count);
    }

    /** "display name: exception: message" of every failed test or container. */
    static List<String> failures(Events events) {
        return events.failed().stream().map(ChaosTestKit::describe).collect(Collectors.toList());
    }

    private static String describe(Event event) {
        Optional<Throwable> thrown = event.getPayload(org.junit.platform.engine.TestExecutionResult.class)
                .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable);
        return event.getTestDescriptor().getDisplayName() + ": " + thrown.map(Throwable::toString).orElse("(no exception)");
    }

    /** The single failure among the tests (or, when no test failed, the containers) of {@code results}. */
    static Throwable singleFailure(EngineExecutionResults results) {
        List<Throwable> thrown = results.testEvents().failed().stream()
                .map(e -> e.getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow())
                .toList();
        if (thrown.isEmpty()) {
            thrown = results.containerEvents().failed().stream()
                    .map(e -> e.getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow())
                    .toList();
        }
        assertThat(thrown).as("failures of %s", failures(results.allEvents())).hasSize(1);
        return thrown.get(0);
    }

    /** {@code POST /chat/completions} through {@code gateway}; returns the status. */
    static int chat(ChaosGateway gateway) throws IOException, InterruptedException {
        return chat(HTTP, gateway);
    }

    /** {@code POST /chat/completions} through {@code gateway} with {@code client}; returns the status. */
    static int chat(HttpClient client, ChaosGateway gateway) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/chat/completions"))
                .timeout(Duration.ofSeconds(10))
                .header("content-type", "application/json").header("authorization", "Bearer test")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Where is my order?\"}]}"))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** The link port of a gateway's base URL. */
    static int port(String baseUrl) {
        return URI.create(baseUrl).getPort();
    }

    /** Whether nothing listens on 127.0.0.1:{@code port} any more. */
    static boolean refuses(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** Live threads whose name starts with {@code chaosgate-} (the link's event loops and API). */
    static long chaosgateThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("chaosgate-"))
                .count();
    }
}
