package dev.chaosgate.gateway;

import dev.chaosgate.journal.Journal;
import dev.chaosgate.link.ApiError;
import dev.chaosgate.link.LinkEngine;
import dev.chaosgate.link.LinkConnection;
import dev.chaosgate.link.LinkException;
import dev.chaosgate.link.LinkEvent;
import dev.chaosgate.link.LinkServer;
import dev.chaosgate.link.ProxyCounters;
import dev.chaosgate.link.ToxicDefinition;
import dev.chaosgate.scenario.LinkToxic;
import dev.chaosgate.scenario.Phase;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.upstream.FakeUpstream;
import dev.chaosgate.upstream.FaultDecision;
import dev.chaosgate.upstream.StreamPacing;
import dev.chaosgate.upstream.TimelineStart;
import dev.chaosgate.upstream.TimelineStep;
import dev.chaosgate.upstream.UpstreamExchange;
import dev.chaosgate.upstream.UpstreamFault;
import dev.chaosgate.verdict.ClientReport;
import dev.chaosgate.verdict.LinkRequest;
import dev.chaosgate.verdict.Verdict;
import dev.chaosgate.verdict.VerdictSource;
import dev.chaosgate.verdict.VerdictEngine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
    private static final int UPSTREAM_JOURNAL_LIMIT = 10_000;
    /** How long a verdict waits for the link to see a client close a connection that got no answer. */
    private static final java.time.Duration LINK_SETTLE = java.time.Duration.ofMillis(200);

    private final LinkServer linkServer;
    private final FakeUpstream upstream;
    private final int linkPort;
    private final String linkHost;
    /** Every request and link event of this gateway (see {@link #journal()}). */
    private final Journal journal;
    /** Applies each phase's link toxics in order, off the thread that decided the phase change. */
    private final ExecutorService phaseChanges = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "chaosgate-phases");
        thread.setDaemon(true);
        return thread;
    });
    private volatile Scenario scenario;
    /** Exchanges up to this sequence number came before the scenario started playing. */
    private volatile long playedFrom;
    private volatile long linkConnectionsBefore;
    /** The index of the scenario phase in force (for resuming its toxics). */
    private volatile int phaseIndex;
    /** When the scenario started playing: the link's requests from then on are the action's. */
    private volatile Instant playedAt = Instant.now();
    /** Each phase of the scenario playing and when it began, for requests only the link saw. */
    private final List<PhaseMark> phaseMarks = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The latest snapshot of each connection through the link (the newest {@value #UPSTREAM_JOURNAL_LIMIT}). */
    private final Map<Long, LinkConnection> linkTraffic = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Long, LinkConnection> eldest) {
                    return size() > UPSTREAM_JOURNAL_LIMIT;
                }
            });
    /**
     * Set from playing a scenario on the client's clock until the link sees its first generation request: requests
     * the link read before this instant do not start the clock (they came before the scenario, or while faults were
     * paused). Null when nothing waits. A new instant per play, so a link thread still busy with an older one cannot clear it.
     */
    private final java.util.concurrent.atomic.AtomicReference<Instant> awaitingClockFrom = new java.util.concurrent.atomic.AtomicReference<>();
    /** Set while a replay runs. */
    private volatile java.util.concurrent.atomic.AtomicReference<ReplayPhases> replayPhases;

    private ChaosGateway(LinkServer linkServer, FakeUpstream upstream, int linkPort, String linkHost, int journalCapacity) {
        this.journal = new Journal(journalCapacity);
        this.linkHost = linkHost;
        this.linkServer = linkServer;
        this.upstream = upstream;
        this.linkPort = linkPort;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static ChaosGateway start() {
        return builder().start();
    }

    /** {@code http://127.0.0.1:<link port>/v1}: give this to the client under test as its OpenAI base URL. */
    public String baseUrl() {
        boolean wildcard = linkHost.isEmpty() || linkHost.equals("0.0.0.0") || linkHost.equals("::");
        return "http://" + (wildcard ? "127.0.0.1" : hostPort(linkHost, linkPort).replaceFirst(":\\d+$", ""))
                + ":" + linkPort + "/v1";
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
        awaitingClockFrom.set(null);
        scenario = null;
        replayPhases = null;
        upstream.replay(null);
        upstream.serve(fault);
    }

    public void serveNormally() {
        awaitingClockFrom.set(null);
        scenario = null;
        replayPhases = null;
        upstream.replay(null);
        upstream.serveNormally();
        phaseChanges.execute(() -> applyLinkToxics(List.of()));
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
        List<TimelineStep> steps = new ArrayList<>();
        for (Phase phase : played.phases()) {
            steps.add(new TimelineStep(phase.name(), phase.requests(), phase.duration(), phase.upstream(), phase.step()));
        }
        awaitingClockFrom.set(null);
        playedFrom = lastSequence();
        linkConnectionsBefore = linkCounters().connectionsAccepted();
        markPlayed(played.phases().isEmpty() ? null : played.phases().get(0).name());
        scenario = played;
        replayPhases = null;
        upstream.replay(null);
        upstream.clearInjected();
        TimelineStart start = played.clock() == Scenario.Clock.CLIENT ? TimelineStart.FIRST_GENERATION_REQUEST : TimelineStart.NOW;
        upstream.play(steps, played.seed(), start, (at, index) -> {
            phaseIndex = index;
            // When the phase began on the scenario's clock (a duration phase ends on time even if noticed a tick later).
            phaseMarks.add(new PhaseMark(at, played.phases().get(index).name()));
            List<LinkToxic> toxics = played.phases().get(index).link();
            phaseChanges.execute(() -> applyPhaseToxics(toxics));
        });
        if (start == TimelineStart.FIRST_GENERATION_REQUEST) {
            awaitingClockFrom.set(playedAt);
        }
        awaitPhaseChanges();
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
        phaseChanges.execute(() -> applyLinkToxics(List.of()));
        awaitPhaseChanges();
    }

    public void resumeFaults() {
        // A request sent while paused met no fault: it does not start the scenario's clock.
        Instant resumed = Instant.now();
        awaitingClockFrom.updateAndGet(from -> from == null ? null : resumed);
        upstream.pauseFaults(false);
        Scenario played = scenario;
        if (played != null && phaseIndex < played.phases().size()) {
            List<LinkToxic> toxics = played.phases().get(phaseIndex).link();
            phaseChanges.execute(() -> applyLinkToxics(toxics));
            awaitPhaseChanges();
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
        Objects.requireNonNull(recorded, "scenario cannot be null");
        List<String> phases = decisions.stream().filter(FaultDecision::generation).map(FaultDecision::phase).toList();
        awaitingClockFrom.set(null);
        playedFrom = lastSequence();
        linkConnectionsBefore = linkCounters().connectionsAccepted();
        markPlayed(null);
        scenario = recorded;
        upstream.clearInjected();
        upstream.serveNormally();
        replayPhases = new java.util.concurrent.atomic.AtomicReference<>(new ReplayPhases(recorded, phases));
        upstream.replay(decisions);
        switchReplayPhase(0);
        awaitPhaseChanges();
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
    private void switchReplayPhase(int next) {
        java.util.concurrent.atomic.AtomicReference<ReplayPhases> current = replayPhases;
        if (current == null) {
            return;
        }
        ReplayPhases replay = current.get();
        if (replay.phases.isEmpty()) {
            return;
        }
        String name = replay.phases.get(Math.min(next, replay.phases.size() - 1));
        for (int i = 0; i < replay.scenario.phases().size(); i++) {
            if (replay.scenario.phases().get(i).name().equals(name)) {
                if (i != phaseIndex || next == 0) {
                    phaseIndex = i;
                    phaseMarks.add(new PhaseMark(Instant.now(), name));
                    List<LinkToxic> toxics = replay.scenario.phases().get(i).link();
                    phaseChanges.execute(() -> applyPhaseToxics(toxics));
                }
                return;
            }
        }
    }

    private void onReplayed(FaultDecision decision) {
        java.util.concurrent.atomic.AtomicReference<ReplayPhases> current = replayPhases;
        if (current != null && decision.source() == FaultDecision.Source.REPLAY && decision.generation()) {
            switchReplayPhase(current.get().served.incrementAndGet());
        }
    }

    private record ReplayPhases(Scenario scenario, List<String> phases, java.util.concurrent.atomic.AtomicInteger served) {
        ReplayPhases(Scenario scenario, List<String> phases) {
            this(scenario, phases, new java.util.concurrent.atomic.AtomicInteger());
        }
    }

    /**
     * Judges the client's action in the scenario playing: everything the upstream saw since the
     * scenario started, and what the client showed the user.
     *
     * @throws IllegalStateException when no scenario plays
     */
    public Verdict verdict(ClientReport report) {
        Scenario played = scenario;
        if (played == null) {
            throw new IllegalStateException("no scenario is playing: start the gateway with ChaosGateway.builder().scenario(...)"
                    + " or call play(scenario) before asking for a verdict");
        }
        return VerdictEngine.standard().judge(played, exchangesSincePlayed(), linkRequestsSincePlayed(),
                linkCounters().connectionsAccepted() - linkConnectionsBefore, Objects.requireNonNull(report, "report cannot be null"));
    }

    /**
     * What the link saw the client send since the scenario started (see {@link #verdict(ClientReport)}), for a
     * caller that judges several actions apart, as the QA console does, one verdict per prompt.
     */
    public List<LinkRequest> linkRequests() {
        return linkRequestsSincePlayed();
    }

    /** Connections the link accepted since the scenario started. */
    public long linkConnections() {
        return linkCounters().connectionsAccepted() - linkConnectionsBefore;
    }

    private record PhaseMark(Instant at, String name) {
    }

    private void markPlayed(String firstPhase) {
        phaseMarks.clear();
        playedAt = Instant.now();
        if (firstPhase != null) {
            phaseMarks.add(new PhaseMark(playedAt, firstPhase));
        }
    }

    /** The phase in force at {@code at}, or null. */
    private String phaseAt(Instant at) {
        String phase = null;
        for (PhaseMark mark : phaseMarks) {
            if (!mark.at().isAfter(at)) {
                phase = mark.name();
            }
        }
        return phase;
    }

    /**
     * What the link saw the client send since the scenario started: every HTTP/1.x request head, and each
     * connection whose bytes the link could not read. A connection's end (and whether the client closed it)
     * belongs to its last request, the one the client was waiting on.
     */
    private List<LinkRequest> linkRequestsSincePlayed() {
        // A client that just gave up closed its connection a moment ago; let the link see it before judging.
        long deadline = System.nanoTime() + LINK_SETTLE.toNanos();
        List<LinkRequest> requests = collectLinkRequests();
        while (requests.stream().anyMatch(r -> r.ended() == null && r.bytesToClient() == 0) && System.nanoTime() < deadline) {
            pause();
            requests = collectLinkRequests();
        }
        return requests;
    }

    private List<LinkRequest> collectLinkRequests() {
        Instant from = playedAt;
        List<LinkConnection> connections;
        synchronized (linkTraffic) {
            connections = new ArrayList<>(linkTraffic.values());
        }
        List<LinkRequest> requests = new ArrayList<>();
        for (LinkConnection connection : connections) {
            Instant end = connection.clientClosed() != null ? connection.clientClosed() : connection.closed();
            boolean clientGaveUp = connection.clientClosed() != null;
            if (connection.requests().isEmpty()) {
                if (connection.protocol() == LinkConnection.Protocol.OTHER && !connection.opened().isBefore(from)) {
                    requests.add(new LinkRequest(connection.opened(), connection.connection(), connection.upstreamPort(), null,
                            null, end, clientGaveUp, connection.bytesToClient(), phaseAt(connection.opened()),
                            "not HTTP/1.x (TLS, HTTP/2 or unreadable bytes)"));
                }
                continue;
            }
            for (int i = 0; i < connection.requests().size(); i++) {
                LinkConnection.RequestHead head = connection.requests().get(i);
                if (head.at().isBefore(from)) {
                    continue;
                }
                boolean last = i == connection.requests().size() - 1;
                requests.add(new LinkRequest(head.at(), connection.connection(), connection.upstreamPort(), head.method(),
                        head.path(), last ? end : null, last && clientGaveUp, connection.bytesToClient(), phaseAt(head.at()),
                        head.transport()));
            }
        }
        return requests;
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
        Objects.requireNonNull(timeout, "timeout cannot be null");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<UpstreamExchange> seen = generationRequestsSincePlayed();
            if (seen.size() >= n) {
                return seen;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("expected at least " + n + " generation request(s) at the upstream within "
                        + timeout.toMillis() + " ms, but " + seen.size() + " arrived" + timeline(seen));
            }
            pause();
        }
    }

    /**
     * Waits until no new request reached the upstream for {@code quietFor} (the app has stopped
     * retrying), before asking for a verdict of an asynchronous client. Polls every 20 ms.
     *
     * @return the requests seen since the scenario started, oldest first
     * @throws AssertionError with the timeline when requests keep arriving until {@code timeout}
     */
    public List<UpstreamExchange> awaitQuiet(java.time.Duration quietFor, java.time.Duration timeout) {
        Objects.requireNonNull(quietFor, "quietFor cannot be null");
        Objects.requireNonNull(timeout, "timeout cannot be null");
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long lastSequence = lastSequence();
        long lastChange = start;
        while (true) {
            long now = System.nanoTime();
            long sequence = lastSequence();
            if (sequence != lastSequence) {
                lastSequence = sequence;
                lastChange = now;
            } else if (now - lastChange >= quietFor.toNanos()) {
                return exchangesSincePlayed();
            }
            if (now - deadline >= 0) {
                List<UpstreamExchange> seen = exchangesSincePlayed();
                throw new AssertionError("expected the upstream to see no new request for " + quietFor.toMillis()
                        + " ms within " + timeout.toMillis() + " ms, but requests kept arriving: " + seen.size()
                        + " so far" + timeline(seen));
            }
            pause();
        }
    }

    private List<UpstreamExchange> exchangesSincePlayed() {
        long from = playedFrom;
        return upstream.exchanges().stream().filter(e -> e.sequence() > from).toList();
    }

    private List<UpstreamExchange> generationRequestsSincePlayed() {
        return exchangesSincePlayed().stream().filter(UpstreamExchange::isGeneration).toList();
    }

    private long lastSequence() {
        List<UpstreamExchange> all = upstream.exchanges();
        return all.isEmpty() ? 0 : all.get(all.size() - 1).sequence();
    }

    private static String timeline(List<UpstreamExchange> seen) {
        if (seen.isEmpty()) {
            return " (none)";
        }
        StringBuilder out = new StringBuilder(":");
        java.time.Instant first = seen.get(0).arrived();
        for (UpstreamExchange e : seen) {
            out.append("\n  #").append(e.sequence()).append("  +")
                    .append(java.time.Duration.between(first, e.arrived()).toMillis()).append(" ms  ")
                    .append(e.method()).append(' ').append(e.path()).append("  ")
                    .append(e.status() == 0 ? "no status" : String.valueOf(e.status()))
                    .append(e.fault() == null ? "  answered" : "  " + e.fault());
            if (e.phase() != null) {
                out.append("  [").append(e.phase()).append(']');
            }
        }
        return out.toString();
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the upstream", e);
        }
    }

    /** The scenario playing, or null. */
    public Scenario scenario() {
        return scenario;
    }

    /** The name of the scenario phase in force, or null when no scenario plays. */
    public String phase() {
        return scenario == null ? null : upstream.phase();
    }

    /** A phase's toxics, unless faults are paused (then resuming applies them). */
    private void applyPhaseToxics(List<LinkToxic> toxics) {
        if (!upstream.faultsPaused()) {
            applyLinkToxics(toxics);
        }
    }

    private void applyLinkToxics(List<LinkToxic> toxics) {
        LinkEngine engine = link();
        for (ToxicDefinition existing : engine.toxics(LINK)) {
            engine.removeToxic(LINK, existing.name());
        }
        for (LinkToxic toxic : toxics) {
            engine.addToxic(LINK, toxic.name(), toxic.type(), toxic.stream(), toxic.toxicity(), toxic.attributes());
        }
    }

    /** Waits until link toxics queued so far are in place (so a test's first request meets its first phase). */
    private void awaitPhaseChanges() {
        try {
            phaseChanges.submit(() -> { }).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("link toxics of the first phase could not be applied: " + e.getMessage(), e);
        }
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
        phaseChanges.shutdownNow();
        try {
            linkServer.close();
        } finally {
            upstream.close();
        }
    }

    private static String hostPort(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** Builds a {@link ChaosGateway}. Not thread-safe. */
    public static final class Builder {
        private long seed = ThreadLocalRandom.current().nextLong();
        private StreamPacing pacing = StreamPacing.realistic();
        private boolean seedSet;
        private int upstreamThreads = 64;
        private int journalCapacity = Journal.DEFAULT_CAPACITY;
        private Scenario scenario;
        private String listenHost = "127.0.0.1";
        private int listenPort = 0;

        private Builder() {
        }

        /**
         * The seed of the link's toxics (jitter, toxicity) and of the upstream's fixture values (ids),
         * and of the fault draws of faults {@linkplain ChaosGateway#serve served} outside a scenario; by
         * default the scenario's own seed, or a random one. A scenario's fault schedule (which requests
         * meet a probabilistic or flapping fault) always comes from the scenario's own seed, so no seed
         * given here can leave the scenario's fault unmet.
         */
        public Builder seed(long seed) {
            this.seed = seed;
            this.seedSet = true;
            return this;
        }

        /** Plays {@code played} from the moment the gateway starts. */
        public Builder scenario(Scenario played) {
            this.scenario = Objects.requireNonNull(played, "scenario cannot be null");
            return this;
        }

        public Builder pacing(StreamPacing pacing) {
            this.pacing = Objects.requireNonNull(pacing, "pacing cannot be null");
            return this;
        }

        public Builder upstreamThreads(int threads) {
            this.upstreamThreads = threads;
            return this;
        }

        /**
         * How many entries the {@link #journal()} keeps, and how many requests the upstream's
         * {@link #exchanges()} keep (by default {@value Journal#DEFAULT_CAPACITY} and 10,000); the
         * oldest go first. Under load a few thousand are plenty: every request is kept until pushed
         * out, and a short journal lets its entries die young instead of churning the old generation.
         * Listeners ({@link Journal#onEntry}) hear every entry whatever the bound.
         */
        public Builder journalCapacity(int entries) {
            if (entries < 1) {
                throw new IllegalArgumentException("journalCapacity must be >= 1, got " + entries);
            }
            this.journalCapacity = entries;
            return this;
        }

        /**
         * Where the link listens for the client (default {@code 127.0.0.1} on a free port), e.g. a
         * fixed port an app is configured with. A port in use fails {@link #start()} with a
         * {@link LinkException} naming the address and the fix; nothing is left running.
         */
        public Builder listen(String host, int port) {
            this.listenHost = Objects.requireNonNull(host, "host cannot be null");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + port);
            }
            this.listenPort = port;
            return this;
        }

        /** Creates the link proxy on the listen address; a bind failure says which address and what to do. */
        private int listen(LinkEngine engine, int upstreamPort) {
            try {
                return engine.createProxy(LINK, hostPort(listenHost, listenPort), "127.0.0.1:" + upstreamPort, true).listenPort();
            } catch (LinkException e) {
                if (e.error() != ApiError.LISTEN_FAILED) {
                    throw e;
                }
                String fix = String.valueOf(e.getMessage()).contains("in use")
                        ? "; stop what holds port " + listenPort + " or choose another in ChaosGateway.builder().listen(host, port) (0: any free port)"
                        : "; check the host given to ChaosGateway.builder().listen(host, port)";
                LinkException explained = new LinkException(e.error(), e.getMessage() + fix);
                explained.initCause(e);
                throw explained;
            }
        }

        public ChaosGateway start() {
            if (scenario != null && !seedSet) {
                seed = scenario.seed();
            }
            FakeUpstream upstream = FakeUpstream.builder().seed(seed).pacing(pacing).threads(upstreamThreads)
                    .journalLimit(Math.min(journalCapacity, UPSTREAM_JOURNAL_LIMIT)).start();
            LinkServer link;
            try {
                link = LinkServer.builder().seed(seed).ioThreads(2).start();
            } catch (RuntimeException e) {
                upstream.close();
                throw e;
            }
            try {
                int port = listen(link.engine(), upstream.port());
                ChaosGateway gateway = new ChaosGateway(link, upstream, port, listenHost, journalCapacity);
                upstream.onDecision(gateway::onReplayed);
                upstream.onExchange(gateway.journal::record);
                link.engine().onTraffic(connection -> {
                    if (LINK.equals(connection.proxy())) {
                        gateway.linkTraffic.put(connection.connection(), connection);
                        gateway.startClockOnGeneration(connection);
                    }
                });
                link.engine().onEvent(event -> {
                    if (LINK.equals(event.proxy())) {
                        gateway.journal.record(event);
                        if (event.kind() == LinkEvent.Kind.CLOSED) {
                            // An answer still streaming on that connection has lost its client.
                            upstream.clientClosed(event.upstreamPort());
                        } else if (event.kind() == LinkEvent.Kind.UNDELIVERED) {
                            // The link held or dropped part of an answer: the client did not receive it in full.
                            upstream.undelivered(event.upstreamPort());
                        }
                    }
                });
                if (scenario != null) {
                    // The scenario's own seed decides its fault schedule, whatever the gateway's seed.
                    gateway.play(scenario);
                }
                return gateway;
            } catch (RuntimeException e) {
                link.close();
                upstream.close();
                throw e;
            }
        }
    }
}
