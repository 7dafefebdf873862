package dev.chaosgate.upstream;

import dev.chaosgate.upstream.internal.UpstreamServer;
import dev.chaosgate.upstream.live.LiveAnswer;
import dev.chaosgate.upstream.live.LiveUpstream;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.ObjIntConsumer;

/**
 * A fake OpenAI-compatible API on WireMock, on 127.0.0.1 and a free port: {@code POST
 * /v1/chat/completions} and {@code POST /v1/responses} (plain and {@code stream: true}), {@code GET
 * /v1/models}. The same prompt always gets the same answer; streams are paced like a model's tokens.
 * It serves one {@link UpstreamFault} at a time (see {@link Faults}) and records every exchange.
 *
 * <pre>{@code
 * try (FakeUpstream upstream = FakeUpstream.builder().seed(7).start()) {
 *     upstream.serve(Faults.firstRequests(2, Faults.badGateway()));
 *     // point the client at upstream.baseUrl()
 * }
 * }</pre>
 */
public final class FakeUpstream implements AutoCloseable {
    /**
     * The largest request body the upstream reads: 8 MiB, far above any chat request a test sends.
     * A larger one (by its {@code Content-Length}, or counted as a chunked body arrives) is answered
     * 413 with an OpenAI-shaped error of type {@code invalid_request_error} and code
     * {@code request_body_too_large}, journalled, and its connection closed.
     */
    public static final int MAX_REQUEST_BODY_BYTES = 8 * 1024 * 1024;

    private final UpstreamServer server;
    private final String host;

    private FakeUpstream(UpstreamServer server, String host) {
        this.server = server;
        this.host = host;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static FakeUpstream start() {
        return builder().start();
    }

    /** {@code http://127.0.0.1:<port>/v1}, the base URL an OpenAI client takes. */
    public String baseUrl() {
        return "http://" + host + ":" + port() + "/v1";
    }

    public int port() {
        return server.port();
    }

    public long seed() {
        return server.seed();
    }

    /** Serves {@code fault} from now on, with fresh state; {@code null} answers every request normally. */
    public void serve(UpstreamFault fault) {
        server.serve(fault);
    }

    /**
     * Plays {@code steps} in turn from now on (fresh state, fault draws from {@code seed});
     * {@code onPhase} hears the index of each step as it starts, the first at once. It is called
     * while a request is being decided: hand slow work off.
     */
    public void play(List<TimelineStep> steps, long seed, IntConsumer onPhase) {
        server.play(List.copyOf(steps), seed, Objects.requireNonNull(onPhase, "onPhase cannot be null"));
    }

    /**
     * Plays {@code steps} in turn (fresh state, fault draws from {@code seed}), their time starting as
     * {@code start} says: {@link TimelineStart#FIRST_GENERATION_REQUEST} waits for the client's first
     * generation request (or {@link #startClock}), the first step in force meanwhile. {@code onPhase}
     * hears each step as it starts, the first at once, with when it started (a step lasting a duration
     * starts exactly that long after the one before, even if the change is noticed a little later). It is
     * called while a request is being decided: hand slow work off.
     */
    public void play(List<TimelineStep> steps, long seed, TimelineStart start, ObjIntConsumer<Instant> onPhase) {
        server.play(List.copyOf(steps), seed, Objects.requireNonNull(start, "start cannot be null"),
                Objects.requireNonNull(onPhase, "onPhase cannot be null"));
    }

    /**
     * Starts the clock of a timeline played from its {@link TimelineStart#FIRST_GENERATION_REQUEST} at
     * {@code at}, unless it runs already: a proxy in front saw that request first (or alone, when it
     * stopped it). A no-op for a timeline whose clock runs and for a single fault.
     */
    public void startClock(Instant at) {
        server.startClock(Objects.requireNonNull(at, "at cannot be null"));
    }

    /** When the clock of the timeline being played started, or null while it waits (and when a single fault is served). */
    public Instant clockStart() {
        return server.clockStart();
    }

    /**
     * Whether a request is a generation call ({@code POST /v1/chat/completions} or {@code /v1/responses}, or a
     * dialect's: {@code POST /v1/messages}; any query string), by the rule the upstream decides with: only those meet faults, count toward
     * phases and start a timeline's clock. {@code target} is the request target as sent, origin-form or absolute.
     */
    public static boolean isGenerationCall(String method, String target) {
        return UpstreamServer.isGenerationCall(method, target);
    }

    /** The timeline step in force, or null when a single fault (or none) is served. */
    public String phase() {
        return server.phase();
    }

    /**
     * Serves {@code fault} to the next {@code count} generation requests (chat completions,
     * Responses), ahead of the fault or scenario being served, which neither sees nor counts them.
     * Calls queue up in order.
     */
    public void failNext(int count, UpstreamFault fault) {
        server.failNext(count, fault);
    }

    /** Generation requests that will still get a fault queued by {@link #failNext}. */
    public int injectedRemaining() {
        return server.injectedRemaining();
    }

    /** Drops the faults queued by {@link #failNext}. */
    public void clearInjected() {
        server.clearInjected();
    }

    /**
     * Pauses (true) or resumes faults: while paused every request is answered normally and a
     * timeline does not count requests (phases that last a duration still end on the clock).
     */
    public void pauseFaults(boolean paused) {
        server.pauseFaults(paused);
    }

    public boolean faultsPaused() {
        return server.faultsPaused();
    }

    /**
     * Serves recorded {@code decisions} again in their order, ahead of anything else: recorded
     * generation decisions go to generation requests, the others to the other requests, so a side
     * call more or less does not shift the faults; once they run out, requests are answered
     * normally. {@code null} ends the replay.
     */
    public void replay(List<FaultDecision> decisions) {
        server.replay(decisions == null ? null : List.copyOf(decisions));
    }

    /**
     * {@link #replay(List)}, with the real API's answers recorded in a live run: a request that gets the recorded
     * decision of sequence n (one that met no fault) is answered with the recorded answer of sequence n, the same
     * bytes, if it is the same request ({@link LiveAnswer#sameRequest}); a different one gets a 422 that says what
     * differs, and a warning ({@link #onWarning}). Needs no real API.
     */
    public void replay(List<FaultDecision> decisions, List<LiveAnswer> answers) {
        server.replay(decisions == null ? null : List.copyOf(decisions), List.copyOf(answers));
    }

    /** The real API that answers what meets no fault ({@link Builder#live}), or null for the fake model. */
    public LiveUpstream live() {
        return server.live();
    }

    /**
     * Calls {@code listener} with every answer passed from the real API (or from a replayed recording of it) once its
     * request finishes, on the serving thread: what a recording keeps. Secrets are redacted in it.
     */
    public void onLiveAnswer(Consumer<LiveAnswer> listener) {
        server.onLiveAnswer(Objects.requireNonNull(listener, "listener cannot be null"));
    }

    /**
     * Calls {@code listener} with problems worth telling the person running chaosgate, in one line each: the real API
     * cannot be reached (once per outage, and when it answers again), a replayed request differs from the recorded
     * one. Without a listener they are logged ({@code System.Logger} {@code dev.chaosgate.upstream}).
     */
    public void onWarning(Consumer<String> listener) {
        server.onWarning(Objects.requireNonNull(listener, "listener cannot be null"));
    }

    /** Recorded generation decisions not yet served again, or -1 when no replay runs. */
    public int replayRemaining() {
        return server.replayRemaining();
    }

    /**
     * Answers requests for {@code /__chaosgate/...} with a 307 to the same path at {@code origin}
     * (e.g. {@code http://127.0.0.1:8788}), outside the journal and every fault, so the QA console
     * opens from the app's own address too; null stops redirecting.
     */
    public void redirectConsole(String origin) {
        server.redirectConsole(origin);
    }

    /** Calls {@code listener} with every decision, on the serving thread, before the answer is written. */
    public void onDecision(Consumer<FaultDecision> listener) {
        server.onDecision(listener);
    }

    public void serveNormally() {
        server.serve(null);
    }

    public void pacing(StreamPacing pacing) {
        server.pacing(Objects.requireNonNull(pacing, "pacing cannot be null"));
    }

    /**
     * Makes the next {@code users} generation requests arrive together: each waits until {@code users} have come, or
     * until {@code timeout} after the first, then all go on at once (a crowd whose clients start at different speeds
     * still arrives as one). Requests after them, and other calls, pass.
     */
    public void gatherArrivals(int users, java.time.Duration timeout) {
        server.gatherArrivals(users, Objects.requireNonNull(timeout, "timeout cannot be null"));
    }

    /**
     * How long writing each answer takes from now on (zero: at once, the default): a model answers in
     * seconds, so a crowd's requests overlap as they do in production. Added before every answer's first byte,
     * not before an error answer (a shed 503 is quick); an answer in flight holds its {@code overload} slot meanwhile.
     */
    public void answerTime(java.time.Duration answerTime) {
        Objects.requireNonNull(answerTime, "answerTime cannot be null");
        if (answerTime.isNegative()) {
            throw new IllegalArgumentException("answerTime must be >= 0, got " + answerTime);
        }
        server.answerTime(answerTime);
    }

    /**
     * The recorded exchanges in arrival order (the most recent ones only, up to the journal limit).
     * An exchange is there from the moment its answer is decided, before the client receives any of
     * it; a stream still running is there with {@code complete() == false}.
     */
    public List<UpstreamExchange> exchanges() {
        return server.exchanges();
    }

    public void clearExchanges() {
        server.clearExchanges();
    }

    /** Calls {@code listener} (on the serving thread) with each complete exchange. */
    public void onExchange(Consumer<UpstreamExchange> listener) {
        server.onExchange(listener);
    }

    /**
     * Kills the upstream, as a crashed or redeployed server: it stops listening and closes every open
     * connection, breaking off answers being written. Connections to it are refused until
     * {@link #restart()}; a link in front accepts its clients and closes them at once (see
     * {@code LinkEvent.Kind.UPSTREAM_UNREACHABLE}). The fault state, the exchanges and the port are kept.
     * A no-op when stopped.
     */
    public void stop() {
        server.stop();
    }

    /**
     * Listens again on the same port after {@link #stop()}, with the fault state it had; a no-op while running.
     *
     * @throws IllegalStateException naming the port when another program took it meanwhile
     */
    public void restart() {
        server.restart();
    }

    /** False between {@link #stop()} and {@link #restart()}. */
    public boolean running() {
        return server.running();
    }

    /**
     * Tells the upstream that the client on {@code connection} (its port, as
     * {@link UpstreamExchange#connection()}) closed the connection: an answer still streaming to it
     * stops within 50 ms, instead of at its next write (a stalled stream would hold its thread to the
     * end of the stall), and is journalled with {@link UpstreamExchange#clientClosed()}. A proxy in
     * front calls this when its client leaves; {@code ChaosGateway} does for its link. A no-op when
     * no answer is being written on that connection.
     */
    public void clientClosed(int connection) {
        server.clientClosed(connection);
    }

    /**
     * Tells the upstream that part of what it wrote on {@code connection} (its port, as
     * {@link UpstreamExchange#connection()}) never reached the client: a proxy in front held or dropped
     * it when the connection closed. The last answer written on that connection is journalled again with
     * {@link UpstreamExchange#clientClosed()} set (it was not {@linkplain UpstreamExchange#delivered()
     * delivered}), and one still being written stops as for {@link #clientClosed}. {@code ChaosGateway}
     * calls this for its link.
     */
    public void undelivered(int connection) {
        server.undelivered(connection);
    }

    @Override
    public void close() {
        server.close();
    }

    /** Builds a {@link FakeUpstream}. Not thread-safe. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 0;
        private long seed = ThreadLocalRandom.current().nextLong();
        private StreamPacing pacing = StreamPacing.realistic();
        private int threads = 64;
        private int journalLimit = 10_000;
        private LiveUpstream live;

        private Builder() {
        }

        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host cannot be null");
            return this;
        }

        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be in 0..65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** Seed of fault probabilities and of fixture values (Ray IDs, request ids). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder pacing(StreamPacing pacing) {
            this.pacing = Objects.requireNonNull(pacing, "pacing cannot be null");
            return this;
        }

        /** Requests answered at once (each open stream holds one); more wait for a thread. */
        public Builder threads(int threads) {
            if (threads < 4) {
                throw new IllegalArgumentException("threads must be >= 4, got " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** How many exchanges the journal keeps (the oldest go first). */
        public Builder journalLimit(int journalLimit) {
            if (journalLimit < 1) {
                throw new IllegalArgumentException("journalLimit must be >= 1, got " + journalLimit);
            }
            this.journalLimit = journalLimit;
            return this;
        }

        /**
         * Live mode: requests that meet no fault go to the real API at {@code live} with the client's own headers
         * (its key included; hop-by-hop ones left out), and its answer goes back to the client; a faulted request
         * never reaches it. Null (the default): the fake model answers. See {@code docs/https.md}, "Live mode".
         */
        public Builder live(LiveUpstream live) {
            this.live = live;
            return this;
        }

        public FakeUpstream start() {
            return new FakeUpstream(new UpstreamServer(host, port, seed, pacing, threads, journalLimit, live), host);
        }
    }
}
