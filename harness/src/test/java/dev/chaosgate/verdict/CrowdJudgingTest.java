package dev.chaosgate.verdict;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.scenario.Chaos;
import dev.chaosgate.scenario.Crowd;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.upstream.Faults;
import dev.chaosgate.upstream.StreamPacing;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a crowd's requests are told apart, with three users on one real gateway and the JDK's HTTP client over
 * loopback: each user's first attempt meets one of the first three 502s, and its retry, sent once every first
 * attempt was answered, gets the answer. Whatever marks the user, each verdict holds that user's two attempts.
 */
class CrowdJudgingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROMPT = "Summarise the incident report in three bullet points.";
    private static final Scenario BURST = Chaos.scenario("three-502s")
            .then(Chaos.phase("down").forRequests(3).serving(Faults.badGateway()))
            .then(Chaos.phase("up"))
            .expect(Chaos.recovers().withMaxAttempts(3))
            .crowd(new Crowd(3, Duration.ZERO, Duration.ZERO, 3))
            .build();

    /** How a user's client marks its requests. */
    enum Marker { HEADER, BODY_USER, SAFETY_IDENTIFIER, NONE }

    @Test
    void theHeaderAndTheBodyFieldsEachTellTheUsersOfIdenticalPromptsApart() throws Exception {
        List<Marker> markers = List.of(Marker.HEADER, Marker.BODY_USER, Marker.SAFETY_IDENTIFIER);

        CrowdVerdict crowd = play(markers, List.of(PROMPT, PROMPT, PROMPT));

        assertThat(crowd.figures().unattributed()).as(crowd.explain()).isZero();
        for (CrowdVerdict.UserVerdict user : crowd.users()) {
            Verdict verdict = user.verdict();
            assertThat(verdict.attempts()).as(user.user() + "\n" + crowd.explain()).hasSize(2);
            for (Attempt attempt : verdict.attempts()) {
                String marked = attempt.exchange().requestHeaders().getOrDefault("x-chaosgate-user", List.of("")).get(0)
                        + " " + attempt.exchange().requestBody();
                assertThat(marked).as("%s's attempt %d carries its own marker", user.user(), attempt.number()).contains(user.user());
            }
            assertThat(verdict.passed()).as(verdict.explain()).isTrue();
        }
        assertThat(crowd.passed()).as(crowd.explain()).isTrue();
    }

    @Test
    void withoutAMarkerDistinctPromptsTellTheUsersApart() throws Exception {
        List<String> prompts = List.of(PROMPT + " For the board.", PROMPT + " For the on-call team.", "What failed first last night?");

        CrowdVerdict crowd = play(List.of(Marker.NONE, Marker.NONE, Marker.NONE), prompts);

        assertThat(crowd.figures().unattributed()).as(crowd.explain()).isZero();
        for (int i = 0; i < 3; i++) {
            Verdict verdict = crowd.users().get(i).verdict();
            String typed = prompts.get(i);
            assertThat(verdict.attempts()).as(crowd.explain()).hasSize(2)
                    .allSatisfy(a -> assertThat(a.prompt()).isEqualTo(typed));
        }
    }

    @Test
    void withoutAMarkerIdenticalPromptsOnNewConnectionsAreJudgedForNobody() throws Exception {
        CrowdVerdict crowd = play(List.of(Marker.NONE, Marker.NONE, Marker.NONE), List.of(PROMPT, PROMPT, PROMPT));

        assertThat(crowd.figures().unattributed()).as(crowd.explain()).isEqualTo(6);
        assertThat(crowd.users()).allSatisfy(u -> assertThat(u.verdict().attempts()).isEmpty());
        assertThat(crowd.notes()).singleElement().asString().contains("6 generation request(s) could not be told apart");
    }

    /** Plays BURST with one user per marker, each on a client of its own (its own connections), and judges the crowd. */
    private static CrowdVerdict play(List<Marker> markers, List<String> prompts) throws Exception {
        try (ChaosGateway gateway = ChaosGateway.builder().pacing(StreamPacing.immediate()).scenario(BURST).start()) {
            CountDownLatch firstAnswered = new CountDownLatch(markers.size());
            ExecutorService pool = Executors.newFixedThreadPool(markers.size());
            try {
                List<Future<ClientReport>> runs = new ArrayList<>();
                for (int i = 0; i < markers.size(); i++) {
                    String user = "user-" + (i + 1);
                    Marker marker = markers.get(i);
                    String prompt = prompts.get(i);
                    runs.add(pool.submit(() -> act(gateway.baseUrl(), user, marker, prompt, firstAnswered)));
                }
                Map<String, ClientReport> reports = new LinkedHashMap<>();
                for (int i = 0; i < runs.size(); i++) {
                    reports.put("user-" + (i + 1), runs.get(i).get(30, TimeUnit.SECONDS));
                }
                return gateway.crowdVerdict(reports);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** One user: an attempt, then (once every user's first attempt was answered) a retry 200 ms later if it failed. */
    private static ClientReport act(String baseUrl, String user, Marker marker, String prompt, CountDownLatch firstAnswered)
            throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ObjectNode body = JSON.createObjectNode().put("model", "gpt-4o-mini");
        body.putArray("messages").addObject().put("role", "user").put("content", prompt);
        if (marker == Marker.BODY_USER) {
            body.put("user", user);
        } else if (marker == Marker.SAFETY_IDENTIFIER) {
            body.put("safety_identifier", user);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (marker == Marker.HEADER) {
            request.header("X-Chaosgate-User", user);
        }
        HttpResponse<String> first = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        firstAnswered.countDown();
        if (first.statusCode() == 200) {
            return ClientReport.of(prompt, List.of(answer(first)), "");
        }
        firstAnswered.await(20, TimeUnit.SECONDS);
        Thread.sleep(200);
        // A new client: a new connection, as a process per user would open.
        HttpResponse<String> retry = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request.build(), HttpResponse.BodyHandlers.ofString());
        return retry.statusCode() == 200 ? ClientReport.of(prompt, List.of(answer(retry)), "")
                : ClientReport.of(prompt, List.of("Can't reach the AI service right now (bad gateway). Your prompt is saved."), prompt);
    }

    private static String answer(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body()).path("choices").get(0).path("message").path("content").asText();
    }
}
