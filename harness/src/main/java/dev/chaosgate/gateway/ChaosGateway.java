package dev.chaosgate.gateway;

import dev.chaosgate.upstream.Provider;
import dev.chaosgate.journal.Journal;
import dev.chaosgate.link.LinkConnection;
import dev.chaosgate.link.LinkEngine;
import dev.chaosgate.link.LinkEvent;
import dev.chaosgate.link.LinkServer;
import dev.chaosgate.link.tls.CertificateAuthority;
import dev.chaosgate.link.tls.TlsFault;
import dev.chaosgate.link.ProxyCounters;
import dev.chaosgate.scenario.Phase;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.upstream.FakeUpstream;
import dev.chaosgate.upstream.FaultDecision;
import dev.chaosgate.upstream.TimelineStart;
import dev.chaosgate.upstream.TimelineStep;
import dev.chaosgate.upstream.UpstreamExchange;
import dev.chaosgate.upstream.UpstreamFault;
import dev.chaosgate.upstream.live.LiveAnswer;
import dev.chaosgate.upstream.live.LiveUpstream;
import dev.chaosgate.verdict.ClientReport;
import dev.chaosgate.verdict.CrowdVerdict;
import dev.chaosgate.verdict.LinkRequest;
import dev.chaosgate.verdict.Verdict;
import dev.chaosgate.verdict.VerdictEngine;
import dev.chaosgate.verdict.VerdictSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One gateway a client under test talks to: a Toxiproxy-compatible link in front of the fake
 * OpenAI-compatible upstream, both on 127.0.0.1 and free ports, sharing one seed.
 *
 * <pre>{@code
 * try (ChaosGateway gateway = ChaosGateway.builder().seed(42).start()) {
 *     gateway.serve(Faults.firstRequests(2, Faults.badGateway()));        // HTTP faults, upstream side
 *     gateway.link().addToxic(ChaosGateway.LINK, "slow", "latency",        // TCP faults, link side
 *             ToxicStream.DOWNSTREAM, 1f, Map.of("latency", 300L, "jitter", 0L));
 *     OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey("test").build();
 *     ...
 *     gateway.exchanges();  // every request the upstream saw, with the fault it served
 * }
 * }</pre>
 */
public final class ChaosGateway implements AutoCloseable, VerdictSource {
    /** The name of the link proxy between the client and the upstream. */
    public static final String LINK = "upstream";
    /** How many requests the upstream's own list ({@link #exchanges()}) keeps at most. */
    static final int UPSTREAM_JOURNAL_LIMIT = 10_000;

    private final LinkServer linkServer;
    private final FakeUpstream upstream;
    private final int linkPort;
    private final String linkHost;
    /** Every request and link event of this gateway (see {@link #journal()}). */
    private final Journal journal;
    private final LinkToxicSwitch toxics;
    private final LinkRequestLog linkLog = new LinkRequestLog(UPSTREAM_JOURNAL_LIMIT);
    private final UpstreamWaits waits;
    private volatile Scenario scenario;
    /** Exchanges up to this sequence number came before the scenario started playing. */
    private volatile long playedFrom;
    private volatile long linkConnectionsBefore;
    /** The index of the scenario phase in force (for resuming its toxics). */
    private volatile int phaseIndex;
    /**
     * Set from playing a scenario on the client's clock until the link sees its first generation request: requests
     * the link read before this instant do not start the clock (they came before the scenario, or while faults were
     * paused). Null when nothing waits. A new instant per play, so a link thread still busy with an older one cannot clear it.
     */
    private final AtomicReference<Instant> awaitingClockFrom = new AtomicReference<>();
    /** Set while a replay runs. */
    private volatile ReplayPhases replayPhases;
    /** The authority clients trust, for a gateway serving HTTPS; null for plain HTTP. */
    private final CertificateAuthority authority;

    /** Wires the link's and the upstream's events into this gateway's journal, clock and verdict. */
    private volatile Provider provider = Provider.OPENAI;

    ChaosGateway(LinkServer linkServer, FakeUpstream upstream, int linkPort, String linkHost, int journalCapacity,
                 CertificateAuthority authority) {
        this.journal = new Journal(journalCapacity);
        this.authority = authority;
        this.linkHost = linkHost;
        this.linkServer = linkServer;
        this.upstream = upstream;
        this.linkPort = linkPort;
        this.toxics = new LinkToxicSwitch(linkServer.engine(), LINK, upstream::faultsPaused);
        this.waits = new UpstreamWaits(upstream, () -> playedFrom);
        upstream.onDecision(this::onReplayed);
        upstream.onExchange(journal::record);
        LinkEngine engine = linkServer.engine();
        engine.onTraffic(connection -> {
            if (LINK.equals(connection.proxy())) {
                linkLog.heard(connection);
                startClockOnGeneration(connection);
            }
        });
        engine.onEvent(event -> {
            if (LINK.equals(event.proxy())) {
                journal.record(event);
                if (event.kind() == LinkEvent.Kind.CLOSED) {
                    // An answer still streaming on that connection has lost its client.
                    upstream.clientClosed(event.upstreamPort());
                } else if (event.kind() == LinkEvent.Kind.UNDELIVERED) {
                    // The link held or dropped part of an answer: the client did not receive it in full.
                    upstream.undelivered(event.upstreamPort());
                }
            }
        });
    }

    public static ChaosGatewayBuilder builder() {
        return new ChaosGatewayBuilder();
    }

    public static ChaosGateway start() {
        return builder().start();
    }

    /** The provider the client under test speaks, as set with {@link ChaosGatewayBuilder#provider}. */
    public Provider provider() {
        return provider;
    }

    void speaks(Provider spoken) {
        this.provider = spoken;
    }

    /**
     * The base URL the {@linkplain #provider() provider's} SDK takes: {@link #baseUrl()} for OpenAI's, the same
     * without {@code /v1} for Anthropic's (which appends {@code /v1/messages} itself), Azure OpenAI's and Gemini's
     * ({@code @google/genai} appends {@code /v1beta/models/...}).
     */
    public String sdkBaseUrl() {
        return provider.sdkBaseUrl(baseUrl());
    }

    /**
     * {@code http://127.0.0.1:<link port>/v1} ({@code https://} for a gateway built with
     * {@link ChaosGatewayBuilder#https()}): give this to the client under test as its OpenAI base URL.
     */
    public String baseUrl() {
        boolean wildcard = linkHost.isEmpty() || linkHost.equals("0.0.0.0") || linkHost.equals("::");
        return (authority == null ? "http://" : "https://") + (wildcard ? "127.0.0.1" : hostPort(linkHost, linkPort).replaceFirst(":\\d+$", ""))
                + ":" + linkPort + "/v1";
    }

    /** Whether the gateway serves its clients over HTTPS ({@link ChaosGatewayBuilder#https()}). */
    public boolean https() {
        return authority != null;
    }

    /**
     * The certificate authority an HTTPS gateway's clients trust: {@code pem()} for {@code SSL_CERT_FILE} or
     * {@code NODE_EXTRA_CA_CERTS}, {@code writeTrustStore} for a JVM, {@code clientContext()} for a Java client.
     *
     * @throws IllegalStateException for a gateway serving plain HTTP
     */
    public CertificateAuthority certificateAuthority() {
        if (authority == null) {
            throw new IllegalStateException("this gateway serves plain HTTP: build it with ChaosGateway.builder().https()");
        }
        return authority;
    }

    /**
     * Breaks the TLS of connections accepted from now on as {@code fault} says (a bad certificate, a reset or a
     * stalled handshake); null ends the fault: the gateway's own certificate again. Connections already open keep
     * what they met. Which certificate each connection met is in {@link dev.chaosgate.link.LinkConnection#tls()}.
     *
     * @throws IllegalStateException for a gateway serving plain HTTP
     */
    public void tlsFault(TlsFault fault) {
        CertificateAuthority trusted = certificateAuthority();
        if (fault == null) {
            linkServer.engine().tls(LINK, trusted.serverFor(CertificateAuthority.GATEWAY_LABEL));
        } else {
            linkServer.engine().tls(LINK, fault.certificate(trusted), fault.handshake());
        }
    }

    /**
     * The upstream directly, bypassing the link (for checks, never for the client under test);
     * {@code upstream().stop()} and {@code restart()} kill it and bring it back on the same port, to
     * see what the client does while the link turns it away ({@link LinkEvent.Kind#UPSTREAM_UNREACHABLE}).
     */
    public FakeUpstream upstream() {
        return upstream;
    }

    /**
     * The journal of this gateway: every request the upstream answered and every connection event
     * of the {@link #LINK} proxy, live from Java or exported as JSON lines.
     */
    public Journal journal() {
        return journal;
    }

    /** The link engine; the proxy in front of the upstream is named {@link #LINK}. */
    public LinkEngine link() {
        return linkServer.engine();
    }

    /** The Toxiproxy-compatible API of the link, for toxiproxy-java or Toxiproxy scripts. */
    public String toxiproxyUrl() {
        return linkServer.url();
    }

    public long seed() {
        return upstream.seed();
    }

    /** Serves {@code fault} on the upstream from now on (see {@link dev.chaosgate.upstream.Faults}). */
    public void serve(UpstreamFault fault) {
        stopPlaying();
        upstream.serve(fault);
    }

    public void serveNormally() {
        stopPlaying();
        upstream.serveNormally();
        toxics.set(List.of());
        tlsOf(null);
    }

    /** A scenario that breaks TLS needs a gateway serving HTTPS. */
    private void requireHttpsFor(Scenario played) {
        if (authority != null) {
            return;
        }
        for (Phase phase : played.phases()) {
            if (phase.tls() != null) {
                throw new IllegalStateException("scenario " + played.name() + " breaks TLS (phase " + phase.name() + ": "
                        + phase.tls().label() + "), but this gateway serves plain HTTP: build it with ChaosGateway.builder().https()");
            }
        }
    }

    /** The TLS fault of {@code phase} on new connections (none for null, a phase without one, or a plain HTTP gateway). */
    private void tlsOf(Phase phase) {
        if (authority != null) {
            tlsFault(phase == null || upstream.faultsPaused() ? null : phase.tls());
        }
    }

    private void stopPlaying() {
        awaitingClockFrom.set(null);
        scenario = null;
        replayPhases = null;
        upstream.replay(null);
    }

    /**
     * Plays {@code played} from its first phase, now: the upstream serves each phase's fault for
     * its requests or duration (fault draws from the scenario's seed) and the link carries each
     * phase's toxics while it lasts. Replaces whatever was playing or being served. The scenario's time
     * (durations, flapping cycles, outages, rate-limit windows) starts as its {@link Scenario#clock()} says:
     * by default at the client's first generation request, read by the link or the upstream, whichever
     * sees it first, so the verdict does not depend on how long the client takes to start; until then
     * the first phase, with its link toxics, is in force.
     */
    public void play(Scenario played) {
        Objects.requireNonNull(played, "scenario cannot be null");
        requireHttpsFor(played);
        List<TimelineStep> steps = new ArrayList<>();
        for (Phase phase : played.phases()) {
            steps.add(new TimelineStep(phase.name(), phase.requests(), phase.duration(), phase.upstream(), phase.step()));
        }
        Instant playedAt = startAction(played.phases().isEmpty() ? null : played.phases().get(0).name());
        scenario = played;
        replayPhases = null;
        upstream.replay(null);
        upstream.clearInjected();
        TimelineStart start = played.clock() == Scenario.Clock.CLIENT ? TimelineStart.FIRST_GENERATION_REQUEST : TimelineStart.NOW;
        upstream.play(steps, played.seed(), start, (at, index) -> {
            phaseIndex = index;
            // When the phase began on the scenario's clock (a duration phase ends on time even if noticed a tick later).
            linkLog.phaseBegan(at, played.phases().get(index).name());
            toxics.phase(played.phases().get(index).link());
            tlsOf(played.phases().get(index));
        });
        if (start == TimelineStart.FIRST_GENERATION_REQUEST) {
            awaitingClockFrom.set(playedAt);
        }
        toxics.await();
    }

    /**
     * Gathers a crowd of {@code users}: their first generation requests arrive at the upstream together, when all
     * of them have come or {@code timeout} after the first (see {@link FakeUpstream#gatherArrivals}), and the
     * scenario's clock starts when they go on, not when the link read the first of them.
     */
    public void gatherCrowd(int users, java.time.Duration timeout) {
        awaitingClockFrom.set(null);
        upstream.gatherArrivals(users, timeout);
    }

    /** What came before now is not the action's: the verdict and the waits start here; returns that instant. */
    private Instant startAction(String firstPhase) {
        awaitingClockFrom.set(null);
        playedFrom = waits.lastSequence();
        linkConnectionsBefore = linkCounters().connectionsAccepted();
        return linkLog.started(firstPhase);
    }

    /**
     * When the scenario's time started: its first generation request, or when it started playing for
     * {@link Scenario.Clock#SCENARIO}; null while it waits for the client and when no scenario plays.
     */
    public Instant clockStart() {
        return scenario == null || replayPhases != null ? null : upstream.clockStart();
    }

    /**
     * The link read a request head: the action's first generation request starts the scenario's clock
     * here when it reaches the link before the upstream, or never reaches the upstream (a link toxic stops it).
     */
    private void startClockOnGeneration(LinkConnection connection) {
        Instant from = awaitingClockFrom.get();
        if (from == null || upstream.faultsPaused()) {
            // Nothing waits for the client, or faults are paused: requests then are not the scenario's.
            return;
        }
        for (LinkConnection.RequestHead head : connection.requests()) {
            if (!head.at().isBefore(from) && FakeUpstream.isGenerationCall(head.method(), head.target())) {
                upstream.startClock(head.at());
                awaitingClockFrom.compareAndSet(from, null);
                return;
            }
        }
        // A connection that met a TLS fault carries no request the link can read: the client's action began when it opened.
        if (connection.tls() != null && TlsFault.ofLabel(connection.tls()).isPresent() && !connection.opened().isBefore(from)) {
            upstream.startClock(connection.opened());
            awaitingClockFrom.compareAndSet(from, null);
        }
    }

    /** Plays the scenario playing again from its first phase, with fresh state; queued faults are dropped. */
    public void restart() {
        Scenario played = scenario;
        if (played == null) {
            throw new IllegalStateException("no scenario is playing: nothing to restart");
        }
        play(played);
    }

    /**
     * Serves {@code fault} to the next {@code count} generation requests, ahead of the scenario,
     * which neither sees nor counts them (see {@link FakeUpstream#failNext}). Link toxics stay as they are.
     */
    public void failNext(int count, UpstreamFault fault) {
        upstream.failNext(count, fault);
    }

    /** Generation requests that will still get a fault queued by {@link #failNext}. */
    public int injectedRemaining() {
        return upstream.injectedRemaining();
    }

    /**
     * Pauses every fault: the upstream answers normally and the link carries no toxic, until
     * {@link #resumeFaults()} puts back the toxics of the phase in force.
     */
    public void pauseFaults() {
        upstream.pauseFaults(true);
        toxics.set(List.of());
        tlsOf(null);
        toxics.await();
    }

    public void resumeFaults() {
        // A request sent while paused met no fault: it does not start the scenario's clock.
        Instant resumed = Instant.now();
        awaitingClockFrom.updateAndGet(from -> from == null ? null : resumed);
        upstream.pauseFaults(false);
        Scenario played = scenario;
        if (played != null && phaseIndex < played.phases().size()) {
            toxics.set(played.phases().get(phaseIndex).link());
            tlsOf(played.phases().get(phaseIndex));
            toxics.await();
        }
    }

    public boolean faultsPaused() {
        return upstream.faultsPaused();
    }

    /**
     * Serves the recorded {@code decisions} of a run of {@code recorded} again, in order (see
     * {@link FakeUpstream#replay}); the link carries the toxics of the phase of the next recorded
     * generation decision, switched as each one is served. Verdicts judge against {@code recorded}.
     */
    public void replay(Scenario recorded, List<FaultDecision> decisions) {
        replay(recorded, decisions, List.of());
    }

    /**
     * {@link #replay(Scenario, List)} with the real API's answers recorded in a live run, served again byte for byte
     * to the same requests in the same order, with no real API needed (see {@link FakeUpstream#replay(List, List)}).
     */
    public void replay(Scenario recorded, List<FaultDecision> decisions, List<LiveAnswer> answers) {
        Objects.requireNonNull(recorded, "scenario cannot be null");
        Objects.requireNonNull(answers, "answers cannot be null");
        List<String> phases = decisions.stream().filter(FaultDecision::generation).map(FaultDecision::phase).toList();
        startAction(null);
        scenario = recorded;
        upstream.clearInjected();
        upstream.serveNormally();
        replayPhases = new ReplayPhases(recorded, phases);
        upstream.replay(decisions, answers);
        switchReplayPhase(replayPhases, 0);
        toxics.await();
    }

    /** The real API answering what meets no fault ({@link ChaosGatewayBuilder#upstream}), or null. */
    public LiveUpstream live() {
        return upstream.live();
    }

    /** Hears every answer passed on from the real API, or from a replayed recording of it (see {@link FakeUpstream#onLiveAnswer}). */
    public void onLiveAnswer(java.util.function.Consumer<LiveAnswer> listener) {
        upstream.onLiveAnswer(listener);
    }

    /** Hears problems worth telling whoever runs the gateway (see {@link FakeUpstream#onWarning}). */
    public void onWarning(java.util.function.Consumer<String> listener) {
        upstream.onWarning(listener);
    }

    /** Recorded generation decisions a replay has still to serve, or -1 when no replay runs. */
    public int replayRemaining() {
        return upstream.replayRemaining();
    }

    /** Hears every decision the upstream takes, before the answer is written (see {@link FakeUpstream#onDecision}). */
    public void onDecision(java.util.function.Consumer<FaultDecision> listener) {
        upstream.onDecision(listener);
    }

    /** Link toxics for the phase of recorded generation decision {@code next} (the last phase when past the end). */
    private void switchReplayPhase(ReplayPhases replay, int next) {
        int index = replay.phaseOf(next);
        if (index >= 0 && (index != phaseIndex || next == 0)) {
            phaseIndex = index;
            Phase phase = replay.scenario().phases().get(index);
            linkLog.phaseBegan(Instant.now(), phase.name());
            toxics.phase(phase.link());
            tlsOf(phase);
        }
    }

    private void onReplayed(FaultDecision decision) {
        ReplayPhases replay = replayPhases;
        if (replay != null && decision.source() == FaultDecision.Source.REPLAY && decision.generation()) {
            switchReplayPhase(replay, replay.served());
        }
    }

    /**
     * Judges the client's action in the scenario playing: everything the upstream saw since the
     * scenario started, and what the client showed the user.
     *
     * @throws IllegalStateException when no scenario plays
     */
    @Override
    public Verdict verdict(ClientReport report) {
        Scenario played = scenario;
        if (played == null) {
            throw new IllegalStateException("no scenario is playing: start the gateway with ChaosGateway.builder().scenario(...)"
                    + " or call play(scenario) before asking for a verdict");
        }
        return VerdictEngine.standard().judge(played, waits.sincePlayed(), linkLog.sinceStarted(),
                linkCounters().connectionsAccepted() - linkConnectionsBefore, Objects.requireNonNull(report, "report cannot be null"));
    }

    /**
     * Several users acting at once through a Java client, judged per user and as a crowd:
     * {@code gateway.crowd().users(20).act(user -> ...)} (see {@link CrowdActionBuilder}).
     */
    public CrowdActionBuilder crowd() {
        return new CrowdActionBuilder(this);
    }

    /**
     * Judges the crowd that acted in the scenario playing (its {@link Scenario#crowd()}, or a crowd of as many users as
     * {@code reports} holds): every user's action on that user's requests only, and the crowd as a whole.
     *
     * @param reports what each user's client showed, by user id ({@code CHAOSGATE_USER}), in the order the users started
     * @throws IllegalStateException when no scenario plays
     */
    public CrowdVerdict crowdVerdict(java.util.Map<String, ClientReport> reports) {
        Scenario played = scenario;
        if (played == null) {
            throw new IllegalStateException("no scenario is playing: start the gateway with ChaosGateway.builder().scenario(...)"
                    + " or call play(scenario) before asking for a verdict");
        }
        return VerdictEngine.standard().judgeCrowd(played, waits.sincePlayed(), linkLog.sinceStarted(), reports);
    }

    /**
     * What the link saw the client send since the scenario started (see {@link #verdict(ClientReport)}), for a
     * caller that judges several actions apart, as the QA console does, one verdict per prompt.
     */
    public List<LinkRequest> linkRequests() {
        return linkLog.sinceStarted();
    }

    /** Connections the link accepted since the scenario started. */
    public long linkConnections() {
        return linkCounters().connectionsAccepted() - linkConnectionsBefore;
    }

    /** {@link #verdict(ClientReport)} for one action: the prompt typed, the texts shown, the composer at the end. */
    public Verdict verdict(String prompt, List<String> shown, String draft) {
        return verdict(ClientReport.of(prompt, shown, draft));
    }

    /**
     * Waits until at least {@code n} generation requests ({@code POST /v1/chat/completions} or
     * {@code /v1/responses}) reached the upstream since the scenario started (since the gateway
     * started when none plays), for an asynchronous app. Polls every 20 ms.
     *
     * @return the generation requests seen so far, oldest first
     * @throws AssertionError naming how many arrived, with their timeline, when {@code timeout} passes first
     */
    public List<UpstreamExchange> awaitAttempts(int n, java.time.Duration timeout) {
        return waits.awaitAttempts(n, timeout);
    }

    /**
     * Waits until no new request reached the upstream for {@code quietFor} (the app has stopped
     * retrying), before asking for a verdict of an asynchronous client. Polls every 20 ms.
     *
     * @return the requests seen since the scenario started, oldest first
     * @throws AssertionError with the timeline when requests keep arriving until {@code timeout}
     */
    public List<UpstreamExchange> awaitQuiet(java.time.Duration quietFor, java.time.Duration timeout) {
        return waits.awaitQuiet(quietFor, timeout);
    }

    /** The scenario playing, or null. */
    public Scenario scenario() {
        return scenario;
    }

    /** The name of the scenario phase in force, or null when no scenario plays. */
    public String phase() {
        return scenario == null ? null : upstream.phase();
    }

    /** Every request that reached the upstream, oldest first, with the fault served. */
    public List<UpstreamExchange> exchanges() {
        return upstream.exchanges();
    }

    /** Connections and bytes through the link. */
    public ProxyCounters linkCounters() {
        return link().counters(LINK);
    }

    @Override
    public void close() {
        toxics.close();
        try {
            linkServer.close();
        } finally {
            upstream.close();
        }
    }

    static String hostPort(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
