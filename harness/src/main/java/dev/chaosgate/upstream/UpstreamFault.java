package dev.chaosgate.upstream;

import dev.chaosgate.fixtures.FixtureName;
import dev.chaosgate.fixtures.Fixtures;
import dev.chaosgate.fixtures.HttpHeader;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the fake upstream does to a request instead of (or on top of) answering it. Immutable values
 * with no server type in them; build them with {@link Faults}. The upstream asks a fault, request
 * by request, whether it fires; when none does, the request gets a normal answer.
 */
public sealed interface UpstreamFault {

    /** A short label for journals and reports, e.g. {@code 502 cloudflare/502-branded}. */
    String label();

    /**
     * Whether this is one answer (an error answer, a connection, stream or slow fault), which a decision
     * serves, a recording stores and fail-next queues; the others decide over several requests.
     */
    default boolean singleAnswer() {
        return this instanceof ErrorResponse || this instanceof ConnectionFault || this instanceof StreamFault
                || this instanceof SlowAnswer;
    }

    /**
     * An error answer: a status with a fixture body and headers, optionally after a delay.
     *
     * @param fixture    fixture name from the {@code fixtures} module, or null for a plain OpenAI-style error
     * @param retryAfter the {@code Retry-After} header, or null for none
     * @param retryAfterMs the {@code retry-after-ms} header in ms, or null for none
     * @param shouldRetry the {@code x-should-retry} header, or null for none
     * @param headers    extra headers, sent after the fixture's own (same name replaces)
     * @param delay      wait before the status line is sent
     */
    record ErrorResponse(int status, String fixture, RetryAfter retryAfter, Long retryAfterMs, Boolean shouldRetry,
                         Map<String, String> headers, Duration delay) implements UpstreamFault {
        public ErrorResponse {
            if (status < 100 || status > 599) {
                throw new IllegalArgumentException("status must be 100..599, got " + status);
            }
            if (fixture != null) {
                // Fails here, naming the closest fixture, rather than as a 500 when the fault is served.
                Fixtures.load(fixture);
            }
            headers.forEach(HttpHeader::new);
            headers = Map.copyOf(headers);
            Objects.requireNonNull(delay, "delay cannot be null");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delay must be >= 0, got " + delay);
            }
        }

        /** The body and headers of fixture {@code name} (e.g. {@code nginx/502}), sent with this status. */
        public ErrorResponse withFixture(String name) {
            return new ErrorResponse(status, name, retryAfter, retryAfterMs, shouldRetry, headers, delay);
        }

        public ErrorResponse withFixture(FixtureName name) {
            return withFixture(name.path());
        }

        public ErrorResponse withRetryAfter(RetryAfter value) {
            return new ErrorResponse(status, fixture, value, retryAfterMs, shouldRetry, headers, delay);
        }

        public ErrorResponse withRetryAfterMs(long millis) {
            return new ErrorResponse(status, fixture, retryAfter, millis, shouldRetry, headers, delay);
        }

        public ErrorResponse withShouldRetry(boolean value) {
            return new ErrorResponse(status, fixture, retryAfter, retryAfterMs, value, headers, delay);
        }

        public ErrorResponse withHeader(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new ErrorResponse(status, fixture, retryAfter, retryAfterMs, shouldRetry, more, delay);
        }

        public ErrorResponse withDelay(Duration value) {
            return new ErrorResponse(status, fixture, retryAfter, retryAfterMs, shouldRetry, headers, value);
        }

        @Override
        public String label() {
            return status + (fixture == null ? "" : " " + fixture);
        }
    }

    /** A broken connection instead of an answer. */
    record ConnectionFault(Kind kind) implements UpstreamFault {
        public enum Kind {
            /** TCP reset before any byte of the answer. */
            RESET,
            /** The connection closes without an answer. */
            EMPTY_RESPONSE,
            /** A 200 whose chunked encoding is broken. */
            MALFORMED_CHUNK,
            /** Garbage bytes, then close. */
            RANDOM_DATA
        }

        public ConnectionFault {
            Objects.requireNonNull(kind, "kind cannot be null");
        }

        @Override
        public String label() {
            return "connection " + kind.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * A streamed answer that goes wrong at a {@link Point} of the stream: after a number of pieces of answer
     * text (the default, {@link #DEFAULT_POINT}: two, so the user has seen text), before any text, or after a
     * number of events of any kind. It strikes at most before the stream's last event, so a faulted stream
     * never reaches {@code [DONE]} or {@code response.completed}. Requests that do not ask for a stream are
     * answered normally.
     *
     * @param at         where in the stream the fault strikes
     * @param stall      for {@link Kind#STALL}, how long the stream stops before it carries on to its end
     * @param http2Error for {@link Kind#RESET} and the GOAWAY kinds, the HTTP/2 error code a client speaking HTTP/2
     *                   meets (RFC 9113, section 7), or null for the kind's default: {@code INTERNAL_ERROR} for a
     *                   reset, {@code NO_ERROR} for a GOAWAY
     */
    record StreamFault(Kind kind, Point at, Duration stall, Http2Error http2Error) implements UpstreamFault {
        /** Where the catalog's mid-answer faults strike: after the second piece of answer text. */
        public static final Point DEFAULT_POINT = new Point.AfterTextDeltas(2);

        public enum Kind {
            /** The stream ends cleanly, without {@code [DONE]} or {@code response.completed}. */
            CUT,
            /** TCP reset mid-stream; over HTTP/2, {@code RST_STREAM} on this answer's stream while the connection lives on. */
            RESET,
            /**
             * The server ends the connection mid-stream: over HTTP/2, a {@code GOAWAY} frame, then the connection
             * closes with this answer (and any other stream) still in flight; over HTTP/1.1, a TCP reset.
             */
            GOAWAY,
            /**
             * The server retires the connection gracefully: the answer is delivered in full, and the client must open
             * a new connection for its next request. Over HTTP/2, {@code GOAWAY NO_ERROR} with the answer's headers,
             * then the connection closes once its streams are done; over HTTP/1.1, {@code Connection: close}. Not a
             * failure: a client that handles it shows the answer and carries on. Where it "strikes" does not matter.
             */
            GOAWAY_GRACEFUL,
            /** An error frame: chat {@code data: {"error":…}}; Responses {@code event: error} (flat). */
            ERROR,
            /** Responses only: {@code event: error} with the error nested under {@code error}. */
            ERROR_NESTED,
            /** Responses only: {@code response.failed}. Chat streams get {@link #ERROR}. */
            RESPONSE_FAILED,
            /** No event for {@code stall} (longer than a client's read timeout should allow), then the rest of the stream. */
            STALL
        }

        /**
         * Where in a stream the fault strikes. The same for Chat Completions and the Responses API: a piece of
         * answer text is a Chat chunk whose {@code choices[0].delta.content} is not empty, or a Responses
         * {@code response.output_text.delta} event. A stream without text (a tool call) counts the pieces of
         * the call's arguments instead ({@code delta.tool_calls[].function.arguments},
         * {@code response.function_call_arguments.delta}); one with fewer pieces than asked meets the fault
         * after its last piece; one with no piece at all, before its last event.
         */
        public sealed interface Point {
            /** After {@code deltas} (at least 1) pieces of answer text: the user has seen text. */
            record AfterTextDeltas(int deltas) implements Point {
                public AfterTextDeltas {
                    if (deltas < 1) {
                        throw new IllegalArgumentException("afterTextDeltas must be >= 1, got " + deltas
                                + " (to strike before the first piece of text, use beforeText)");
                    }
                }

                @Override
                public String describe() {
                    return "after " + deltas + " text delta" + (deltas == 1 ? "" : "s");
                }
            }

            /** Right before the first piece of answer text: the answer had begun (status 200, headers, opening events), no text yet. */
            record BeforeText() implements Point {
                @Override
                public String describe() {
                    return "before any text";
                }
            }

            /**
             * After {@code events} events of any kind (chunks, Responses events). Kept for compatibility: a
             * Responses stream sends four events before its first word, a Chat stream one, so the same count
             * strikes at different places of the answer.
             */
            record AfterEvents(int events) implements Point {
                public AfterEvents {
                    if (events < 0) {
                        throw new IllegalArgumentException("afterEvents must be >= 0, got " + events);
                    }
                }

                @Override
                public String describe() {
                    return "after " + events + " event" + (events == 1 ? "" : "s");
                }
            }

            /** E.g. {@code after 2 text deltas}, {@code before any text}, {@code after 3 events}. */
            String describe();
        }

        /** The HTTP/2 error codes of RFC 9113, section 7. */
        public enum Http2Error {
            NO_ERROR, PROTOCOL_ERROR, INTERNAL_ERROR, FLOW_CONTROL_ERROR, SETTINGS_TIMEOUT, STREAM_CLOSED, FRAME_SIZE_ERROR,
            REFUSED_STREAM, CANCEL, COMPRESSION_ERROR, CONNECT_ERROR, ENHANCE_YOUR_CALM, INADEQUATE_SECURITY, HTTP_1_1_REQUIRED
        }

        /** A fault with the default HTTP/2 error code of its kind. */
        public StreamFault(Kind kind, Point at, Duration stall) {
            this(kind, at, stall, null);
        }

        public StreamFault {
            Objects.requireNonNull(kind, "kind cannot be null");
            if (http2Error != null && kind != Kind.RESET && kind != Kind.GOAWAY) {
                throw new IllegalArgumentException("http2Error applies to a reset or a goaway, not to " + kind.name().toLowerCase(java.util.Locale.ROOT));
            }
            Objects.requireNonNull(at, "at cannot be null");
            Objects.requireNonNull(stall, "stall cannot be null");
            if (stall.isNegative()) {
                throw new IllegalArgumentException("stall must be >= 0, got " + stall);
            }
        }

        /** Strikes after {@code afterEvents} events of any kind (see {@link Point.AfterEvents}). */
        public StreamFault(Kind kind, int afterEvents, Duration stall) {
            this(kind, new Point.AfterEvents(afterEvents), stall);
        }

        /** The same fault, after {@code deltas} (at least 1) pieces of answer text. */
        public StreamFault afterTextDeltas(int deltas) {
            return new StreamFault(kind, new Point.AfterTextDeltas(deltas), stall, http2Error);
        }

        /** The same fault, right before the first piece of answer text. */
        public StreamFault beforeText() {
            return new StreamFault(kind, new Point.BeforeText(), stall, http2Error);
        }

        /** The same fault, after {@code events} events of any kind. */
        public StreamFault afterEvents(int events) {
            return new StreamFault(kind, new Point.AfterEvents(events), stall, http2Error);
        }

        /** The same reset or GOAWAY, meeting an HTTP/2 client with {@code code}. */
        public StreamFault withHttp2Error(Http2Error code) {
            return new StreamFault(kind, at, stall, Objects.requireNonNull(code, "code cannot be null"));
        }

        /**
         * What the link in front does to an HTTP/2 client when this fault strikes, as the upstream asks for it
         * ({@code rst_stream=CODE}, {@code goaway=CODE} or {@code goaway-graceful}), or null when the stream's
         * own ending says it all.
         */
        public String http2Ending() {
            return switch (kind) {
                case RESET -> "rst_stream=" + (http2Error == null ? Http2Error.INTERNAL_ERROR : http2Error);
                case GOAWAY -> "goaway=" + (http2Error == null ? Http2Error.NO_ERROR : http2Error);
                case GOAWAY_GRACEFUL -> "goaway-graceful";
                default -> null;
            };
        }

        @Override
        public String label() {
            return "stream " + kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + " " + at.describe()
                    + (http2Error == null ? "" : " (HTTP/2 " + http2Error + ")");
        }
    }

    /** A normal answer whose first byte waits {@code delay}. */
    record SlowAnswer(Duration delay) implements UpstreamFault {
        public SlowAnswer {
            Objects.requireNonNull(delay, "delay cannot be null");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delay must be >= 0, got " + delay);
            }
        }

        @Override
        public String label() {
            return "slow answer " + delay.toMillis() + " ms";
        }
    }

    /** {@code fault} for the first {@code count} requests, then normal answers. */
    record FirstRequests(int count, UpstreamFault fault) implements UpstreamFault {
        public FirstRequests {
            if (count < 0) {
                throw new IllegalArgumentException("count must be >= 0, got " + count);
            }
            Objects.requireNonNull(fault, "fault cannot be null");
        }

        @Override
        public String label() {
            return fault.label() + " (first " + count + ")";
        }
    }

    /** {@code fault} for each request with probability {@code probability}, drawn from the upstream's seeded source. */
    record WithProbability(double probability, UpstreamFault fault) implements UpstreamFault {
        public WithProbability {
            if (!(probability >= 0 && probability <= 1)) {
                throw new IllegalArgumentException("probability must be in 0..1, got " + probability);
            }
            Objects.requireNonNull(fault, "fault cannot be null");
        }

        @Override
        public String label() {
            return fault.label() + " (p=" + probability + ")";
        }
    }

    /** {@code fault} for every request during {@code duration} from the moment the fault is set, then recovery. */
    record Outage(Duration duration, UpstreamFault fault) implements UpstreamFault {
        public Outage {
            Objects.requireNonNull(duration, "duration cannot be null");
            if (duration.isNegative()) {
                throw new IllegalArgumentException("duration must be >= 0, got " + duration);
            }
            Objects.requireNonNull(fault, "fault cannot be null");
        }

        @Override
        public String label() {
            return fault.label() + " (outage " + duration.toMillis() + " ms)";
        }
    }

    /** Alternates: {@code fault} for {@code down}, then normal answers for {@code up}, and again. */
    record Flapping(Duration down, Duration up, UpstreamFault fault) implements UpstreamFault {
        public Flapping {
            if (down.isNegative() || up.isNegative() || down.plus(up).isZero()) {
                throw new IllegalArgumentException("down and up must be >= 0 and not both zero");
            }
            Objects.requireNonNull(fault, "fault cannot be null");
        }

        @Override
        public String label() {
            return fault.label() + " (flapping " + down.toMillis() + "/" + up.toMillis() + " ms)";
        }
    }

    /**
     * A rate limiter with real state: {@code requests} requests and {@code tokens} tokens per
     * {@code window} (0 = no limit on that one). Every answer carries {@code x-ratelimit-*} headers
     * that count down; over the limit, a 429 with {@code Retry-After} pointing at the real reset.
     */
    record RateLimitWindow(int requests, int tokens, Duration window) implements UpstreamFault {
        public RateLimitWindow {
            if (requests < 0 || tokens < 0 || requests + tokens == 0) {
                throw new IllegalArgumentException("requests and tokens must be >= 0 and at least one > 0");
            }
            if (window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("window must be > 0, got " + window);
            }
        }

        @Override
        public String label() {
            return "rate limit " + requests + " requests / " + tokens + " tokens per " + window.toMillis() + " ms";
        }
    }

    /**
     * Overload tied to concurrency, like an Envoy circuit breaker: a request arriving while
     * {@code maxInFlight} requests it let through are still being answered gets {@code shed} (a 503
     * by default). Shed requests hold no slot; a streamed answer holds its slot until its last event.
     *
     * <p>Built with {@code maxInFlight} and {@code shed} alone, shedding costs nothing. Three settings
     * make the overload cost work, so that how a crowd retries decides how long it lasts:
     * <ul>
     *   <li>{@code serviceTime}: an admitted request holds its slot at least this long before its answer
     *       starts (the declared capacity is {@code maxInFlight / serviceTime} requests per second);</li>
     *   <li>{@code queue} and {@code queueTimeout}: up to {@code queue} requests that find every slot taken
     *       wait, first come first served, up to {@code queueTimeout} for one, then are shed; a request that
     *       finds the queue full is shed at once;</li>
     *   <li>{@code shedCost}: each shed request leaves {@code shedCost} of one slot's work behind (accepting
     *       the connection, reading, refusing, logging). The slots work that backlog off together, at
     *       {@code maxInFlight} seconds of work per second, and admit no request while any is left. So the
     *       backlog shrinks only while shed requests arrive slower than {@code maxInFlight / shedCost} per
     *       second: recovery starts when the load falls below that capacity, and a crowd retrying at once
     *       keeps the service overloaded after the spike that started it (a metastable failure). Once shed
     *       requests stop, recovery takes the backlog divided by {@code maxInFlight}; the backlog is capped
     *       at 60 s of every slot's time, so no storm stalls a session for more than a minute.</li>
     * </ul>
     *
     * @param maxInFlight  slots: requests answered at once
     * @param shed         the answer to a shed request
     * @param serviceTime  the least time an admitted request holds its slot before its answer starts (0: none)
     * @param queue        requests that may wait for a slot (0: none wait)
     * @param queueTimeout how long a queued request waits before it is shed (0 exactly when {@code queue} is 0)
     * @param shedCost     the work a shed request leaves behind, in one slot's time (0: shedding is free)
     */
    record Overload(int maxInFlight, ErrorResponse shed, Duration serviceTime, int queue, Duration queueTimeout,
                    Duration shedCost) implements UpstreamFault {
        public Overload {
            if (maxInFlight < 0) {
                throw new IllegalArgumentException("maxInFlight must be >= 0, got " + maxInFlight);
            }
            Objects.requireNonNull(shed, "shed cannot be null");
            Objects.requireNonNull(serviceTime, "serviceTime cannot be null");
            Objects.requireNonNull(queueTimeout, "queueTimeout cannot be null");
            Objects.requireNonNull(shedCost, "shedCost cannot be null");
            if (serviceTime.isNegative()) {
                throw new IllegalArgumentException("serviceTime must be >= 0, got " + serviceTime);
            }
            if (queue < 0) {
                throw new IllegalArgumentException("queue must be >= 0, got " + queue);
            }
            if (queue > 0 && (queueTimeout.isNegative() || queueTimeout.isZero())) {
                throw new IllegalArgumentException("a queue of " + queue + " needs a queueTimeout above 0 (how long a request waits"
                        + " for a slot before it is shed), got " + queueTimeout);
            }
            if (queue == 0 && !queueTimeout.isZero()) {
                throw new IllegalArgumentException("queueTimeout " + queueTimeout + " without a queue: set queue above 0, or drop the timeout");
            }
            if (shedCost.isNegative()) {
                throw new IllegalArgumentException("shedCost must be >= 0, got " + shedCost);
            }
            if (maxInFlight == 0 && (queue > 0 || !shedCost.isZero())) {
                // No slot ever frees: a queue would only delay the 503 and a backlog would never be worked off.
                throw new IllegalArgumentException("maxInFlight 0 sheds every request: a queue or a shedCost needs maxInFlight >= 1");
            }
        }

        /** Shedding at no cost: no service time, no queue, no shed cost. */
        public Overload(int maxInFlight, ErrorResponse shed) {
            this(maxInFlight, shed, Duration.ZERO, 0, Duration.ZERO, Duration.ZERO);
        }

        /** This overload with {@code slots} instead of {@code maxInFlight}, the rest unchanged (e.g. sized for a load test). */
        public Overload withMaxInFlight(int slots) {
            return new Overload(slots, shed, serviceTime, queue, queueTimeout, shedCost);
        }

        /** Admitted requests hold their slot {@code time} before their answer starts. */
        public Overload withServiceTime(Duration time) {
            return new Overload(maxInFlight, shed, time, queue, queueTimeout, shedCost);
        }

        /** Up to {@code waiting} requests wait up to {@code timeout} for a slot before they are shed. */
        public Overload withQueue(int waiting, Duration timeout) {
            return new Overload(maxInFlight, shed, serviceTime, waiting, waiting == 0 ? Duration.ZERO : timeout, shedCost);
        }

        /** Each shed request leaves {@code cost} of one slot's work behind; no request is admitted until it is done. */
        public Overload withShedCost(Duration cost) {
            return new Overload(maxInFlight, shed, serviceTime, queue, queueTimeout, cost);
        }

        /** Whether shedding costs nothing and nobody waits: the circuit breaker alone. */
        public boolean costFree() {
            return serviceTime.isZero() && queue == 0 && shedCost.isZero();
        }

        /** Admitted requests per second the slots can answer, {@code maxInFlight / serviceTime}; infinite without a service time. */
        public double capacityPerSecond() {
            return serviceTime.isZero() ? Double.POSITIVE_INFINITY : maxInFlight * 1e9 / serviceTime.toNanos();
        }

        /** Shed requests per second the slots can work off, {@code maxInFlight / shedCost}; infinite when shedding is free. */
        public double shedCapacityPerSecond() {
            return shedCost.isZero() ? Double.POSITIVE_INFINITY : maxInFlight * 1e9 / shedCost.toNanos();
        }

        @Override
        public String label() {
            StringBuilder label = new StringBuilder("overload above " + maxInFlight + " in flight");
            if (!serviceTime.isZero()) {
                label.append(", service ").append(serviceTime.toMillis()).append(" ms");
            }
            if (queue > 0) {
                label.append(", queue ").append(queue).append(" up to ").append(queueTimeout.toMillis()).append(" ms");
            }
            if (!shedCost.isZero()) {
                label.append(", shed cost ").append(shedCost.toMillis()).append(" ms");
            }
            return label.toString();
        }
    }

    /** The first of {@code faults} that fires decides; the ones after it do not see the request. */
    record FirstOf(List<UpstreamFault> faults) implements UpstreamFault {
        public FirstOf {
            faults = List.copyOf(faults);
        }

        @Override
        public String label() {
            return faults.stream().map(UpstreamFault::label).reduce((a, b) -> a + ", " + b).orElse("none");
        }
    }
}
