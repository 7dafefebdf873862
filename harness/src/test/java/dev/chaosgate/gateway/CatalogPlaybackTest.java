package dev.chaosgate.gateway;

import dev.chaosgate.scenario.Phase;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.upstream.StreamPacing;
import dev.chaosgate.upstream.UpstreamExchange;
import dev.chaosgate.upstream.UpstreamFault;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every catalog scenario plays its phases in order against a real client: each attempt meets the
 * phase it falls in, and receives what that phase's fault sends.
 */
@Execution(ExecutionMode.SAME_THREAD)
class CatalogPlaybackTest {
    private static final Duration CLIENT_TIMEOUT = Duration.ofMillis(1500);
    /** For the whole answer: slow-trickle's ~1 KB at 1 KB/s needs more than the header timeout, with a margin. */
    private static final Duration ANSWER_DEADLINE = Duration.ofSeconds(4);

    static Stream<String> scenarios() {
        return ScenarioCatalog.builtIn().names().stream();
    }

    /** What one attempt of the client got. */
    record Attempt(int status, String body, Class<? extends Exception> failure) {
        boolean completeStream() {
            return body != null && (body.contains("data: [DONE]") || body.contains("response.completed"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void playsItsPhasesInOrder(String name) throws Exception {
        Scenario scenario = ScenarioCatalog.builtIn().get(name);
        boolean streamed = scenario.phases().stream().anyMatch(p -> p.upstream() instanceof UpstreamFault.StreamFault);
        int countedRequests = scenario.phases().stream().filter(p -> p.requests() != null).mapToInt(Phase::requests).sum();
        int attempts = Math.min(8, Math.max(3, countedRequests + 2));
        try (ChaosGateway gateway = ChaosGateway.builder().pacing(StreamPacing.immediate()).scenario(scenario).start()) {
            HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(CLIENT_TIMEOUT);
            if (gateway.https()) {
                // A client that trusts the gateway's authority, as an app is configured to.
                client.sslContext(gateway.certificateAuthority().clientContext());
            }
            HttpClient http = client.build();
            List<Attempt> seen = new ArrayList<>();
            for (int i = 0; i < attempts; i++) {
                seen.add(send(http, gateway, streamed));
            }
            List<UpstreamExchange> exchanges = gateway.exchanges();
            if (scenario.phases().stream().allMatch(p -> p.tls() != null && p.tls().badCertificate())) {
                // A certificate the client must refuse, for the whole run: every attempt ends at the handshake.
                assertThat(exchanges).as("requests reaching the upstream past a refused certificate").isEmpty();
                assertThat(seen).allSatisfy(a -> assertThat(a.failure()).isNotNull());
                assertThat(gateway.linkRequests()).as("connections the link saw").hasSize(attempts)
                        .allSatisfy(r -> assertThat(r.tls()).isEqualTo(scenario.phases().get(0).tls().label()));
                return;
            }
            Phase first = scenario.phases().get(0);
            boolean blackHole = first.upstream() == null && first.openEnded()
                    && first.link().stream().anyMatch(t -> t.type().equals("timeout"));
            if (blackHole) {
                // A link-only fault for the whole run (the black hole): nothing reaches the upstream.
                assertThat(exchanges).as("requests reaching the upstream through a black hole").isEmpty();
                assertThat(seen).allSatisfy(a -> assertThat(a.failure()).isEqualTo(TimeoutException.class));
                return;
            }
            assertThat(exchanges).as("requests the upstream saw").isNotEmpty();
            for (int i = 0; i < exchanges.size() && i < seen.size(); i++) {
                UpstreamExchange exchange = exchanges.get(i);
                Phase phase = expectedPhase(scenario, i, exchange);
                assertThat(exchange.phase()).as("phase of request %d", i + 1).isEqualTo(phase.name());
                assertReceived(seen.get(i), phase.upstream(), exchange, i + 1);
            }
        }
    }

    /** The phase request {@code index} (0-based) must fall in, counting request-bounded phases. */
    private static Phase expectedPhase(Scenario scenario, int index, UpstreamExchange exchange) {
        int remaining = index;
        for (Phase phase : scenario.phases()) {
            if (phase.requests() != null) {
                if (remaining < phase.requests()) {
                    return phase;
                }
                remaining -= phase.requests();
            } else {
                // Duration or open-ended: the journal says which one it was; it must be one of the scenario's.
                return phase.duration() == null ? phase : scenario.phases().stream()
                        .filter(p -> p.name().equals(exchange.phase())).findFirst().orElse(phase);
            }
        }
        return scenario.phases().get(scenario.phases().size() - 1);
    }

    private static void assertReceived(Attempt attempt, UpstreamFault fault, UpstreamExchange exchange, int number) {
        String what = "attempt " + number + " (" + exchange.fault() + ")";
        if (exchange.fault() == null) {
            assertThat(attempt.status()).as(what + " status").isEqualTo(200);
            return;
        }
        UpstreamFault served = unwrap(fault);
        if (served instanceof UpstreamFault.ErrorResponse error) {
            if (error.delay().compareTo(CLIENT_TIMEOUT) > 0) {
                assertThat(attempt.failure()).as(what + ": the client times out first").isEqualTo(TimeoutException.class);
            } else {
                assertThat(attempt.status()).as(what + " status").isEqualTo(error.status());
            }
        } else if (served instanceof UpstreamFault.Overload overload) {
            assertThat(attempt.status()).as(what + " status").isEqualTo(overload.shed().status());
        } else if (served instanceof UpstreamFault.RateLimitWindow) {
            assertThat(attempt.status()).as(what + " status").isEqualTo(429);
        } else if (served instanceof UpstreamFault.ConnectionFault connection) {
            if (connection.kind() == UpstreamFault.ConnectionFault.Kind.MALFORMED_CHUNK) {
                assertThat(attempt.failure() != null || attempt.status() == 200).as(what).isTrue();
            } else {
                assertThat(attempt.failure()).as(what + " failure").isNotNull();
            }
        } else if (served instanceof UpstreamFault.StreamFault) {
            assertThat(attempt.failure() == null && attempt.completeStream()).as(what + ": a complete stream").isFalse();
        } else if (served instanceof UpstreamFault.SlowAnswer slow) {
            if (slow.delay().compareTo(CLIENT_TIMEOUT) > 0) {
                assertThat(attempt.failure()).as(what + " failure").isEqualTo(TimeoutException.class);
            } else {
                assertThat(attempt.status()).as(what + " status").isEqualTo(200);
            }
        }
    }

    private static UpstreamFault unwrap(UpstreamFault fault) {
        if (fault instanceof UpstreamFault.WithProbability p) {
            return unwrap(p.fault());
        }
        if (fault instanceof UpstreamFault.Flapping f) {
            return unwrap(f.fault());
        }
        if (fault instanceof UpstreamFault.FirstRequests f) {
            return unwrap(f.fault());
        }
        if (fault instanceof UpstreamFault.Outage o) {
            return unwrap(o.fault());
        }
        return fault;
    }

    private static Attempt send(HttpClient http, ChaosGateway gateway, boolean streamed) {
        String body = "{\"model\":\"gpt-4o-mini\"," + (streamed ? "\"stream\":true," : "")
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Plan a picnic\"}]}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/chat/completions"))
                .timeout(CLIENT_TIMEOUT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        // The headers within the client's timeout, the whole answer within a deadline of its own.
        CompletableFuture<HttpResponse<String>> answer = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        try {
            HttpResponse<String> response = answer.get(ANSWER_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            return new Attempt(response.statusCode(), response.body(), null);
        } catch (TimeoutException e) {
            answer.cancel(true);
            return new Attempt(0, null, TimeoutException.class);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            Class<? extends Exception> failure = cause instanceof HttpTimeoutException ? TimeoutException.class
                    : cause instanceof Exception exception ? exception.getClass() : IOException.class;
            return new Attempt(0, null, failure);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

}
