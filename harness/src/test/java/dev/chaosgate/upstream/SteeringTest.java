package dev.chaosgate.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Steering the upstream by hand, as the QA console does: queued faults, pause, decisions heard, replay. */
@Timeout(30)
class SteeringTest {
    private FakeUpstream upstream;
    private UpstreamClients clients;
    private final List<FaultDecision> heard = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        upstream = FakeUpstream.builder().seed(5).pacing(StreamPacing.immediate()).start();
        upstream.onDecision(heard::add);
        clients = new UpstreamClients(upstream.baseUrl());
    }

    @AfterEach
    void stop() {
        clients.close();
        upstream.close();
    }

    @Test
    void failNextFaultsOnlyThatManyGenerationRequestsAheadOfTheScenarioWhichDoesNotCountThem() throws Exception {
        upstream.failNext(2, Faults.badGateway());
        assertThat(upstream.injectedRemaining()).isEqualTo(2);
        assertThat(clients.get("/models").statusCode()).as("a side call is not a generation request").isEqualTo(200);
        upstream.serve(Faults.firstRequests(1, Faults.rateLimited()));
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            statuses.add(clients.chat("hello " + i).statusCode());
        }

        assertThat(statuses).containsExactly(502, 502, 429, 200);
        assertThat(upstream.injectedRemaining()).isZero();
        assertThat(upstream.exchanges().stream().map(UpstreamExchange::fault).toList())
                .containsExactly(null, "502 cloudflare/502-branded (injected)", "502 cloudflare/502-branded (injected)",
                        Faults.firstRequests(1, Faults.rateLimited()).label(), null);
        assertThat(heard.stream().map(FaultDecision::source).toList()).containsExactly(
                FaultDecision.Source.SCENARIO, FaultDecision.Source.INJECTED, FaultDecision.Source.INJECTED,
                FaultDecision.Source.SCENARIO, FaultDecision.Source.SCENARIO);
    }

    @Test
    void failNextRejectsACountBelowOne() {
        assertThatThrownBy(() -> upstream.failNext(0, Faults.badGateway()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("count must be >= 1");
    }

    @Test
    void pausedFaultsAnswerNormallyAndResumingPicksUpWhereTheScenarioWas() throws Exception {
        upstream.serve(Faults.firstRequests(2, Faults.badGateway()));
        assertThat(clients.chat("one").statusCode()).isEqualTo(502);

        upstream.pauseFaults(true);
        assertThat(upstream.faultsPaused()).isTrue();
        assertThat(clients.chat("two").statusCode()).isEqualTo(200);
        assertThat(clients.chat("three").statusCode()).isEqualTo(200);

        upstream.pauseFaults(false);
        assertThat(clients.chat("four").statusCode()).as("the second of the first two, not counted while paused").isEqualTo(502);
        assertThat(clients.chat("five").statusCode()).isEqualTo(200);
        assertThat(heard.stream().map(FaultDecision::source).filter(FaultDecision.Source.PAUSED::equals).count()).isEqualTo(2);
    }

    @Test
    void decisionsCarryTheSingleAnswerServedNotTheWrapperThatChoseIt() throws Exception {
        upstream.serve(Faults.withProbability(1.0, Faults.firstRequests(1, Faults.overloaded())));
        clients.chat("one");
        clients.chat("two");

        assertThat(heard).hasSize(2);
        assertThat(heard.get(0).fault()).isEqualTo(Faults.overloaded());
        assertThat(heard.get(0).generation()).isTrue();
        assertThat(heard.get(0).sequence()).isEqualTo(upstream.exchanges().get(0).sequence());
        assertThat(heard.get(1).fault()).isNull();
        assertThat(heard.get(1).faulted()).isFalse();
    }

    @Test
    void replayServesRecordedDecisionsInOrderPerKindThenAnswersNormally() throws Exception {
        upstream.serve(Faults.withProbability(0.5, Faults.badGateway()));
        List<Integer> recorded = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            recorded.add(clients.chat("q" + i).statusCode());
        }
        assertThat(recorded).contains(200, 502);
        List<FaultDecision> decisions = List.copyOf(heard);

        try (FakeUpstream other = FakeUpstream.builder().seed(999).pacing(StreamPacing.immediate()).start();
             UpstreamClients otherClients = new UpstreamClients(other.baseUrl())) {
            other.serve(Faults.badGateway());
            other.replay(decisions);
            assertThat(other.replayRemaining()).isEqualTo(12);
            assertThat(otherClients.get("/models").statusCode()).as("no side call was recorded: answered normally").isEqualTo(200);
            List<Integer> replayed = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                replayed.add(otherClients.chat("q" + i).statusCode());
            }
            assertThat(replayed).isEqualTo(recorded);
            assertThat(other.replayRemaining()).isZero();
            assertThat(otherClients.chat("extra").statusCode()).as("past the recording: normal, not the fault served before").isEqualTo(200);

            other.replay(null);
            assertThat(other.replayRemaining()).isEqualTo(-1);
            assertThat(otherClients.chat("after").statusCode()).isEqualTo(502);
        }
    }

    @Test
    void aFailingDecisionListenerDoesNotBreakTheAnswer() throws Exception {
        upstream.onDecision(decision -> {
            throw new IllegalStateException("listener bug");
        });
        HttpResponse<String> answer = clients.chat("still answered");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(heard).hasSize(1);
    }

    @Test
    void anInjectedStreamFaultWaitsForAStreamedRequestAndDoesNotCountOnesItCannotCut() throws Exception {
        upstream.failNext(1, Faults.streamCutAfter(2));

        HttpResponse<String> plain = clients.chat("not streamed");
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(upstream.exchanges().get(0).fault()).as("answered, so not journalled as faulted").isNull();
        assertThat(upstream.injectedRemaining()).isEqualTo(1);

        assertThat(clients.chatStreamed("cut me").body()).doesNotContain("[DONE]");
        assertThat(upstream.exchanges().get(1).fault()).endsWith("(injected)");
        assertThat(clients.chatStreamed("whole").body()).contains("[DONE]");
        assertThat(upstream.injectedRemaining()).isZero();
    }

    @Test
    void anInjectedFaultIsTakenInThePhaseInForce() throws Exception {
        upstream.play(List.of(new TimelineStep("calm", null, null, null)), 1, index -> { });
        upstream.failNext(1, Faults.badGateway());

        clients.chat("in the calm phase");

        assertThat(upstream.exchanges().get(0).phase()).isEqualTo("calm");
        assertThat(heard.get(0).phase()).isEqualTo("calm");
    }
}
