package dev.chaosgate.upstream;

import static dev.chaosgate.upstream.UpstreamClients.chatParams;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletion;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Faults with state: seeded probability, rate-limit window, overload by concurrency, outage, first-N, flapping. */
@Timeout(30)
class StatefulFaultsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FakeUpstream upstream;
    private UpstreamClients clients;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.builder().seed(42).pacing(StreamPacing.immediate()).start();
        clients = new UpstreamClients(upstream.baseUrl());
    }

    @AfterEach
    void stop() {
        clients.close();
        upstream.close();
    }

    // ---- probability

    @Test
    void theSameSeedFiresOnTheSameRequestsAndAnotherSeedDoesNot() throws Exception {
        UpstreamFault fault = Faults.withProbability(0.5, Faults.badGateway());
        upstream.serve(fault);
        List<Integer> first = statuses(clients, 40);

        try (FakeUpstream twin = FakeUpstream.builder().seed(42).pacing(StreamPacing.immediate()).start();
             FakeUpstream other = FakeUpstream.builder().seed(43).pacing(StreamPacing.immediate()).start()) {
            twin.serve(fault);
            other.serve(fault);
            assertThat(statuses(new UpstreamClients(twin.baseUrl()), 40)).isEqualTo(first);
            assertThat(statuses(new UpstreamClients(other.baseUrl()), 40)).isNotEqualTo(first);
        }
        assertThat(first).containsOnly(200, 502);
        assertThat(first.stream().filter(status -> status == 502).count()).isBetween(8L, 32L);

        upstream.serve(fault);
        assertThat(statuses(clients, 40)).as("serving the fault again starts its sequence again").isEqualTo(first);
        assertThat(upstream.exchanges()).filteredOn(e -> e.status() == 502).extracting(UpstreamExchange::fault)
                .containsOnly("502 cloudflare/502-branded (p=0.5)");
    }

    @Test
    void probabilityZeroNeverFiresAndOneAlwaysDoes() throws Exception {
        upstream.serve(Faults.withProbability(0, Faults.badGateway()));
        assertThat(statuses(clients, 10)).containsOnly(200);
        upstream.serve(Faults.withProbability(1, Faults.badGateway()));
        assertThat(statuses(clients, 10)).containsOnly(502);
    }

    // ---- rate limit

    @Test
    void requestLimitCountsDownThenAnswers429UntilTheWindowResets() throws Exception {
        upstream.serve(Faults.rateLimit(3, 0, Duration.ofMillis(1500)));

        for (int remaining = 2; remaining >= 0; remaining--) {
            HttpResponse<String> ok = clients.chat("hi");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.headers().firstValue("x-ratelimit-limit-requests")).hasValue("3");
            assertThat(ok.headers().firstValue("x-ratelimit-remaining-requests")).hasValue(Integer.toString(remaining));
            assertThat(ok.headers().firstValue("retry-after")).isEmpty();
        }
        HttpResponse<String> limited = clients.chat("hi");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
        long retryAfterMs = Long.parseLong(limited.headers().firstValue("retry-after-ms").orElseThrow());
        assertThat(retryAfterMs).isBetween(500L, 1500L);
        assertThat(limited.headers().firstValue("retry-after")).hasValue(Long.toString((retryAfterMs + 999) / 1000));
        String reset = limited.headers().firstValue("x-ratelimit-reset-requests").orElseThrow();
        assertThat(goMillis(reset)).isCloseTo(retryAfterMs, org.assertj.core.data.Offset.offset(2L));
        JsonNode error = JSON.readTree(limited.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(error.path("message").asText()).contains("Limit 3, Used 3, Requested 1").contains("try again in " + reset);
        assertThat(clients.chat("hi").statusCode()).as("rejected requests do not use up the window").isEqualTo(429);

        Thread.sleep(retryAfterMs + 50);
        HttpResponse<String> again = clients.chat("hi");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("2");
        assertThat(upstream.exchanges()).extracting(UpstreamExchange::status).containsExactly(200, 200, 200, 429, 429, 200);
    }

    @Test
    void tokenLimitCountsTokensAndAnswersTheTokensVariant() throws Exception {
        // "hi" is about 1 token, plus the 64 a request without max_tokens is counted for.
        upstream.serve(Faults.rateLimit(0, 200, Duration.ofSeconds(10)));

        List<String> remaining = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> ok = clients.chat("hi");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.headers().firstValue("x-ratelimit-limit-tokens")).hasValue("200");
            remaining.add(ok.headers().firstValue("x-ratelimit-remaining-tokens").orElseThrow());
        }
        assertThat(remaining).containsExactly("135", "70", "5");
        HttpResponse<String> limited = clients.chat("hi");
        assertThat(limited.statusCode()).isEqualTo(429);
        JsonNode error = JSON.readTree(limited.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("tokens");
        assertThat(error.path("message").asText()).contains("Limit 200, Used 195, Requested 65");
        assertThat(limited.headers().firstValue("x-ratelimit-remaining-tokens")).hasValue("5");
    }

    @Test
    void theSdkWaitsForTheResetAndThenGetsThrough() {
        upstream.serve(Faults.rateLimit(1, 0, Duration.ofMillis(1200)));
        assertThat(clients.sdk(0).chat().completions().create(chatParams("hi")).choices()).hasSize(1);

        RateLimitException limited = catchThrowableOfType(RateLimitException.class,
                () -> clients.sdk(0).chat().completions().create(chatParams("hi")));
        assertThat(limited.code()).hasValue("rate_limit_exceeded");
        assertThat(limited.headers().values("x-ratelimit-remaining-requests")).containsExactly("0");

        ChatCompletion completion = clients.sdk(2).chat().completions().create(chatParams("hi"));
        assertThat(completion.choices()).hasSize(1);
        List<UpstreamExchange> exchanges = upstream.exchanges();
        assertThat(exchanges).extracting(UpstreamExchange::status).containsExactly(200, 429, 429, 200);
        long waited = Duration.between(exchanges.get(2).arrived(), exchanges.get(3).arrived()).toMillis();
        long told = Long.parseLong(exchanges.get(2).responseHeaders().get("retry-after-ms"));
        assertThat(waited).as("the SDK waits retry-after-ms").isBetween(told - 20, told + 600);
    }

    // ---- overload

    @Test
    void overloadShedsExactlyTheRequestsAboveTheLimit() throws Exception {
        // Slow answers keep the admitted requests in flight while the others arrive, even on a busy machine.
        upstream.serve(Faults.firstOf(Faults.overloadAbove(3), Faults.slowAnswer(Duration.ofMillis(2000))));

        List<HttpResponse<String>> responses = concurrently(8, () -> clients.chat("busy"));

        Map<Integer, Long> byStatus = responses.stream().collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));
        assertThat(byStatus).containsExactlyInAnyOrderEntriesOf(Map.of(200, 3L, 503, 5L));
        for (HttpResponse<String> shed : responses.stream().filter(r -> r.statusCode() == 503).toList()) {
            assertThat(shed.headers().firstValue("retry-after")).hasValue("1");
            assertThat(JSON.readTree(shed.body()).at("/error/code").asText()).isEqualTo("server_is_overloaded");
        }
        assertThat(upstream.exchanges()).filteredOn(e -> e.status() == 503).extracting(UpstreamExchange::fault)
                .containsOnly("overload above 3 in flight");
        assertThat(upstream.exchanges()).filteredOn(e -> e.status() == 200).extracting(UpstreamExchange::fault)
                .containsOnly("slow answer 2000 ms");
    }

    @Test
    void openStreamsHoldTheirSlotUntilTheirLastEvent() throws Exception {
        upstream.pacing(new StreamPacing(Duration.ofMillis(400), Duration.ofMillis(40)));
        upstream.serve(Faults.overloadAbove(2, Faults.status(503).withFixture("nginx/503")));

        List<HttpResponse<String>> responses = concurrently(5, () -> clients.chatStreamed("stream"));

        assertThat(responses).extracting(HttpResponse::statusCode).containsOnly(200, 503)
                .filteredOn(status -> status == 503).hasSize(3);
        assertThat(responses).filteredOn(r -> r.statusCode() == 200)
                .allSatisfy(r -> assertThat(r.body()).endsWith("data: [DONE]\n\n"));
        assertThat(responses).filteredOn(r -> r.statusCode() == 503)
                .allSatisfy(r -> assertThat(r.headers().firstValue("server")).hasValue("nginx"));
    }

    @Test
    void aClientCallingOneAtATimeIsNeverShed() throws Exception {
        upstream.serve(Faults.overloadAbove(1));
        for (int i = 0; i < 20; i++) {
            assertThat(clients.chat("one at a time").statusCode()).isEqualTo(200);
            assertThat(clients.chatStreamed("one at a time").statusCode()).isEqualTo(200);
        }
    }

    // ---- outage, first N, flapping

    @Test
    void outageThenRecovery() throws Exception {
        upstream.serve(Faults.outageFor(Duration.ofMillis(800), Faults.gatewayTimeout()));
        assertThat(clients.chat("down?").statusCode()).isEqualTo(504);
        assertThat(clients.chat("down?").statusCode()).isEqualTo(504);

        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(100))
                .until(() -> clients.chat("up?").statusCode() == 200);
        assertThat(statuses(clients, 5)).containsOnly(200);
        assertThat(upstream.exchanges().get(0).fault()).isEqualTo("504 nginx/504 (outage 800 ms)");
    }

    @Test
    void firstRequestsFailThenTheSdkGetsThroughOnItsRetries() throws Exception {
        upstream.serve(Faults.firstRequests(2, Faults.status(500)));
        assertThat(statuses(clients, 4)).containsExactly(500, 500, 200, 200);

        upstream.serve(Faults.firstRequests(2, Faults.status(500).withRetryAfterMs(20)));
        upstream.clearExchanges();
        ChatCompletion completion = clients.sdk(2).chat().completions().create(chatParams("retry me"));
        assertThat(completion.choices().get(0).message().content()).isPresent();
        assertThat(upstream.exchanges()).extracting(UpstreamExchange::status).containsExactly(500, 500, 200);
        assertThat(upstream.exchanges()).extracting(e -> e.requestHeaders().get("x-stainless-retry-count").get(0))
                .containsExactly("0", "1", "2");
        assertThat(upstream.exchanges()).extracting(UpstreamExchange::requestBody).containsOnly(
                upstream.exchanges().get(0).requestBody());
    }

    @Test
    void flappingAlternatesDownAndUp() throws Exception {
        long down = 400;
        long up = 400;
        upstream.serve(Faults.flapping(Duration.ofMillis(down), Duration.ofMillis(up), Faults.overloaded()));
        long served = System.nanoTime();
        List<long[]> samples = new ArrayList<>();
        while ((System.nanoTime() - served) / 1_000_000 < 2400) {
            long at = (System.nanoTime() - served) / 1_000_000;
            samples.add(new long[] {at, clients.chat("flap").statusCode()});
            Thread.sleep(25);
        }
        int checked = 0;
        for (long[] sample : samples) {
            long phase = sample[0] % (down + up);
            boolean nearEdge = phase < 100 || Math.abs(phase - down) < 100 || phase > down + up - 100;
            if (!nearEdge) {
                assertThat(sample[1]).as("at %d ms", sample[0]).isEqualTo(phase < down ? 503 : 200);
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(10);
        assertThat(samples).extracting(s -> s[1]).contains(200L, 503L);
    }

    @Test
    void firstOfCombinesARateLimiterWithOtherFaults() throws Exception {
        upstream.serve(Faults.firstOf(Faults.firstRequests(1, Faults.badGateway()), Faults.rateLimit(5, 0, Duration.ofSeconds(30))));

        HttpResponse<String> first = clients.chat("hi");
        assertThat(first.statusCode()).isEqualTo(502);
        assertThat(first.headers().firstValue("x-ratelimit-remaining-requests")).isEmpty();
        HttpResponse<String> second = clients.chat("hi");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("4");
    }

    @Test
    void slowAnswerDelaysTheFirstByte() throws Exception {
        upstream.serve(Faults.slowAnswer(Duration.ofMillis(500)));
        long start = System.nanoTime();
        HttpResponse<String> response = clients.chat("slow");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(480);
        assertThat(upstream.exchanges().get(0).duration()).isGreaterThanOrEqualTo(Duration.ofMillis(480));
        assertThat(upstream.exchanges().get(0).fault()).isEqualTo("slow answer 500 ms");
    }

    // ---- helpers

    private static List<Integer> statuses(UpstreamClients through, int count) throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            statuses.add(through.chat("request " + i).statusCode());
        }
        return statuses;
    }

    /** Starts {@code count} calls together (a latch opens them at once) and waits for all of them. */
    private static <T> List<T> concurrently(int count, java.util.concurrent.Callable<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            CountDownLatch ready = new CountDownLatch(count);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return call.call();
                }));
            }
            assertThat(ready.await(5, TimeUnit.SECONDS)).isTrue();
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(20, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Milliseconds of a Go duration as OpenAI writes resets: {@code 1.234s}, {@code 950ms}. */
    private static long goMillis(String duration) {
        if (duration.endsWith("ms")) {
            return Math.round(Double.parseDouble(duration.substring(0, duration.length() - 2)));
        }
        return Math.round(Double.parseDouble(duration.substring(0, duration.length() - 1)) * 1000);
    }
}
