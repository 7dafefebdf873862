package dev.chaosgate.verdict;

import dev.chaosgate.scenario.Chaos;
import dev.chaosgate.scenario.LinkToxic;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.upstream.Faults;
import dev.chaosgate.upstream.UpstreamExchange;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static dev.chaosgate.verdict.FindingCode.NO_BACKOFF;
import static dev.chaosgate.verdict.FindingCode.TOO_MANY_ATTEMPTS;
import static dev.chaosgate.verdict.JudgesTest.ANSWER;
import static dev.chaosgate.verdict.JudgesTest.PROMPT;
import static dev.chaosgate.verdict.JudgesTest.assertCodes;
import static dev.chaosgate.verdict.JudgesTest.journal;
import static dev.chaosgate.verdict.JudgesTest.shown;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The link's requests next to the upstream's, from hand-made records: one attempt per request however many
 * saw it, link-only generation calls as attempts, other calls never, and waits measured from when the client
 * gave up.
 */
class LinkAttemptsTest {
    private static final Instant START = Exchanges.START;
    private static final String CONNECTION_MESSAGE = "The connection to the AI service timed out. Your message is saved, try again shortly.";

    static final Scenario BLACK_HOLE = Chaos.scenario("black-hole-timeout")
            .then(Chaos.phase("black-hole").build().withToxic(LinkToxic.blackHole()))
            .expect(Chaos.recovers().withMaxAttempts(2).withGuidance("connection_failure")
                    .withOutcome(dev.chaosgate.scenario.Expectation.Outcome.GIVES_UP))
            .build();
    static final Scenario HANGS_ONCE = Chaos.scenario("origin-hangs-once")
            .then(Chaos.phase("hung").forRequests(1).serving(Faults.slowAnswer(Duration.ofHours(1))))
            .then(Chaos.phase("healthy"))
            .expect(Chaos.recovers().withMaxAttempts(2))
            .build();

    private static LinkRequest head(long atMillis, long connection, int upstreamPort, String method, String path,
                                    Long endedMillis, boolean clientGaveUp, String phase) {
        return new LinkRequest(START.plusMillis(atMillis), connection, upstreamPort, method, path,
                endedMillis == null ? null : START.plusMillis(endedMillis), clientGaveUp, 0, phase);
    }

    private static Verdict judge(Scenario scenario, List<UpstreamExchange> exchanges, List<LinkRequest> link, ClientReport report) {
        Verdict verdict = VerdictEngine.standard().judge(scenario, exchanges, link, link.size(), report);
        System.out.println("---- " + scenario.name() + "\n" + verdict.explain());
        return verdict;
    }

    @Test
    void aRequestBothSawIsOneAttempt() {
        List<UpstreamExchange> exchanges = journal().first().failing(502, "bad_gateway").phase("burst").add()
                .after(300).ok().phase("recovered").add().list();
        // the link saw both heads ~1 ms before the upstream, on the connections the upstream recorded
        List<LinkRequest> link = List.of(
                head(-1, 1, exchanges.get(0).connection(), "POST", "/v1/chat/completions", null, false, "burst"),
                head(319, 2, exchanges.get(1).connection(), "POST", "/v1/chat/completions", null, false, "recovered"));
        Verdict verdict = judge(JudgesTest.BURST, exchanges, link, shown("", ANSWER));
        assertCodes(verdict);
        assertThat(verdict.attempts()).hasSize(2).allSatisfy(a -> {
            assertThat(a.reachedUpstream()).isTrue();
            assertThat(a.link()).isNotNull();
        });
    }

    @Test
    void aHeadOnAnotherConnectionOrPathIsNotTheUpstreamsRequest() {
        List<UpstreamExchange> exchanges = journal().first().ok().phase("recovered").add().list();
        List<LinkRequest> link = List.of(
                head(-1, 1, exchanges.get(0).connection() + 1, "POST", "/v1/chat/completions", -1 + 1200L, true, "recovered"),
                head(-1, 2, exchanges.get(0).connection(), "GET", "/v1/models", null, false, "recovered"));
        Verdict verdict = judge(JudgesTest.BURST, exchanges, link, shown("", ANSWER));
        // the chat head on another connection never reached the upstream: an attempt of its own, before the answered one
        assertThat(verdict.attempts()).extracting(Attempt::reachedUpstream).containsExactly(false, true);
    }

    @Test
    void requestsOnlyTheLinkSawCountAndOtherCallsDoNot() {
        // six attempts swallowed by a black hole, each abandoned after 2 s and resent at once; a model list first
        List<LinkRequest> link = new java.util.ArrayList<>();
        link.add(head(-50, 1, 40000, "GET", "/v1/models", -50 + 800L, true, "black-hole"));
        for (int i = 0; i < 6; i++) {
            long at = i * 2004L;
            link.add(head(at, i + 2, 40001 + i, "POST", "/v1/chat/completions", at + 2000, true, "black-hole"));
        }
        Verdict verdict = judge(BLACK_HOLE, List.of(), link, shown(PROMPT, CONNECTION_MESSAGE));
        assertCodes(verdict, TOO_MANY_ATTEMPTS, NO_BACKOFF);
        assertThat(verdict.attempts()).hasSize(6).allSatisfy(a -> assertThat(a.reachedUpstream()).isFalse());
        assertThat(verdict.attempts().get(1).gap()).isEqualTo(Duration.ofMillis(4));
        assertThat(verdict.attempts().get(0).describe())
                .isEqualTo("#1  +0 ms  no status  connection_failure: never reached the upstream (the client gave up after 2000 ms)  [black-hole]");
    }

    @Test
    void twoAttemptsWithAWaitInABlackHolePass() {
        List<LinkRequest> link = List.of(
                head(0, 1, 40001, "POST", "/v1/chat/completions", 1500L, true, "black-hole"),
                head(2100, 2, 40002, "POST", "/v1/chat/completions", 3600L, true, "black-hole"));
        Verdict verdict = judge(BLACK_HOLE, List.of(), link, shown(PROMPT, CONNECTION_MESSAGE));
        assertCodes(verdict);
        assertThat(verdict.attempts().get(1).gap()).isEqualTo(Duration.ofMillis(600));
    }

    @Test
    void aLinkOnlyRequestAfterTheAnswerIsAnotherCall() {
        List<UpstreamExchange> exchanges = journal().first().failing(502, "bad_gateway").phase("burst").add()
                .after(300).ok().phase("recovered").add().list();
        // a title call held by the link after the answer came
        List<LinkRequest> link = List.of(head(900, 9, 41000, "POST", "/v1/chat/completions", null, false, "recovered"));
        Verdict verdict = judge(JudgesTest.BURST, exchanges, link, shown("", ANSWER));
        assertCodes(verdict);
        assertThat(verdict.attempts()).hasSize(2);
    }

    @Test
    void theWaitAfterTheClientsOwnTimeoutRunsFromWhenItClosedTheConnection() {
        // attempt 1 hangs at the upstream; the client closes its connection after 1500 ms and resends 3 ms later
        List<UpstreamExchange> exchanges = journal().first().failing(0, null, "slow 1h").took(0).incomplete().phase("hung").add()
                .at(1503).ok().phase("healthy").add().list();
        List<LinkRequest> link = List.of(
                head(0, 1, exchanges.get(0).connection(), "POST", "/v1/chat/completions", 1500L, true, "hung"),
                head(1503, 2, exchanges.get(1).connection(), "POST", "/v1/chat/completions", null, false, "healthy"));
        Verdict atOnce = judge(HANGS_ONCE, exchanges, link, shown("", ANSWER));
        // one wait alone is never NO_BACKOFF (full jitter may draw 0 ms); what matters here is where it is measured from
        assertCodes(atOnce);
        assertThat(atOnce.attempts().get(1).gap()).isEqualTo(Duration.ZERO.plusMillis(3));
        assertThat(atOnce.attempts().get(0).describe()).contains("(the client gave up after 1500 ms)");

        // without the link's record the gap would include the timeout, as it did before
        Verdict blind = judge(HANGS_ONCE, exchanges, List.of(), shown("", ANSWER));
        assertThat(blind.attempts().get(1).gap()).isEqualTo(Duration.ofMillis(1503));

        // the same client waiting 600 ms after its timeout passes
        List<UpstreamExchange> later = journal().first().failing(0, null, "slow 1h").took(0).incomplete().phase("hung").add()
                .at(2100).ok().phase("healthy").add().list();
        List<LinkRequest> laterLink = List.of(
                head(0, 1, later.get(0).connection(), "POST", "/v1/chat/completions", 1500L, true, "hung"),
                head(2100, 2, later.get(1).connection(), "POST", "/v1/chat/completions", null, false, "healthy"));
        assertCodes(judge(HANGS_ONCE, later, laterLink, shown("", ANSWER)));
    }
}
