package dev.chaosgate.upstream.internal;

import dev.chaosgate.fixtures.GoDuration;
import dev.chaosgate.upstream.Faults;
import dev.chaosgate.upstream.RetryAfter;
import dev.chaosgate.upstream.TimelineStep;
import dev.chaosgate.upstream.UpstreamFault;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * The live state of one {@link UpstreamFault} (counters, windows, the seeded random source) and the
 * decision it makes for each request. Decisions are taken one request at a time, in arrival order.
 */
final class FaultRuntime {
    /** What the rate limiter reports for a dimension it does not limit (OpenAI always sends both). */
    static final int NOMINAL_REQUESTS = 10_000;
    static final int NOMINAL_TOKENS = 2_000_000;

    private final Rule root;
    private final long startNanos;
    /** The wall clock at {@link #startNanos}, to tell when on the wall clock a time on the nanosecond clock was. */
    private final Instant startInstant;
    private final SplittableRandom random;
    /** Set when this runtime plays a timeline rather than a single fault. */
    private Timeline timeline;

    FaultRuntime(UpstreamFault fault, long seed, long startNanos) {
        this.startNanos = startNanos;
        this.startInstant = Instant.now();
        this.random = new SplittableRandom(seed);
        this.root = fault == null ? facts -> Decision.NORMAL : rule(fault, startNanos);
    }

    /** A timeline whose clock starts now: each step's fault in turn; {@code onPhase} hears each step that starts, the first included. */
    FaultRuntime(List<TimelineStep> steps, long seed, long startNanos, IntConsumer onPhase) {
        this(steps, seed, startNanos, true, (index, at) -> onPhase.accept(index));
    }

    /**
     * A timeline: each step's fault in turn. With {@code clockNow} false its clock waits for the first
     * generation request (or {@link #startClock}): until then the first step is in force and no time passes
     * in it. {@code onPhase} hears each step that starts, the first included, with when it started.
     */
    FaultRuntime(List<TimelineStep> steps, long seed, long startNanos, boolean clockNow, PhaseListener onPhase) {
        this.startNanos = startNanos;
        this.startInstant = Instant.now();
        this.random = new SplittableRandom(seed);
        Timeline timeline = new Timeline(steps, onPhase);
        this.root = timeline;
        this.timeline = timeline;
        onPhase.started(0, startInstant);
        if (clockNow) {
            timeline.startClock(startNanos);
        }
    }

    /** Hears a timeline's step {@code index} start, at {@code at} on the wall clock. */
    interface PhaseListener {
        void started(int index, Instant at);
    }

    /**
     * The decision for one request. Only generation requests meet a fault and count toward a step's
     * requests or a fault's counters: a model list or another side call is answered normally.
     */
    synchronized Decision decide(RequestFacts facts) {
        if (!facts.generation()) {
            if (timeline != null) {
                timeline.advance(facts.nanos());
                return Decision.NORMAL.inPhase(timeline.current().name());
            }
            return Decision.NORMAL;
        }
        // The action's first generation request starts a timeline waiting for the client (a no-op once it runs).
        startClock(facts.nanos());
        return root.decide(facts);
    }

    /** Moves a timeline on by the clock alone (a duration step ends even when no request comes). */
    synchronized void tick(long nanos) {
        if (timeline != null) {
            timeline.advance(nanos);
        }
    }

    /**
     * Starts a timeline's clock at {@code nanos} (the {@link System#nanoTime()} clock) unless it runs
     * already: the first generation request of the action arrived, here or at a proxy in front.
     * A no-op for a single fault, whose clock starts with it.
     */
    synchronized void startClock(long nanos) {
        if (timeline != null) {
            timeline.startClock(nanos);
        }
    }

    /**
     * {@link #startClock(long)} for a time on the wall clock, e.g. when a proxy in front read the request;
     * a time before this runtime was made is ignored (that request belonged to what was served before).
     */
    synchronized void startClock(Instant at) {
        if (!at.isBefore(startInstant)) {
            startClock(nanosAt(at));
        }
    }

    /** When the timeline's clock started, or null while it waits (or for a single fault). */
    synchronized Instant clockStart() {
        return timeline == null || !timeline.clockRunning ? null : instantAt(timeline.clockStart);
    }

    private long nanosAt(Instant at) {
        return startNanos + Duration.between(startInstant, at).toNanos();
    }

    private Instant instantAt(long nanos) {
        return startInstant.plusNanos(nanos - startNanos);
    }

    /** The name of the timeline step in force, or null when this runtime plays a single fault. */
    synchronized String phase() {
        return timeline == null ? null : timeline.current().name();
    }

    /**
     * Steps in order: a step lasting N requests ends after its N-th request; one lasting a duration
     * ends that long after it started (measured from the end of the step before, so time steps do not
     * drift). Time starts when the clock does ({@link #startClock}); until then the first step is in
     * force. A step's timed faults (flapping, outage, rate-limit window) count from the step's start.
     * Every decision names its step.
     */
    private final class Timeline implements Rule {
        private final List<TimelineStep> steps;
        /** Each step's rule, made when first needed and counting its time from the step's start. */
        private final List<Rule> rules = new ArrayList<>();
        private final PhaseListener onPhase;
        private int index;
        private int requests;
        private boolean clockRunning;
        private long clockStart;
        private long stepStart;

        Timeline(List<TimelineStep> steps, PhaseListener onPhase) {
            if (steps.isEmpty()) {
                throw new IllegalArgumentException("a timeline needs at least one step");
            }
            this.steps = List.copyOf(steps);
            this.onPhase = onPhase;
        }

        TimelineStep current() {
            return steps.get(index);
        }

        void startClock(long nanos) {
            if (!clockRunning) {
                clockRunning = true;
                clockStart = nanos;
                stepStart = nanos;
            }
        }

        void advance(long now) {
            while (clockRunning && index < steps.size() - 1 && ended(now)) {
                TimelineStep done = steps.get(index);
                stepStart = done.duration() != null ? stepStart + done.duration().toNanos() : now;
                index++;
                requests = 0;
                onPhase.started(index, instantAt(stepStart));
            }
        }

        /** The rule of the step in force, made when first needed (always after the clock started: a generation request starts it). */
        private Rule rule() {
            while (rules.size() <= index) {
                rules.add(null);
            }
            Rule made = rules.get(index);
            if (made == null) {
                TimelineStep step = steps.get(index);
                made = step.fault() == null ? facts -> Decision.NORMAL : FaultRuntime.this.rule(step.fault(), stepStart);
                rules.set(index, made);
            }
            return made;
        }

        private boolean ended(long now) {
            TimelineStep step = steps.get(index);
            if (step.requests() != null) {
                return requests >= step.requests();
            }
            return step.duration() != null && now - stepStart >= step.duration().toNanos();
        }

        @Override
        public Decision decide(RequestFacts facts) {
            advance(facts.nanos());
            TimelineStep step = steps.get(index);
            if (step.actionStep() != null && step.actionStep() != facts.step()) {
                // Aimed at another step of the action: this request passes untouched and uncounted.
                return Decision.NORMAL.inPhase(step.name());
            }
            requests++;
            return rule().decide(facts).inPhase(step.name());
        }
    }

    private interface Rule {
        Decision decide(RequestFacts facts);
    }

    /** The rule of {@code fault}, its timed parts (outage, flapping, rate-limit window) counting from {@code origin}. */
    private Rule rule(UpstreamFault fault, long origin) {
        if (fault instanceof UpstreamFault.StreamFault stream) {
            Decision fires = fire(stream);
            return facts -> facts.streamed() ? fires : Decision.NORMAL;
        }
        if (fault instanceof UpstreamFault.ErrorResponse
                || fault instanceof UpstreamFault.ConnectionFault
                || fault instanceof UpstreamFault.SlowAnswer) {
            Decision always = fire(fault);
            return facts -> always;
        }
        if (fault instanceof UpstreamFault.FirstRequests first) {
            Rule inner = rule(first.fault(), origin);
            int[] seen = {0};
            return facts -> ++seen[0] <= first.count() ? labelled(inner.decide(facts), first) : Decision.NORMAL;
        }
        if (fault instanceof UpstreamFault.WithProbability chance) {
            Rule inner = rule(chance.fault(), origin);
            // One draw per request that reaches this rule, whatever the outcome: the sequence depends only on the seed.
            return facts -> random.nextDouble() < chance.probability() ? labelled(inner.decide(facts), chance) : Decision.NORMAL;
        }
        if (fault instanceof UpstreamFault.Outage outage) {
            Rule inner = rule(outage.fault(), origin);
            long end = origin + outage.duration().toNanos();
            return facts -> facts.nanos() - end < 0 ? labelled(inner.decide(facts), outage) : Decision.NORMAL;
        }
        if (fault instanceof UpstreamFault.Flapping flapping) {
            Rule inner = rule(flapping.fault(), origin);
            long down = flapping.down().toNanos();
            long period = down + flapping.up().toNanos();
            // A request that started the clock a hair before its own arrival time was read is at time 0, not late in a cycle.
            return facts -> Math.floorMod(Math.max(0, facts.nanos() - origin), period) < down
                    ? labelled(inner.decide(facts), flapping) : Decision.NORMAL;
        }
        if (fault instanceof UpstreamFault.Overload overload) {
            return new CircuitBreaker(overload);
        }
        if (fault instanceof UpstreamFault.RateLimitWindow window) {
            return new RateLimiter(window, origin);
        }
        if (fault instanceof UpstreamFault.FirstOf firstOf) {
            List<Rule> rules = new ArrayList<>();
            for (UpstreamFault each : firstOf.faults()) {
                rules.add(rule(each, origin));
            }
            return facts -> {
                Map<String, String> values = new LinkedHashMap<>();
                // An overload that admitted the request lends its service time to whatever answers it.
                Duration serviceTime = Duration.ZERO;
                for (Rule each : rules) {
                    Decision decision = each.decide(facts);
                    if (decision.fires()) {
                        return decision.withValuesUnder(values).withServiceTimeAtLeast(serviceTime);
                    }
                    values.putAll(decision.values());
                    serviceTime = decision.serviceTime().compareTo(serviceTime) > 0 ? decision.serviceTime() : serviceTime;
                }
                return Decision.NORMAL.withValuesUnder(values).withServiceTimeAtLeast(serviceTime);
            };
        }
        throw new IllegalArgumentException("unknown fault " + fault);
    }

    /** A wrapper's decision carries the wrapper's label (e.g. {@code 502 cloudflare/502-branded (first 2)}). */
    private static Decision labelled(Decision inner, UpstreamFault wrapper) {
        return inner.relabelIfFaulted(wrapper.label());
    }

    private static Decision fire(UpstreamFault fault) {
        return new Decision(fault, fault.label(), Map.of());
    }

    /**
     * Envoy-style: counts the requests it let through that are still being answered; one arriving
     * while {@code maxInFlight} of them are gets the shed answer (which does not hold a slot).
     *
     * <p>With a cost ({@link UpstreamFault.Overload}): an admitted request is answered after the service
     * time; a request that finds no slot waits in the queue while it has room (first come, first served,
     * up to the queue timeout); every shed request adds its shed cost to a backlog that the slots work
     * off together, {@code maxInFlight} seconds of work per second, and no request is admitted while any
     * backlog is left. Time is the requests' arrival time (never going back), and the waiting requests'
     * own clock while they wait. Its state is guarded by its own monitor, never taken with another
     * held except by {@link #decide} (under the runtime's lock, which a waiting request does not hold).
     */
    private static final class CircuitBreaker implements Rule {
        static final Duration MAX_BACKLOG = Duration.ofSeconds(60);
        private final UpstreamFault.Overload overload;
        private final Decision shed;
        private final Decision admittedDecision;
        private final long shedCostNanos;
        private final long queueTimeoutNanos;
        /** The backlog never holds more than {@link #MAX_BACKLOG} of every slot's time, so a storm cannot stall a session for good. */
        private final long maxBacklog;
        private int admitted;
        /** Work left from shed requests, in nanoseconds of one slot's time, as of {@link #backlogAt}. */
        private long backlog;
        private long backlogAt = Long.MIN_VALUE;
        private final ArrayDeque<Object> waiting = new ArrayDeque<>();

        CircuitBreaker(UpstreamFault.Overload overload) {
            this.overload = overload;
            this.shed = fire(overload.shed()).relabel(overload.label());
            this.admittedDecision = Decision.normalAfter(overload.serviceTime());
            this.shedCostNanos = overload.shedCost().toNanos();
            this.queueTimeoutNanos = overload.queueTimeout().toNanos();
            int slots = Math.max(1, overload.maxInFlight());
            this.maxBacklog = slots > Long.MAX_VALUE / MAX_BACKLOG.toNanos() ? Long.MAX_VALUE : MAX_BACKLOG.toNanos() * slots;
        }

        @Override
        public synchronized Decision decide(RequestFacts facts) {
            long now = workOff(facts.nanos());
            if (waiting.isEmpty() && free()) {
                return admit(facts);
            }
            if (waiting.size() < overload.queue()) {
                Object ticket = new Object();
                waiting.addLast(ticket);
                long deadline = now + queueTimeoutNanos;
                return Decision.pending(() -> awaitSlot(ticket, deadline, facts));
            }
            return shedAt();
        }

        /** A slot is free and no backlog is left. */
        private boolean free() {
            return admitted < overload.maxInFlight() && backlog == 0;
        }

        private Decision admit(RequestFacts facts) {
            admitted++;
            facts.onFinish(this::release);
            return admittedDecision;
        }

        private Decision shedAt() {
            if (shedCostNanos > 0) {
                backlog = backlog >= maxBacklog - shedCostNanos ? maxBacklog : backlog + shedCostNanos;
            }
            return shed;
        }

        private synchronized void release() {
            admitted--;
            notifyAll();
        }

        /** Works the backlog off up to {@code nanos} (never going back in time) and returns the time it is now. */
        private long workOff(long nanos) {
            if (backlogAt == Long.MIN_VALUE || nanos - backlogAt < 0) {
                backlogAt = backlogAt == Long.MIN_VALUE ? nanos : backlogAt;
                return backlogAt;
            }
            long elapsed = nanos - backlogAt;
            int slots = Math.max(1, overload.maxInFlight());
            backlog = elapsed >= backlog / slots + 1 ? 0 : backlog - elapsed * slots;
            backlogAt = nanos;
            return nanos;
        }

        /** A queued request: admitted when it is first in line and {@link #free()}, else shed at its deadline. */
        private synchronized Decision awaitSlot(Object ticket, long deadline, RequestFacts facts) {
            try {
                while (true) {
                    long now = workOff(System.nanoTime());
                    if (waiting.peekFirst() == ticket && free()) {
                        waiting.pollFirst();
                        notifyAll();
                        return admit(facts);
                    }
                    long left = deadline - now;
                    if (left <= 0) {
                        waiting.remove(ticket);
                        notifyAll();
                        return shedAt();
                    }
                    // Woken by a slot freed or the line moving; the backlog runs out on its own, so wake then too.
                    long untilWorkedOff = backlog == 0 ? left : backlog / Math.max(1, overload.maxInFlight()) + 1;
                    long wait = Math.max(1, Math.min(left, untilWorkedOff));
                    wait(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                waiting.remove(ticket);
                notifyAll();
                return shedAt();
            }
        }
    }

    /**
     * A fixed window starting when the fault was set; rejected requests do not use up the budget.
     * Every answer is rendered with the window's counters, so {@code x-ratelimit-*} headers count
     * down and a 429's message, headers and {@code Retry-After} agree.
     */
    private final class RateLimiter implements Rule {
        private final UpstreamFault.RateLimitWindow limits;
        private final long windowNanos;
        private long windowStart;
        private int requests;
        private long tokens;

        RateLimiter(UpstreamFault.RateLimitWindow limits, long origin) {
            this.limits = limits;
            this.windowStart = origin;
            this.windowNanos = limits.window().toNanos();
        }

        @Override
        public Decision decide(RequestFacts facts) {
            if (facts.nanos() - windowStart >= windowNanos) {
                long windows = (facts.nanos() - windowStart) / windowNanos;
                windowStart += windows * windowNanos;
                requests = 0;
                tokens = 0;
            }
            boolean requestsExceeded = limits.requests() > 0 && requests + 1 > limits.requests();
            boolean tokensExceeded = limits.tokens() > 0 && tokens + facts.tokens() > limits.tokens();
            Duration untilReset = Duration.ofNanos(windowStart + windowNanos - facts.nanos());
            if (requestsExceeded || tokensExceeded) {
                long millis = Math.max(1, ceilMillis(untilReset));
                long seconds = Math.max(1, (millis + 999) / 1000);
                UpstreamFault.ErrorResponse answer = (tokensExceeded && !requestsExceeded
                        ? Faults.status(429).withFixture("openai/429-rate-limit-tokens")
                        : Faults.rateLimited())
                        .withRetryAfter(RetryAfter.seconds(seconds))
                        .withRetryAfterMs(millis);
                return new Decision(answer, limits.label(), values(untilReset, facts.tokens()));
            }
            requests++;
            tokens += facts.tokens();
            return Decision.NORMAL.withValuesUnder(values(untilReset, facts.tokens()));
        }

        /** The fixture values of {@code x-ratelimit-*} headers and of the 429 messages, after this request. */
        private Map<String, String> values(Duration untilReset, int requested) {
            String reset = GoDuration.format(Duration.ofMillis(Math.max(0, ceilMillis(untilReset))));
            int requestLimit = limits.requests() > 0 ? limits.requests() : NOMINAL_REQUESTS;
            long tokenLimit = limits.tokens() > 0 ? limits.tokens() : NOMINAL_TOKENS;
            Map<String, String> values = new LinkedHashMap<>();
            values.put("limitRequests", Integer.toString(requestLimit));
            values.put("remainingRequests", Long.toString(Math.max(0, requestLimit - requests)));
            values.put("resetRequests", reset);
            values.put("limitTokens", Long.toString(tokenLimit));
            values.put("remainingTokens", Long.toString(Math.max(0, tokenLimit - tokens)));
            values.put("resetTokens", reset);
            values.put("usedTokens", Long.toString(tokens));
            values.put("requestedTokens", Integer.toString(requested));
            values.put("retryAfterSeconds", Long.toString(Math.max(1, (ceilMillis(untilReset) + 999) / 1000)));
            return values;
        }

        /** OpenAI writes resets to the millisecond at most (e.g. "6m0s", "1.2s", "20ms"). */
        private static long ceilMillis(Duration duration) {
            return (duration.toNanos() + 999_999) / 1_000_000;
        }
    }
}
