package dev.chaosgate.verdict;

import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.scenario.Chaos;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.upstream.Faults;
import dev.chaosgate.upstream.StreamPacing;
import dev.chaosgate.upstream.UpstreamExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Waiting for an asynchronous app: {@link ChaosGateway#awaitAttempts}, {@link ChaosGateway#awaitQuiet},
 * and the same with Awaitility. The app sends off the test thread and retries a 502 after 400 ms.
 */
class AwaitTest {
    private static final String PROMPT = "Summarise my last three orders";
    private static final Duration RETRY_DELAY = Duration.ofMillis(400);
    private static final Scenario ONE_BAD_GATEWAY = Chaos.scenario("one-bad-gateway")
            .then(Chaos.phase("burst").forRequests(1).serving(Faults.badGateway()))
            .then(Chaos.phase("recovered"))
            .expect(Chaos.recovers())
            .build();

    private ChaosGateway gateway;
    private AsyncChatClient app;

    @BeforeEach
    void start() {
        gateway = ChaosGateway.builder().pacing(StreamPacing.immediate()).scenario(ONE_BAD_GATEWAY).start();
        app = new AsyncChatClient(gateway.baseUrl(), 3, RETRY_DELAY);
    }

    @AfterEach
    void close() {
        gateway.close();
    }

    @Test
    void awaitAttemptsReturnsWhenTheRetryArrives() throws Exception {
        long start = System.nanoTime();
        CompletableFuture<Void> sending = app.sendAsync(PROMPT);
        List<UpstreamExchange> attempts = gateway.awaitAttempts(2, Duration.ofSeconds(5));
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(0).status()).isEqualTo(502);
        assertThat(attempts.get(1).prompt()).isEqualTo(PROMPT);
        assertThat(waitedMs).isGreaterThanOrEqualTo(RETRY_DELAY.toMillis()).isLessThan(4000);

        sending.get(5, TimeUnit.SECONDS);
        ChaosAssertions.assertThat(gateway).forPrompt(PROMPT).showed(app.shown).withDraft(app.draft).passes();
    }

    @Test
    void awaitAttemptsFailsNamingHowManyArrivedWithTheirTimeline() {
        app = new AsyncChatClient(gateway.baseUrl(), 1, RETRY_DELAY); // gives up after the 502
        app.sendAsync(PROMPT).join();
        assertThatThrownBy(() -> gateway.awaitAttempts(2, Duration.ofMillis(300)))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("expected at least 2 generation request(s) at the upstream within 300 ms, but 1 arrived:")
                .hasMessageContaining("#1  +0 ms  POST /v1/chat/completions  502")
                .hasMessageContaining("[burst]");
    }

    @Test
    void awaitAttemptsWithNothingSentSaysNone() {
        assertThatThrownBy(() -> gateway.awaitAttempts(1, Duration.ofMillis(100)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("but 0 arrived (none)");
    }

    @Test
    void awaitQuietWaitsUntilTheAppStopsRetrying() {
        long start = System.nanoTime();
        app.sendAsync(PROMPT);
        gateway.awaitAttempts(1, Duration.ofSeconds(5));
        List<UpstreamExchange> seen = gateway.awaitQuiet(Duration.ofMillis(700), Duration.ofSeconds(5));
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        // quiet for 700 ms only after the retry 400 ms in: both attempts are in
        assertThat(seen).hasSize(2);
        assertThat(waitedMs).isGreaterThanOrEqualTo(RETRY_DELAY.toMillis() + 700);
        ChaosAssertions.assertThat(gateway).forPrompt(PROMPT).showed(app.shown).withDraft(app.draft).passes();
    }

    @Test
    void awaitQuietFailsWhileRequestsKeepArriving() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Void> storm = CompletableFuture.runAsync(() -> {
            while (!stop.get()) {
                try {
                    app.post(PROMPT);
                    Thread.sleep(50);
                } catch (Exception e) {
                    return;
                }
            }
        });
        try {
            assertThatThrownBy(() -> gateway.awaitQuiet(Duration.ofMillis(300), Duration.ofMillis(800)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageStartingWith("expected the upstream to see no new request for 300 ms within 800 ms,"
                            + " but requests kept arriving")
                    .hasMessageContaining("#1  +0 ms  POST /v1/chat/completions  502")
                    .hasMessageContaining("answered  [recovered]");
        } finally {
            stop.set(true);
            storm.get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void theSameWithAwaitility() throws Exception {
        CompletableFuture<Void> sending = app.sendAsync(PROMPT);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> gateway.exchanges().size() >= 2);
        sending.get(5, TimeUnit.SECONDS);
        // the app has answered: wait until its composer is cleared, as a UI test would
        await().atMost(Duration.ofSeconds(2)).until(() -> app.draft.isEmpty());
        ChaosAssertions.assertThat(gateway).forPrompt(PROMPT).showed(app.shown).withDraft(app.draft)
                .passes()
                .hasNoFinding(FindingCode.NO_BACKOFF);
    }
}
