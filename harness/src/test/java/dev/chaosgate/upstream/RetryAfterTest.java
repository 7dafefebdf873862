package dev.chaosgate.upstream;

import static dev.chaosgate.upstream.UpstreamClients.chatParams;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.openai.client.OpenAIClient;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.RateLimitException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * {@code Retry-After}, {@code retry-after-ms} and {@code x-should-retry} as they go on the wire, and
 * what openai-java (4.101.0, {@code maxRetries(2)}) does with each, timed from the arrivals the
 * upstream recorded. The findings are summed up in docs/faults.md.
 */
@Timeout(30)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RetryAfterTest {
    private FakeUpstream upstream;
    private UpstreamClients clients;

    @BeforeAll
    void start() {
        upstream = FakeUpstream.builder().seed(3).pacing(StreamPacing.immediate()).start();
        clients = new UpstreamClients(upstream.baseUrl());
    }

    @AfterAll
    void stop() {
        clients.close();
        upstream.close();
    }

    @BeforeEach
    void reset() {
        upstream.serveNormally();
        upstream.clearExchanges();
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class OnTheWire {
        @Test
        void secondsFractionNegativeHugeAndGarbageAreWrittenAsIs() throws Exception {
            assertThat(retryAfter(RetryAfter.seconds(3))).isEqualTo("3");
            assertThat(retryAfter(RetryAfter.seconds(0))).isEqualTo("0");
            assertThat(retryAfter(RetryAfter.fraction(1.5))).isEqualTo("1.5");
            assertThat(retryAfter(RetryAfter.fraction(0.25))).isEqualTo("0.25");
            assertThat(retryAfter(RetryAfter.negative())).isEqualTo("-5");
            assertThat(retryAfter(RetryAfter.huge())).isEqualTo("999999999");
            assertThat(retryAfter(RetryAfter.garbage())).isEqualTo("soon, probably");
        }

        @Test
        void datesAreHttpDatesAheadOfOrBehindTheMomentTheyAreSent() throws Exception {
            Instant ahead = ZonedDateTime.parse(retryAfter(RetryAfter.httpDate(Duration.ofSeconds(30))),
                    DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            assertThat(Duration.between(Instant.now(), ahead).toSeconds()).isBetween(27L, 31L);

            String past = retryAfter(RetryAfter.pastDate());
            assertThat(past).endsWith(" GMT");
            Instant behind = ZonedDateTime.parse(past, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            assertThat(Duration.between(behind, Instant.now()).toMinutes()).isBetween(9L, 10L);
        }

        @Test
        void datesAreImfFixdatesWithATwoDigitDay() {
            Instant firstOfMonth = Instant.parse("2026-11-01T08:09:10Z");
            assertThat(RetryAfter.httpDate(Duration.ofSeconds(5)).headerValue(firstOfMonth))
                    .isEqualTo("Sun, 01 Nov 2026 08:09:15 GMT");
            assertThat(RetryAfter.pastDate().headerValue(firstOfMonth)).isEqualTo("Sun, 01 Nov 2026 07:59:10 GMT");
        }

        @Test
        void retryAfterMsAndShouldRetryHeaders() throws Exception {
            upstream.serve(Faults.status(503).withRetryAfterMs(1500).withRetryAfter(RetryAfter.seconds(2))
                    .withShouldRetry(false));
            HttpResponse<String> response = clients.chat("hi");

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().allValues("retry-after-ms")).containsExactly("1500");
            assertThat(response.headers().allValues("retry-after")).containsExactly("2");
            assertThat(response.headers().allValues("x-should-retry")).containsExactly("false");
            assertThat(upstream.exchanges().get(0).responseHeaders())
                    .containsEntry("retry-after-ms", "1500").containsEntry("x-should-retry", "false");
        }

        @Test
        void theRetryAfterDrivesTheTryAgainTextOfRateLimitMessages() throws Exception {
            upstream.serve(Faults.rateLimited().withRetryAfter(RetryAfter.seconds(7)));
            HttpResponse<String> response = clients.chat("hi");

            assertThat(response.body()).contains("Please try again in 7s.");
            assertThat(response.headers().firstValue("x-ratelimit-reset-requests")).hasValue("7s");
        }

        @Test
        void honouredDelayIsWhatAWellBehavedClientWaits() {
            assertThat(RetryAfter.seconds(3).honouredDelay()).isEqualTo(Duration.ofSeconds(3));
            assertThat(RetryAfter.fraction(1.5).honouredDelay()).isEqualTo(Duration.ofMillis(1500));
            assertThat(RetryAfter.httpDate(Duration.ofSeconds(9)).honouredDelay()).isEqualTo(Duration.ofSeconds(9));
            assertThat(RetryAfter.pastDate().honouredDelay()).isZero();
            assertThat(RetryAfter.negative().honouredDelay()).isZero();
            assertThat(RetryAfter.garbage().honouredDelay()).isZero();
        }

        private String retryAfter(RetryAfter value) throws Exception {
            upstream.serve(Faults.status(503).withRetryAfter(value));
            HttpResponse<String> response = clients.chat("hi");
            assertThat(response.statusCode()).isEqualTo(503);
            List<String> values = response.headers().allValues("retry-after");
            assertThat(values).hasSize(1);
            return values.get(0);
        }
    }

    /** openai-java 4.101.0 with {@code maxRetries(2)}: 3 attempts at most, unless OkHttp adds its own. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class WhatTheSdkDoes {
        @Test
        void withoutRetryAfterItBacksOffAboutHalfASecondThenASecond() {
            Attempts attempts = attempts(Faults.status(503), 2);

            assertThat(attempts.thrown()).isInstanceOf(InternalServerException.class);
            assertThat(attempts.retryCounts()).containsExactly("0", "1", "2");
            assertThat(attempts.gapsMillis().get(0)).isBetween(300L, 900L);
            assertThat(attempts.gapsMillis().get(1)).isBetween(650L, 1500L);
        }

        @Test
        void wholeSecondsAreHonoured() {
            Attempts attempts = attempts(Faults.status(503).withRetryAfter(RetryAfter.seconds(1)), 2);

            assertThat(attempts.retryCounts()).containsExactly("0", "1", "2");
            assertThat(attempts.gapsMillis()).allSatisfy(gap -> assertThat(gap).isBetween(950L, 1700L));
        }

        @Test
        void fractionsAreHonoured() {
            Attempts attempts = attempts(Faults.status(503).withRetryAfter(RetryAfter.fraction(0.3)), 2);

            assertThat(attempts.retryCounts()).containsExactly("0", "1", "2");
            assertThat(attempts.gapsMillis()).allSatisfy(gap -> assertThat(gap).isBetween(280L, 800L));
        }

        @Test
        void aFutureDateIsHonoured() {
            // The date has whole seconds, so "2 s ahead" is 1 to 2 s away by the time it is read.
            Attempts attempts = attempts(Faults.status(503).withRetryAfter(RetryAfter.httpDate(Duration.ofSeconds(2))), 1);

            assertThat(attempts.retryCounts()).containsExactly("0", "1");
            assertThat(attempts.gapsMillis().get(0)).isBetween(900L, 2700L);
        }

        @Test
        void aPastDateMeansRetryAtOnce() {
            Attempts attempts = attempts(Faults.status(503).withRetryAfter(RetryAfter.pastDate()), 2);

            assertThat(attempts.thrown()).isInstanceOf(InternalServerException.class);
            assertThat(attempts.retryCounts()).containsExactly("0", "1", "2");
            assertThat(attempts.gapsMillis()).allSatisfy(gap -> assertThat(gap).isLessThan(250L));
        }

        @Test
        void aNegativeValueMeansRetryAtOnce() {
            Attempts attempts = attempts(Faults.status(503).withRetryAfter(RetryAfter.negative()), 2);

            assertThat(attempts.thrown()).isInstanceOf(InternalServerException.class);
            assertThat(attempts.retryCounts()).containsExactly("0", "1", "2");
            assertThat(attempts.gapsMillis()).allSatisfy(gap -> assertThat(gap).isLessThan(250L));
        }

        @Test
        void garbageFallsBackToTheDefaultBackoff() {
            Attempts attempts = attempts(Faults.status(503).withRetryAfter(RetryAfter.garbage()), 2);

            assertThat(attempts.retryCounts()).containsExactly("0", "1", "2");
            assertThat(attempts.gapsMillis().get(0)).isBetween(300L, 900L);
            assertThat(attempts.gapsMillis().get(1)).isBetween(650L, 1500L);
        }

        @Test
        void aHugeValueIsNotRetriedSoon() throws Exception {
            // 4.101.0 caps a server-given wait at 8 s (MAX_RETRY_DELAY): a huge value waits 8 s, measured
            // by hand; here only that it does not fall back to the default half-second backoff.
            upstream.serve(Faults.status(503).withRetryAfter(RetryAfter.huge()));
            OpenAIClient sdk = clients.sdk(1);
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread caller = new Thread(() -> {
                try {
                    sdk.chat().completions().create(chatParams("hi"));
                } catch (Throwable t) {
                    thrown.set(t);
                }
            }, "huge-retry-after");
            caller.start();
            await().atMost(Duration.ofSeconds(5)).until(() -> upstream.exchanges().size() == 1);
            Thread.sleep(2000);

            assertThat(upstream.exchanges()).hasSize(1);
            assertThat(caller.getState()).isEqualTo(Thread.State.TIMED_WAITING);
            caller.interrupt();
            caller.join(5000);
            assertThat(caller.isAlive()).isFalse();
            // The SDK sleeps with Thread.sleep and lets the interruption out as it is.
            assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        }

        @Test
        void retryAfterMsWinsOverRetryAfter() {
            Attempts attempts = attempts(Faults.status(503).withRetryAfterMs(200).withRetryAfter(RetryAfter.seconds(3)), 2);

            assertThat(attempts.retryCounts()).containsExactly("0", "1", "2");
            assertThat(attempts.gapsMillis()).allSatisfy(gap -> assertThat(gap).isBetween(180L, 700L));
        }

        @Test
        void shouldRetryFalseStopsItAtOnce() {
            Attempts attempts = attempts(Faults.status(503).withShouldRetry(false).withRetryAfter(RetryAfter.seconds(1)), 2);

            assertThat(attempts.thrown()).isInstanceOf(InternalServerException.class);
            assertThat(attempts.retryCounts()).containsExactly("0");
        }

        @Test
        void shouldRetryTrueMakesItRetryEvenA400() {
            Attempts attempts = attempts(Faults.status(400).withShouldRetry(true).withRetryAfterMs(50), 2);

            assertThat(attempts.thrown()).isInstanceOf(BadRequestException.class);
            assertThat(attempts.retryCounts()).containsExactly("0", "1", "2");
        }

        @Test
        void quotaExhaustionIsRetriedUnlessTheServerSaysNot() {
            Attempts retried = attempts(Faults.quotaExhausted().withRetryAfterMs(50), 2);
            assertThat(retried.thrown()).isInstanceOf(RateLimitException.class);
            assertThat(retried.retryCounts()).containsExactly("0", "1", "2");

            upstream.clearExchanges();
            Attempts stopped = attempts(Faults.quotaExhausted().withShouldRetry(false), 2);
            assertThat(stopped.retryCounts()).containsExactly("0");
        }

        @Test
        void nonRetryableStatusesAreNotRetried() {
            assertThat(attempts(Faults.accessDenied(), 2).retryCounts()).containsExactly("0");
            upstream.clearExchanges();
            assertThat(attempts(Faults.status(401), 2).retryCounts()).containsExactly("0");
        }

        @Test
        void a503WithRetryAfterZeroIsRetriedByOkHttpToo() {
            // OkHttp itself repeats a 503 carrying "Retry-After: 0" once, under every SDK attempt.
            Attempts attempts = attempts(Faults.status(503).withRetryAfter(RetryAfter.seconds(0)), 2);

            assertThat(attempts.thrown()).isInstanceOf(InternalServerException.class);
            assertThat(attempts.retryCounts()).containsExactly("0", "0", "1", "1", "2", "2");

            upstream.clearExchanges();
            Attempts on429 = attempts(Faults.rateLimited().withRetryAfter(RetryAfter.seconds(0)), 2);
            assertThat(on429.retryCounts()).as("not for a 429").containsExactly("0", "1", "2");
        }
    }

    /** What one SDK call did: the attempts the upstream saw and what the call threw. */
    record Attempts(List<UpstreamExchange> exchanges, Throwable thrown) {
        List<String> retryCounts() {
            return exchanges.stream().map(e -> e.requestHeaders().getOrDefault("x-stainless-retry-count", List.of("?")).get(0))
                    .toList();
        }

        List<Long> gapsMillis() {
            List<Long> gaps = new ArrayList<>();
            for (int i = 1; i < exchanges.size(); i++) {
                gaps.add(Duration.between(exchanges.get(i - 1).arrived(), exchanges.get(i).arrived()).toMillis());
            }
            return gaps;
        }
    }

    private Attempts attempts(UpstreamFault fault, int maxRetries) {
        upstream.serve(fault);
        Throwable thrown = null;
        try {
            clients.sdk(maxRetries).chat().completions().create(chatParams("hi"));
        } catch (RuntimeException e) {
            thrown = e;
        }
        return new Attempts(upstream.exchanges(), thrown);
    }
}
