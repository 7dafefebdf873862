package dev.chaosgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.upstream.RetryAfter;
import dev.chaosgate.upstream.UpstreamExchange;
import dev.chaosgate.upstream.UpstreamFault;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The built-in {@code overloaded-under-concurrency} scenario, whose 503s cost the service work, played
 * through a real gateway to a crowd of real HTTP clients: a crowd that retries at once keeps the
 * service overloaded long after one that honours Retry-After and backs off with jitter has let it
 * recover. How long the overload lasted is read from the gateway's own journal; a steady trickle of
 * other users, well below capacity, shows when the service answers again.
 */
@Timeout(120)
class OverloadCrowdTest {
    private static final int USERS = 20;

    @Test
    void aNaiveCrowdKeepsTheServiceOverloadedLongerThanABackingOffCrowd() throws Exception {
        Scenario scenario = ScenarioCatalog.builtIn().get("overloaded-under-concurrency");
        UpstreamFault.Overload overload = (UpstreamFault.Overload) scenario.phases().get(0).upstream();
        assertThat(overload.shedCost()).as("the scenario's 503s cost work").isPositive();

        CrowdRun naive = play(scenario, new Naive());
        CrowdRun backingOff = play(scenario, new BackingOff());

        String report = "naive: " + naive + "\nbacking off: " + backingOff;
        assertThat(naive.shed()).as("the naive crowd overloaded the service%n%s", report).isPositive();
        assertThat(backingOff.shed()).as("the backing-off crowd overloaded the service%n%s", report).isPositive();
        // The naive crowd's retries leave more work than the slots can do while they come: the overload
        // outlives the crowd itself. Generous margins: the modelled gap is about 2 s against a few hundred ms.
        assertThat(naive.overload()).as("how long the naive crowd's overload lasted%n%s", report)
                .isGreaterThanOrEqualTo(Duration.ofMillis(1000))
                .isGreaterThan(backingOff.overload().multipliedBy(2))
                .isGreaterThan(backingOff.overload().plusMillis(700));
        assertThat(backingOff.answeredUsers()).as("users answered in the end%n%s", report).isGreaterThan(naive.answeredUsers());
        assertThat(naive.attemptsPerUser()).as("attempts per user%n%s", report).isGreaterThan(backingOff.attemptsPerUser());
    }

    /** One crowd of {@value #USERS} users started together, each wanting one answer, against a fresh gateway. */
    private static CrowdRun play(Scenario scenario, RetryPolicy policy) throws Exception {
        try (ChaosGateway gateway = ChaosGateway.builder().scenario(scenario).start()) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
            ExecutorService pool = Executors.newFixedThreadPool(USERS + 1);
            try {
                CountDownLatch ready = new CountDownLatch(USERS);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Integer>> users = new ArrayList<>();
                for (int user = 0; user < USERS; user++) {
                    SplittableRandom random = new SplittableRandom(1000 + user);
                    String prompt = "user " + user + ": where is my order?";
                    users.add(pool.submit(() -> {
                        ready.countDown();
                        go.await();
                        return policy.attemptsUntilAnswered(() -> chat(http, gateway, prompt), random);
                    }));
                }
                assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
                AtomicBoolean crowdDone = new AtomicBoolean();
                // Other users, one request at a time, 5 a second, far below capacity: when they are answered
                // again, the overload is over. They stop once the crowd is done and three in a row were answered.
                Future<?> trickle = pool.submit(() -> {
                    int answeredInARow = 0;
                    Instant giveUp = Instant.now().plusSeconds(40);
                    while ((!crowdDone.get() || answeredInARow < 3) && Instant.now().isBefore(giveUp)) {
                        answeredInARow = chat(http, gateway, "a passer-by asks the time").statusCode() == 200 ? answeredInARow + 1 : 0;
                        Thread.sleep(200);
                    }
                    return null;
                });
                go.countDown();
                int answered = 0;
                for (Future<Integer> user : users) {
                    answered += user.get(60, TimeUnit.SECONDS) > 0 ? 1 : 0;
                }
                crowdDone.set(true);
                trickle.get(60, TimeUnit.SECONDS);
                return CrowdRun.of(gateway.exchanges(), answered);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static HttpResponse<String> chat(HttpClient http, ChaosGateway gateway, String prompt) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/chat/completions"))
                .timeout(Duration.ofSeconds(10)).header("content-type", "application/json").header("authorization", "Bearer test")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\""
                        + prompt + "\"}]}"))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** How one user retries. */
    private interface RetryPolicy {
        /** The attempt that was answered (1 for the first), or 0 when the user gave up. */
        int attemptsUntilAnswered(Call call, SplittableRandom random) throws Exception;
    }

    private interface Call {
        HttpResponse<String> send() throws Exception;
    }

    /** Retries at once, up to 10 attempts. */
    private static final class Naive implements RetryPolicy {
        @Override
        public int attemptsUntilAnswered(Call call, SplittableRandom random) throws Exception {
            for (int attempt = 1; attempt <= 10; attempt++) {
                if (call.send().statusCode() == 200) {
                    return attempt;
                }
            }
            return 0;
        }
    }

    /** Up to 4 attempts; waits the longer of Retry-After and 250 ms doubling, times 1 to 2 (upward jitter). */
    private static final class BackingOff implements RetryPolicy {
        @Override
        public int attemptsUntilAnswered(Call call, SplittableRandom random) throws Exception {
            for (int attempt = 1; attempt <= 4; attempt++) {
                HttpResponse<String> response = call.send();
                if (response.statusCode() == 200) {
                    return attempt;
                }
                Duration backoff = Duration.ofMillis(250L << (attempt - 1));
                Duration asked = RetryAfter.requestedWait(response.headers().firstValue("retry-after-ms").orElse(null),
                        response.headers().firstValue("retry-after").orElse(null), Instant.now()).orElse(Duration.ZERO);
                Duration wait = asked.compareTo(backoff) > 0 ? asked : backoff;
                Thread.sleep((long) (wait.toMillis() * (1 + random.nextDouble())));
            }
            return 0;
        }
    }

    /**
     * A crowd's run as the gateway's journal tells it.
     *
     * @param overload from the arrival of the first shed request to that of the last
     */
    record CrowdRun(long crowdAttempts, long shed, Duration overload, int answeredUsers, String timeline) {
        static CrowdRun of(List<UpstreamExchange> exchanges, int answeredUsers) {
            List<UpstreamExchange> generation = exchanges.stream().filter(UpstreamExchange::isGeneration).toList();
            List<UpstreamExchange> shed = generation.stream().filter(e -> e.status() == 503).toList();
            Duration overload = shed.isEmpty() ? Duration.ZERO
                    : Duration.between(shed.get(0).arrived(), shed.get(shed.size() - 1).arrived());
            long crowdAttempts = generation.stream().filter(e -> e.prompt() != null && e.prompt().startsWith("user ")).count();
            StringBuilder timeline = new StringBuilder();
            Instant first = generation.isEmpty() ? Instant.EPOCH : generation.get(0).arrived();
            for (UpstreamExchange e : generation) {
                timeline.append(String.format("    +%5d ms  %3d  %s%n", Duration.between(first, e.arrived()).toMillis(), e.status(),
                        e.prompt() != null && e.prompt().startsWith("user ") ? "crowd" : "trickle"));
            }
            return new CrowdRun(crowdAttempts, shed.size(), overload, answeredUsers, timeline.toString());
        }

        double attemptsPerUser() {
            return (double) crowdAttempts / USERS;
        }

        @Override
        public String toString() {
            return String.format("%d attempts (%.2f per user), %d shed, overload %d ms, %d of %d users answered%n%s",
                    crowdAttempts, attemptsPerUser(), shed, overload.toMillis(), answeredUsers, USERS, timeline);
        }
    }
}
