package dev.chaosgate.gateway;

import dev.chaosgate.scenario.Chaos;
import dev.chaosgate.scenario.LinkToxic;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.upstream.Faults;
import dev.chaosgate.upstream.StreamPacing;
import dev.chaosgate.upstream.UpstreamExchange;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ScenarioPlaybackTest {
    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private final HttpClient http = HttpClient.newHttpClient();

    private int send(ChaosGateway gateway) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/chat/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(CHAT)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void requestPhasesServeTheirFaultForExactlyTheirRequestsAndNameThePhaseInTheJournal() throws Exception {
        Scenario scenario = Chaos.scenario("two-then-one")
                .then(Chaos.phase("burst").forRequests(2).serving(Faults.badGateway()))
                .then(Chaos.phase("overloaded").forRequests(1).serving(Faults.overloaded()))
                .then(Chaos.phase("recovered"))
                .build();
        try (ChaosGateway gateway = ChaosGateway.builder().pacing(StreamPacing.immediate()).scenario(scenario).start()) {
            assertThat(gateway.phase()).isEqualTo("burst");
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                statuses.add(send(gateway));
            }
            assertThat(statuses).containsExactly(502, 502, 503, 200, 200);
            assertThat(gateway.exchanges()).extracting(UpstreamExchange::phase)
                    .containsExactly("burst", "burst", "overloaded", "recovered", "recovered");
            assertThat(gateway.phase()).isEqualTo("recovered");
        }
    }

    @Test
    void durationPhasesEndOnTheClockAndSwitchTheLinkToxics() throws Exception {
        Scenario scenario = Chaos.scenario("slow-link-then-fine")
                .then(Chaos.phase("slow").lasting(Duration.ofMillis(800)).withToxic(LinkToxic.latency(300)))
                .then(Chaos.phase("fine"))
                .build();
        try (ChaosGateway gateway = ChaosGateway.builder().pacing(StreamPacing.immediate()).scenario(scenario).start()) {
            assertThat(gateway.link().toxics(ChaosGateway.LINK)).extracting("type").containsExactly("latency");
            long start = System.nanoTime();
            assertThat(send(gateway)).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(280));
            // No request needed: the clock ends the phase and the link drops its toxics.
            await().atMost(Duration.ofSeconds(3)).until(() -> "fine".equals(gateway.phase())
                    && gateway.link().toxics(ChaosGateway.LINK).isEmpty());
        }
    }

    @Test
    void playingAnotherScenarioStartsItsTimelineAfresh() throws Exception {
        Scenario first = Chaos.scenario("first").then(Chaos.phase("down").serving(Faults.badGateway())).build();
        Scenario second = Chaos.scenario("second")
                .then(Chaos.phase("one").forRequests(1).serving(Faults.accessDenied()))
                .then(Chaos.phase("two")).build();
        try (ChaosGateway gateway = ChaosGateway.builder().pacing(StreamPacing.immediate()).scenario(first).start()) {
            assertThat(send(gateway)).isEqualTo(502);
            gateway.play(second);
            assertThat(gateway.scenario()).isEqualTo(second);
            assertThat(send(gateway)).isEqualTo(403);
            assertThat(send(gateway)).isEqualTo(200);
            gateway.serveNormally();
            assertThat(gateway.scenario()).isNull();
            assertThat(gateway.phase()).isNull();
        }
    }
}
