package dev.chaosgate.verdict;

import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.scenario.Chaos;
import dev.chaosgate.scenario.LinkToxic;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.upstream.StreamPacing;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static dev.chaosgate.verdict.FindingCode.NO_BACKOFF;
import static dev.chaosgate.verdict.FindingCode.NO_RETRY;
import static dev.chaosgate.verdict.FindingCode.TOO_MANY_ATTEMPTS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attempts the upstream never saw, and waits measured from when the client gave up, end to end: a real gateway,
 * real sockets, and clients written here in different styles (java.net.http, a hand-written HTTP/1.1 socket
 * client), each doing what a real app does.
 */
class LinkAttemptsEndToEndTest {
    private static final String PROMPT = "Summarise the meeting notes in three bullet points";
    private static final String CONNECTION_MESSAGE = "We couldn't reach the AI service: the connection timed out."
            + " Your message is kept, please try again shortly.";

    private static ChaosGateway gateway(Scenario scenario) {
        return ChaosGateway.builder().scenario(scenario).pacing(StreamPacing.immediate()).start();
    }

    private static String body(String prompt) {
        return "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
    }

    private static HttpRequest chat(String baseUrl, Duration timeout) {
        return HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions")).timeout(timeout)
                .header("content-type", "application/json").header("authorization", "Bearer test")
                .POST(HttpRequest.BodyPublishers.ofString(body(PROMPT))).build();
    }

    private static HttpClient http() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void assertCodes(Verdict verdict, FindingCode... expected) {
        Set<FindingCode> codes = expected.length == 0 ? EnumSet.noneOf(FindingCode.class) : EnumSet.of(expected[0], expected);
        assertThat(verdict.codes()).as("finding codes of\n%s", verdict.explain()).isEqualTo(codes);
    }

    /**
     * A hand-written HTTP/1.1 client on a plain socket: one request per connection, a read timeout, and the
     * socket closed when it gives up. Returns the status, or -1 when the read timed out.
     */
    private static int sendOverSocket(String baseUrl, Duration readTimeout) throws IOException {
        URI uri = URI.create(baseUrl);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 2_000);
            socket.setSoTimeout((int) readTimeout.toMillis());
            byte[] json = body(PROMPT).getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + uri.getPath() + "/chat/completions HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nContent-Type: application/json\r\nAuthorization: Bearer test\r\nConnection: close\r\nContent-Length: "
                    + json.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(json);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            try {
                int b;
                while ((b = in.read()) >= 0 && head.size() < 12) {
                    head.write(b);
                }
            } catch (SocketTimeoutException timedOut) {
                return -1;
            }
            String statusLine = head.toString(StandardCharsets.ISO_8859_1);
            return statusLine.length() >= 12 ? Integer.parseInt(statusLine.substring(9, 12)) : -1;
        }
    }

    @Test
    void aClientHammeringABlackHoleIsCaughtThoughNothingReachesTheUpstream() throws Exception {
        // Given black-hole-timeout: the link swallows every request; budget 2 attempts.
        try (ChaosGateway gateway = gateway(ScenarioCatalog.builtIn().get("black-hole-timeout"))) {
            // When an app's loop tries six times, each with a 2 s timeout, and retries the moment one times out
            HttpClient http = http();
            for (int i = 0; i < 6; i++) {
                try {
                    http.send(chat(gateway.baseUrl(), Duration.ofSeconds(2)), HttpResponse.BodyHandlers.ofString());
                } catch (HttpTimeoutException timedOut) {
                    // and again
                }
            }
            Verdict verdict = gateway.verdict(PROMPT, List.of(CONNECTION_MESSAGE), PROMPT);

            // Then all six attempts count, though the upstream saw none, and none waited
            assertThat(gateway.exchanges()).as("the upstream saw nothing").isEmpty();
            assertCodes(verdict, TOO_MANY_ATTEMPTS, NO_BACKOFF);
            assertThat(verdict.attempts()).hasSize(6).allSatisfy(a -> {
                assertThat(a.reachedUpstream()).isFalse();
                assertThat(a.exchange().phase()).isEqualTo("black-hole");
                assertThat(a.exchange().fault()).startsWith("never reached the upstream (the client gave up after ");
            });
            // each attempt ends when the client closed its connection, ~2 s after it was sent, not at its send
            assertThat(verdict.attempts().get(1).gap()).isLessThan(Duration.ofMillis(500));
            assertThat(verdict.attempts().get(1).offset()).isGreaterThan(Duration.ofMillis(1900));
        }
    }

    @Test
    void aGoodClientInABlackHoleTriesTwiceWaitsAndGivesUpWithConnectionGuidance() throws Exception {
        try (ChaosGateway gateway = gateway(ScenarioCatalog.builtIn().get("black-hole-timeout"))) {
            // A socket client: 1.5 s read timeout, one retry after 600 ms, then a message and the prompt kept
            assertThat(sendOverSocket(gateway.baseUrl(), Duration.ofMillis(1500))).isEqualTo(-1);
            sleep(600);
            assertThat(sendOverSocket(gateway.baseUrl(), Duration.ofMillis(1500))).isEqualTo(-1);
            Verdict verdict = gateway.verdict(PROMPT, List.of(CONNECTION_MESSAGE), PROMPT);

            assertCodes(verdict);
            assertThat(verdict.attempts()).hasSize(2);
            assertThat(verdict.attempts().get(1).gap()).isBetween(Duration.ofMillis(590), Duration.ofMillis(1500));
        }
    }

    @Test
    void noRetryIsJudgedWhenOnlyTheLinkSawTheAttempt() throws Exception {
        // A black hole for 2.5 s, then a healthy service: a good client retries after its timeout and gets the answer.
        Scenario briefHole = Chaos.scenario("brief-black-hole")
                .then(Chaos.phase("black-hole").lasting(Duration.ofMillis(2500)).withToxic(LinkToxic.blackHole()))
                .then(Chaos.phase("healthy"))
                .expect(Chaos.recovers().withMaxAttempts(3))
                .build();
        try (ChaosGateway gateway = gateway(briefHole)) {
            // Gives up after its only attempt timed out
            assertThat(sendOverSocket(gateway.baseUrl(), Duration.ofMillis(1000))).isEqualTo(-1);
            Verdict gaveUp = gateway.verdict(PROMPT, List.of(CONNECTION_MESSAGE), PROMPT);
            assertCodes(gaveUp, NO_RETRY);
            assertThat(gaveUp.findings().get(0).message()).startsWith("the client gave up after attempt 1 (connection_failure)");

            // Retries after the hole ended and gets the answer
            gateway.restart();
            assertThat(sendOverSocket(gateway.baseUrl(), Duration.ofMillis(1000))).isEqualTo(-1);
            sleep(1800);
            assertThat(sendOverSocket(gateway.baseUrl(), Duration.ofMillis(3000))).isEqualTo(200);
            Verdict retried = gateway.verdict(PROMPT, List.of("Here are the three bullet points."), "");
            assertCodes(retried);
            assertThat(retried.attempts()).extracting(Attempt::reachedUpstream).containsExactly(false, true);
        }
    }

    @Test
    void fullJitterPassesBadGatewayBurstInEverySeededRun() throws Exception {
        // AWS full jitter: the k-th wait is drawn from 0 .. 200 ms x 2^(k-1); java.net.http, connection kept alive.
        List<Long> firstWaits = new ArrayList<>();
        try (ChaosGateway gateway = gateway(ScenarioCatalog.builtIn().get("bad-gateway-burst"))) {
            for (long seed = 1; seed <= 12; seed++) {
                gateway.restart();
                SplittableRandom random = new SplittableRandom(seed);
                HttpClient http = http();
                List<Long> waits = new ArrayList<>();
                int status = 0;
                for (int attempt = 1; attempt <= 3 && status != 200; attempt++) {
                    if (attempt > 1) {
                        long wait = (long) (random.nextDouble() * 200 * Math.pow(2, attempt - 2));
                        waits.add(wait);
                        sleep(wait);
                    }
                    status = http.send(chat(gateway.baseUrl(), Duration.ofSeconds(10)), HttpResponse.BodyHandlers.ofString()).statusCode();
                }
                firstWaits.add(waits.get(0));
                Verdict verdict = gateway.verdict(PROMPT, List.of("Here are the three bullet points."), "");
                assertThat(verdict.passed()).as("seed %d, waits %s:%n%s", seed, waits, verdict.explain()).isTrue();
                assertThat(verdict.attempts()).hasSize(3);
            }
        }
        // The runs include the draws a per-gap minimum of 100 ms used to fail.
        assertThat(firstWaits).anySatisfy(w -> assertThat(w).isLessThan(80));
    }

    @Test
    void aRetryRightAfterTheClientsOwnTimeoutIsMeasuredFromTheTimeout() throws Exception {
        // origin-hangs-once: the first request hangs for an hour, the next is answered at once.
        try (ChaosGateway gateway = gateway(ScenarioCatalog.builtIn().get("origin-hangs-once"))) {
            // A socket client whose 1.5 s read timeout fires, and which resends on a new connection at once
            assertThat(sendOverSocket(gateway.baseUrl(), Duration.ofMillis(1500))).isEqualTo(-1);
            assertThat(sendOverSocket(gateway.baseUrl(), Duration.ofSeconds(5))).isEqualTo(200);
            Verdict atOnce = gateway.verdict(PROMPT, List.of("Here are the three bullet points."), "");
            // the wait is measured from when the client gave up, so the 1.5 s timeout is not a backoff
            assertThat(atOnce.attempts().get(1).gap()).isLessThan(Duration.ofMillis(BackoffJudge.IMMEDIATE_MS));
            // one wait alone is never NO_BACKOFF: it cannot be told from full jitter's draw near 0 ms
            assertCodes(atOnce);
            assertThat(atOnce.attempts().get(0).clientGaveUp()).isTrue();

            // The same client with a 500 ms backoff after its timeout
            gateway.restart();
            assertThat(sendOverSocket(gateway.baseUrl(), Duration.ofMillis(1500))).isEqualTo(-1);
            sleep(500);
            assertThat(sendOverSocket(gateway.baseUrl(), Duration.ofSeconds(5))).isEqualTo(200);
            Verdict backedOff = gateway.verdict(PROMPT, List.of("Here are the three bullet points."), "");
            assertCodes(backedOff);
            assertThat(backedOff.attempts().get(1).gap()).isBetween(Duration.ofMillis(490), Duration.ofMillis(1400));
        }
    }

    @Test
    void anAtOnceRetryAfterAnAbsurdRetryAfterIsNoBackoff() throws Exception {
        // retry-after-huge: one 503 with Retry-After 999999999 (31 years), then answers; honouring it is not checked.
        try (ChaosGateway gateway = gateway(ScenarioCatalog.builtIn().get("retry-after-huge"))) {
            // openai npm 6.x style: the huge wait overflows its timer, which fires after a few ms (19 ms measured)
            HttpClient http = http();
            HttpResponse<String> first = http.send(chat(gateway.baseUrl(), Duration.ofSeconds(10)), HttpResponse.BodyHandlers.ofString());
            assertThat(first.statusCode()).isEqualTo(503);
            assertThat(first.headers().firstValue("retry-after")).isPresent();
            sleep(19);
            assertThat(http.send(chat(gateway.baseUrl(), Duration.ofSeconds(10)), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(200);
            Verdict overflowed = gateway.verdict(PROMPT, List.of("Here are the three bullet points."), "");
            assertCodes(overflowed, NO_BACKOFF);
            assertThat(overflowed.findings().get(0).message()).startsWith("attempt 2 came ").contains("ms after attempt 1's answer asked to wait");

            // openai-node >= 4 style: a wait over 60 s is not believed; its own backoff, 0.5 s x (1 - up to 25 %)
            gateway.restart();
            assertThat(http.send(chat(gateway.baseUrl(), Duration.ofSeconds(10)), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(503);
            sleep((long) (500 * (1 - 0.25 * new SplittableRandom(6).nextDouble())));
            assertThat(http.send(chat(gateway.baseUrl(), Duration.ofSeconds(10)), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(200);
            assertCodes(gateway.verdict(PROMPT, List.of("Here are the three bullet points."), ""));
        }
    }

    @Test
    void aModelListTheLinkSawIsNotAnAttempt() throws Exception {
        try (ChaosGateway gateway = gateway(ScenarioCatalog.builtIn().get("black-hole-timeout"))) {
            HttpClient http = http();
            // a warm-up GET /v1/models, swallowed too, then one chat attempt, one retry after 700 ms
            try {
                http.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/models")).timeout(Duration.ofMillis(800))
                        .GET().build(), HttpResponse.BodyHandlers.ofString());
            } catch (HttpTimeoutException expected) {
                // swallowed
            }
            for (int i = 0; i < 2; i++) {
                if (i > 0) {
                    sleep(700);
                }
                try {
                    http.send(chat(gateway.baseUrl(), Duration.ofMillis(1200)), HttpResponse.BodyHandlers.ofString());
                } catch (HttpTimeoutException expected) {
                    // swallowed
                }
            }
            Verdict verdict = gateway.verdict(PROMPT, List.of(CONNECTION_MESSAGE), PROMPT);
            assertCodes(verdict);
            assertThat(verdict.attempts()).hasSize(2).allSatisfy(a -> assertThat(a.exchange().path()).isEqualTo("/v1/chat/completions"));
        }
    }
}
