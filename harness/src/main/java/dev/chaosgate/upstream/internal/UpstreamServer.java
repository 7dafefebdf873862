package dev.chaosgate.upstream.internal;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.common.JettySettings;
import com.github.tomakehurst.wiremock.http.HttpServerFactory;
import com.github.tomakehurst.wiremock.jetty11.Jetty11HttpServer;
import com.github.tomakehurst.wiremock.jetty11.Jetty11Utils;
import dev.chaosgate.fixtures.FixtureValues;
import dev.chaosgate.upstream.StreamPacing;
import dev.chaosgate.upstream.TimelineStart;
import dev.chaosgate.upstream.TimelineStep;
import dev.chaosgate.upstream.UpstreamExchange;
import dev.chaosgate.upstream.FaultDecision;
import dev.chaosgate.upstream.UpstreamFault;
import dev.chaosgate.upstream.live.LiveAnswer;
import dev.chaosgate.upstream.live.LiveUpstream;
import dev.chaosgate.upstream.live.Redaction;
import wiremock.jakarta.servlet.DispatcherType;
import wiremock.org.eclipse.jetty.http.HttpField;
import wiremock.org.eclipse.jetty.io.NetworkTrafficListener;
import wiremock.org.eclipse.jetty.server.HttpConnectionFactory;
import wiremock.org.eclipse.jetty.server.Request;
import wiremock.org.eclipse.jetty.server.ServerConnector;
import wiremock.org.eclipse.jetty.servlet.FilterHolder;
import wiremock.org.eclipse.jetty.servlet.ServletContextHandler;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.ObjIntConsumer;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * WireMock set up as the fake upstream: one catch-all stub answered by {@link UpstreamResponder},
 * a servlet filter for connection facts and the body limit, one that answers with the responder
 * beside WireMock's request pipeline ({@link DirectAnswers}), no WireMock journal (ours is bounded),
 * no gzip (it would hold streamed events back), no per-request logging, and no admin API over HTTP
 * (its {@code /__admin} paths answer OpenAI's 404).
 */
public final class UpstreamServer implements AutoCloseable {
    /** How long an idle client connection stays open: longer than any client waits in a black hole. */
    static final long IDLE_TIMEOUT_MILLIS = 60 * 60 * 1000L;

    private static final System.Logger LOG = System.getLogger("dev.chaosgate.upstream");
    private final String host;
    private final int threads;
    private final int port;
    private final ExchangeFilter filter;
    private final UpstreamResponder responder;
    /** Guards {@link #wireMock}: stopping and restarting. */
    private final Object lifecycle = new Object();
    /** Null while stopped. */
    private WireMockServer wireMock;
    /** Set while {@link #stop()} breaks off answers: those are not cut by their client. */
    private volatile boolean stopping;
    /** Answers decided and not yet finished, by the client's port, for {@link #clientClosed}. */
    private final java.util.concurrent.ConcurrentHashMap<Integer, RequestScope> answering = new java.util.concurrent.ConcurrentHashMap<>();
    private final long seed;
    private final int journalLimit;
    /** By sequence, so in arrival order whatever order the answers are decided and finished in. */
    private final TreeMap<Long, UpstreamExchange> journal = new TreeMap<>();
    private final List<Consumer<UpstreamExchange>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile FaultRuntime faults;
    private ScheduledExecutorService ticker;
    private volatile StreamPacing pacing;
    private volatile BiFunction<FaultRuntime, RequestFacts, Decision> decider = FaultRuntime::decide;
    private FixtureValues values;
    private final Steering steering = new Steering();
    private volatile String consoleOrigin;
    private final List<Consumer<FaultDecision>> decisionListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final LiveResponder live;
    private final List<Consumer<LiveAnswer>> liveListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Consumer<String>> warningListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    /**
     * Whether answers skip WireMock's request pipeline ({@link DirectAnswers}); the same bytes either way. Off only to
     * compare the two: in tests, and in the capacity benchmark with {@code -Dchaosgate.upstream.wireMockPipeline=true}.
     */
    private volatile boolean directAnswers = !Boolean.getBoolean("chaosgate.upstream.wireMockPipeline");

    public UpstreamServer(String host, int port, long seed, StreamPacing pacing, int threads, int journalLimit) {
        this(host, port, seed, pacing, threads, journalLimit, null);
    }

    /** An upstream whose normal answers come from the real API {@code live} (null: the fake model's). */
    public UpstreamServer(String host, int port, long seed, StreamPacing pacing, int threads, int journalLimit, LiveUpstream live) {
        this.seed = seed;
        this.pacing = pacing;
        this.journalLimit = journalLimit;
        this.host = host;
        this.threads = threads;
        this.values = FixtureValues.random(seed);
        this.faults = new FaultRuntime(null, seed, System.nanoTime());
        this.filter = new ExchangeFilter(new RequestScope.Journal() {
            @Override
            public void started(RequestScope scope) {
                UpstreamServer.this.started(scope);
            }

            @Override
            public void finished(RequestScope scope) {
                UpstreamServer.this.finished(scope);
            }
        }, () -> consoleOrigin, () -> gate);
        this.live = new LiveResponder(live, this::heardLive, this::warn);
        this.responder = new UpstreamResponder(this::decide, this::nextValues, () -> this.pacing, this.live);
        this.wireMock = startWireMock(port);
        this.port = wireMock.port();
    }

    /** A WireMock server on {@code listenPort}, started, with the catch-all stub; the filter and responder are shared. */
    private WireMockServer startWireMock(int listenPort) {
        HttpServerFactory jetty = (options, admin, stub) -> new Jetty11HttpServer(options, admin, stub) {
            @Override
            protected ServerConnector createHttpConnector(String bindAddress, int listenOn, JettySettings settings,
                                                          NetworkTrafficListener unused) {
                // WireMock's own connector reports traffic to a listener (none here) and, to do so, writes each
                // buffer of an answer in a system call of its own: status and headers, the body, the last chunk
                // went out as three TCP segments, which the link then read and wrote again. A plain connector
                // writes them in one gathering write; the bytes are the same.
                ServerConnector connector = new ServerConnector(jettyServer, null, null, null,
                        settings.getAcceptors().orElse(1), 2, new HttpConnectionFactory(Jetty11Utils.createHttpConfig(settings)));
                connector.setPort(listenOn);
                connector.setHost(bindAddress);
                Jetty11Utils.setJettySettings(settings, connector);
                return connector;
            }

            @Override
            protected void decorateMockServiceContextBeforeConfig(ServletContextHandler context) {
                context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
            }

            @Override
            protected void decorateMockServiceContextAfterConfig(ServletContextHandler context) {
                // Last, after WireMock's own filters: it stands in for WireMock's servlet.
                context.addFilter(new FilterHolder(new DirectAnswers(responder, context, () -> directAnswers)), "/*",
                        EnumSet.of(DispatcherType.REQUEST));
            }

            @Override
            protected void decorateAdminServiceContextBeforeConfig(ServletContextHandler admin) {
                // The stub is set up in-process; nothing may change it over HTTP.
                admin.addFilter(new FilterHolder(new Refusals.NoAdminApi()), "/*", EnumSet.of(DispatcherType.REQUEST));
            }
        };
        WireMockServer server = new WireMockServer(options()
                .bindAddress(host)
                .port(listenPort)
                .containerThreads(threads)
                .jettyAcceptors(1)
                // Jetty's default 30 s idle timeout would close a connection the link holds in a black hole
                // (a timeout toxic swallowing the request), and with it the client's: only the client's own
                // timeout may end such an attempt.
                .jettyIdleTimeout(IDLE_TIMEOUT_MILLIS)
                // Plain HTTP/1.1 only: Jetty's h2c answers the upgrade that java.net.http.HttpClient offers by
                // default, and resets a request whose body is chunked (RST_STREAM); declining the upgrade, as any
                // HTTP/1.1 server may (RFC 9110, 7.8), keeps every request shape working, and readable to the link.
                .http2PlainDisabled(true)
                .gzipDisabled(true)
                .disableRequestJournal()
                .stubRequestLoggingDisabled(true)
                .maxLoggedResponseSize(0)
                .httpServerFactory(jetty)
                .extensions(responder));
        server.start();
        server.stubFor(WireMock.any(WireMock.anyUrl()).willReturn(WireMock.aResponse().withStatus(200)));
        return server;
    }

    /**
     * Stops listening and closes every open connection, as a crashed upstream would; answers being
     * written are broken off (and journalled so). State, journal and port are kept for {@link #restart()}.
     */
    public void stop() {
        // Not under this object's lock: answers broken off by the stop journal themselves under it.
        synchronized (lifecycle) {
            if (wireMock == null) {
                return;
            }
            stopping = true;
            try {
                wireMock.stop();
            } finally {
                wireMock = null;
            }
        }
    }

    /**
     * Listens again on the same port after {@link #stop()}; a no-op while running.
     *
     * @throws IllegalStateException naming the port when another program took it meanwhile
     */
    public void restart() {
        synchronized (lifecycle) {
            if (wireMock != null) {
                return;
            }
            try {
                wireMock = startWireMock(port);
            } catch (RuntimeException e) {
                throw new IllegalStateException("cannot restart the fake upstream on " + host + ":" + port
                        + ": the port was taken while it was stopped (" + e.getMessage() + ")", e);
            }
            stopping = false;
        }
    }

    public boolean running() {
        synchronized (lifecycle) {
            return wireMock != null;
        }
    }

    /**
     * The client on {@code clientPort} closed its connection: an answer still streaming to it stops
     * within {@code EventStream}'s wait slice and is journalled as cut short by the client.
     */
    public void clientClosed(int clientPort) {
        RequestScope scope = answering.get(clientPort);
        if (scope != null) {
            scope.cutShort = true;
        }
    }

    /**
     * Part of what was written on {@code clientPort} never reached the client: the last answer on that
     * connection is marked cut short in the upstream's record ({@code exchanges()}); listeners heard it once, complete.
     */
    public void undelivered(int clientPort) {
        RequestScope scope = answering.get(clientPort);
        if (scope != null) {
            scope.cutShort = true;
            return;
        }
        // Replaced in place, not told again: listeners (the journal) have recorded the exchange once already,
        // and a second record would count one request twice.
        synchronized (this) {
            for (UpstreamExchange exchange : journal.descendingMap().values()) {
                if (exchange.connection() == clientPort) {
                    if (exchange.complete() && !exchange.clientClosed()) {
                        journal.replace(exchange.sequence(), withClientClosed(exchange));
                    }
                    break;
                }
            }
        }
    }

    private static UpstreamExchange withClientClosed(UpstreamExchange e) {
        return new UpstreamExchange(e.sequence(), e.arrived(), e.connection(), e.method(), e.path(), e.requestHeaders(),
                e.requestBody(), e.fault(), e.status(), e.responseHeaders(), e.streamed(), e.duration(), e.complete(),
                e.phase(), e.failureClass(), e.prompt(), true, e.action());
    }

    /**
     * The decision for one request: a replayed one while a replay runs, a normal answer while faults
     * are paused, a queued fault for a generation request while any is queued, else the fault or
     * timeline being served. Decision listeners hear it before the answer is written.
     */
    private Decision decide(RequestFacts facts) {
        Decision decision;
        FaultDecision.Source source;
        synchronized (steering) {
            if (steering.replay != null) {
                FaultDecision recorded = steering.replay.next(facts.generation());
                decision = recorded == null ? Decision.NORMAL
                        : new Decision(recorded.fault(), recorded.label(), recorded.values(), recorded.phase());
                if (recorded != null && facts.scope() != null) {
                    // The real API's answer to this decision's request, if the recorded run was live.
                    facts.scope().replayedAnswer = steering.replay.answers.get(recorded.sequence());
                }
                source = FaultDecision.Source.REPLAY;
            } else if (steering.paused) {
                decision = Decision.NORMAL;
                source = FaultDecision.Source.PAUSED;
            } else {
                if (facts.generation()) {
                    // The action began, whether a queued fault or the scenario answers it.
                    faults.startClock(facts.nanos());
                }
                decision = injected(facts);
                source = FaultDecision.Source.INJECTED;
                if (decision == null) {
                    decision = decider.apply(faults, facts);
                    source = FaultDecision.Source.SCENARIO;
                }
            }
        }
        // A request queued by an overload waits for its slot here, holding no lock: the others are decided meanwhile.
        decision = decision.settle();
        if (!decisionListeners.isEmpty()) {
            long sequence = facts.scope() == null ? 0 : facts.scope().sequence;
            FaultDecision heard = new FaultDecision(sequence, facts.generation(), decision.phase(), decision.label(),
                    decision.fault(), decision.values(), source);
            for (Consumer<FaultDecision> listener : decisionListeners) {
                try {
                    listener.accept(heard);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "a decision listener of the fake upstream failed", e);
                }
            }
        }
        return decision;
    }

    /**
     * The queued fault's decision for a generation request, in the phase in force; null when none is
     * queued or it does not apply (a stream fault and a request that does not stream), which then
     * neither uses one of the queued count nor stops the scenario from deciding.
     */
    private Decision injected(RequestFacts facts) {
        Injection injection = steering.injected.peekFirst();
        if (!facts.generation() || injection == null) {
            return null;
        }
        Decision decision = injection.runtime.decide(facts);
        if (!decision.fires()) {
            return null;
        }
        if (--injection.remaining == 0) {
            steering.injected.pollFirst();
        }
        return decision.relabelIfFaulted(injection.fault.label() + " (injected)").inPhase(faults.phase());
    }

    /** Serves {@code fault} to the next {@code count} generation requests, ahead of whatever is served. */
    public void failNext(int count, UpstreamFault fault) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, got " + count);
        }
        Objects.requireNonNull(fault, "fault cannot be null");
        synchronized (steering) {
            steering.injected.addLast(new Injection(fault, count, new FaultRuntime(fault, seed, System.nanoTime())));
        }
    }

    /** How many generation requests still get a queued fault. */
    public int injectedRemaining() {
        synchronized (steering) {
            return steering.injected.stream().mapToInt(i -> i.remaining).sum();
        }
    }

    public void clearInjected() {
        synchronized (steering) {
            steering.injected.clear();
        }
    }

    /** While paused every request is answered normally and a timeline does not move on by requests. */
    public void pauseFaults(boolean paused) {
        synchronized (steering) {
            steering.paused = paused;
        }
    }

    public boolean faultsPaused() {
        synchronized (steering) {
            return steering.paused;
        }
    }

    /**
     * Serves {@code decisions} again, in order: the recorded generation decisions to generation
     * requests, the others to the other requests; once a kind runs out, its requests are answered
     * normally. {@code null} ends a replay.
     */
    public void replay(List<FaultDecision> decisions) {
        replay(decisions, List.of());
    }

    /**
     * {@link #replay(List)}, and the real API's recorded {@code answers} (by their request's recorded sequence)
     * served again to the requests that get the recorded decisions of those sequences.
     */
    public void replay(List<FaultDecision> decisions, List<LiveAnswer> answers) {
        synchronized (steering) {
            steering.replay = decisions == null ? null : new Replay(decisions, answers);
        }
    }

    /** The real API normal answers come from, or null. */
    public LiveUpstream live() {
        return live.live();
    }

    public void onLiveAnswer(Consumer<LiveAnswer> listener) {
        liveListeners.add(listener);
    }

    public void onWarning(Consumer<String> listener) {
        warningListeners.add(listener);
    }

    private void heardLive(LiveAnswer answer) {
        for (Consumer<LiveAnswer> listener : liveListeners) {
            try {
                listener.accept(answer);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "a live answer listener of the upstream failed", e);
            }
        }
    }

    /** A problem worth telling the person running chaosgate; logged when nobody listens. */
    private void warn(String message) {
        if (warningListeners.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, message);
            return;
        }
        for (Consumer<String> listener : warningListeners) {
            try {
                listener.accept(message);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "a warning listener of the upstream failed", e);
            }
        }
    }

    /** Recorded generation decisions not served yet, or -1 when no replay runs. */
    public int replayRemaining() {
        synchronized (steering) {
            return steering.replay == null ? -1 : steering.replay.generation.size();
        }
    }

    /** Redirects {@code /__chaosgate/...} to {@code origin} (scheme, host and port), unjournalled; null stops it. */
    public void redirectConsole(String origin) {
        consoleOrigin = origin;
    }

    /** Hears every decision, on the thread that takes it, before the answer is written. */
    public void onDecision(Consumer<FaultDecision> listener) {
        decisionListeners.add(Objects.requireNonNull(listener, "listener cannot be null"));
    }

    private static final class Steering {
        final ArrayDeque<Injection> injected = new ArrayDeque<>();
        boolean paused;
        Replay replay;
    }

    private static final class Injection {
        final UpstreamFault fault;
        final FaultRuntime runtime;
        int remaining;

        Injection(UpstreamFault fault, int remaining, FaultRuntime runtime) {
            this.fault = fault;
            this.remaining = remaining;
            this.runtime = runtime;
        }
    }

    private static final class Replay {
        final ArrayDeque<FaultDecision> generation = new ArrayDeque<>();
        final ArrayDeque<FaultDecision> other = new ArrayDeque<>();
        final Map<Long, LiveAnswer> answers = new java.util.HashMap<>();

        Replay(List<FaultDecision> decisions, List<LiveAnswer> recordedAnswers) {
            for (FaultDecision decision : decisions) {
                (decision.generation() ? generation : other).addLast(decision);
            }
            for (LiveAnswer answer : recordedAnswers) {
                answers.put(answer.sequence(), answer);
            }
        }

        /** The next recorded decision of this kind, or null when they ran out. */
        FaultDecision next(boolean isGeneration) {
            return (isGeneration ? generation : other).pollFirst();
        }
    }

    private synchronized FixtureValues nextValues() {
        values = values.next();
        return values;
    }

    /** The port, the same after a {@link #restart()}. */
    public int port() {
        return port;
    }

    public long seed() {
        return seed;
    }

    /** Serves {@code fault} from now on, with fresh state (counters, windows, its clock and random source). */
    public void serve(UpstreamFault fault) {
        faults = new FaultRuntime(fault, seed, System.nanoTime());
    }

    /**
     * Plays {@code steps} in turn from now on, with fresh state and fault draws from
     * {@code timelineSeed}; {@code onPhase} hears the index of
     * each step as it starts (the first at once). It is called while a decision is being taken, so
     * it must hand any slow work off.
     */
    public void play(List<TimelineStep> steps, long timelineSeed, IntConsumer onPhase) {
        play(steps, timelineSeed, TimelineStart.NOW, (at, index) -> onPhase.accept(index));
    }

    /**
     * Plays {@code steps} in turn, with fresh state and fault draws from {@code timelineSeed}; their
     * time starts as {@code start} says. {@code onPhase} hears each step as it starts (the first at
     * once), with when it started; it is called while a decision is being taken, so it must hand any
     * slow work off.
     */
    public void play(List<TimelineStep> steps, long timelineSeed, TimelineStart start, ObjIntConsumer<Instant> onPhase) {
        faults = new FaultRuntime(steps, timelineSeed, System.nanoTime(), start == TimelineStart.NOW,
                (index, at) -> onPhase.accept(at, index));
        if (steps.stream().anyMatch(step -> step.duration() != null)) {
            startTicker();
        }
    }

    /**
     * Starts the clock of the timeline being played at {@code at} unless it runs already (a proxy in
     * front read the action's first generation request before it got here).
     */
    public void startClock(Instant at) {
        faults.startClock(at);
    }

    /** Whether a request of {@code method} to {@code target} is a generation call (see {@code FakeUpstream.isGenerationCall}). */
    public static boolean isGenerationCall(String method, String target) {
        return OpenAiRequest.isGenerationCall(method, target);
    }

    /** When the clock of the timeline being played started, or null while it waits for the first generation request. */
    public Instant clockStart() {
        return faults.clockStart();
    }

    /** The name of the timeline step in force, or null when a single fault is served. */
    public String phase() {
        return faults.phase();
    }

    private synchronized void startTicker() {
        if (ticker == null) {
            ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "chaosgate-timeline");
                thread.setDaemon(true);
                return thread;
            });
            // Time steps end on the clock even when no request arrives, so link toxics switch on time.
            ticker.scheduleAtFixedRate(() -> faults.tick(System.nanoTime()), 10, 10, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Test seam: decide with {@code newDecider} (given the current fault's runtime) instead of the
     * fault alone, e.g. to make answering fail on purpose.
     */
    void decider(BiFunction<FaultRuntime, RequestFacts, Decision> newDecider) {
        decider = newDecider;
    }

    /** Test seam: answer through WireMock's whole request pipeline ({@code false}) or beside it (the default). */
    void directAnswers(boolean direct) {
        directAnswers = direct;
    }

    public void pacing(StreamPacing newPacing) {
        pacing = newPacing;
    }

    private volatile ArrivalGate gate;

    /** Gathers the next {@code size} generation requests at a gate of their own (see {@link ArrivalGate}). */
    public void gatherArrivals(int size, java.time.Duration timeout) {
        gate = new ArrivalGate(size, timeout);
    }

    public void answerTime(java.time.Duration newAnswerTime) {
        responder.answerTime(newAnswerTime);
    }

    public void onExchange(Consumer<UpstreamExchange> listener) {
        listeners.add(listener);
    }

    public synchronized List<UpstreamExchange> exchanges() {
        return Collections.unmodifiableList(new ArrayList<>(journal.values()));
    }

    public synchronized void clearExchanges() {
        journal.clear();
    }

    /** The answer to {@code scope} is decided: it goes in the journal before a byte of it is sent. */
    private void started(RequestScope scope) {
        answering.put(scope.clientPort, scope);
        UpstreamExchange exchange = exchange(scope, false);
        synchronized (this) {
            journal.put(exchange.sequence(), exchange);
            while (journal.size() > journalLimit) {
                journal.pollFirstEntry();
            }
        }
    }

    /** The answer to {@code scope} is written (or broken): its complete version replaces it. */
    private void finished(RequestScope scope) {
        answering.remove(scope.clientPort, scope);
        UpstreamExchange exchange = exchange(scope, true);
        synchronized (this) {
            // Not put back if cleared or pushed out of the journal meanwhile.
            journal.replace(exchange.sequence(), exchange);
        }
        tell(exchange);
    }

    private void tell(UpstreamExchange exchange) {
        for (Consumer<UpstreamExchange> listener : listeners) {
            try {
                listener.accept(exchange);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "an exchange listener of the fake upstream failed", e);
            }
        }
    }

    private UpstreamExchange exchange(RequestScope scope, boolean complete) {
        readRequest(scope);
        boolean clientClosed = complete && scope.cutShort && !stopping;
        return new UpstreamExchange(scope.sequence, scope.arrived, scope.clientPort, scope.request.getMethod(), scope.path,
                scope.headers, scope.body, scope.faultLabel, scope.status, scope.responseHeaders, scope.streamed,
                Duration.ofNanos(System.nanoTime() - scope.arrivedNanos), complete, scope.phase, scope.failureClass, scope.prompt,
                clientClosed, scope.action);
    }

    /** Headers and path, read from the servlet request once for both versions of the exchange. */
    private static void readRequest(RequestScope scope) {
        if (scope.headers != null) {
            return;
        }
        // Jetty's fields in one pass: the servlet API's names-then-values walk took a fifth of the journal's cost.
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (HttpField field : Request.getBaseRequest(scope.request).getHttpFields()) {
            headers.computeIfAbsent(field.getName().toLowerCase(Locale.ROOT), name -> new ArrayList<>(1)).add(field.getValue());
        }
        // The one place requests are recorded: no API key gets past it into the journal, the console or a recording.
        scope.path = Redaction.target(scope.request.getRequestURI()
                + (scope.request.getQueryString() == null ? "" : "?" + scope.request.getQueryString()));
        scope.headers = Redaction.headers(headers);
    }

    @Override
    public void close() {
        synchronized (this) {
            if (ticker != null) {
                ticker.shutdownNow();
            }
        }
        stop();
    }
}
