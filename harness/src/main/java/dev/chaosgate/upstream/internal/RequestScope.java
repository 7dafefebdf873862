package dev.chaosgate.upstream.internal;

import wiremock.jakarta.servlet.http.HttpServletRequest;
import wiremock.jakarta.servlet.http.HttpServletResponse;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The request Jetty is answering on this thread, as the servlet filter saw it: WireMock hides the
 * client's port and the socket, which the journal and the mid-stream reset need. WireMock answers a
 * request on the thread that accepted it (asynchronous responses stay off), so a thread-local is exact.
 *
 * <p>The responder {@linkplain #answer() answers} a scope once its answer is decided, before a byte
 * of it is sent: the exchange goes in the journal then. The scope {@linkplain #finish() finishes}
 * once: when the last byte of its body has been handed to Jetty, when its connection is broken on
 * purpose, or, as a fallback, when the servlet filter returns; the journal gets the complete exchange.
 */
final class RequestScope {
    private static final ThreadLocal<RequestScope> CURRENT = new ThreadLocal<>();

    final HttpServletRequest request;
    final HttpServletResponse response;
    final long sequence;
    final int clientPort;
    final Instant arrived;
    final long arrivedNanos;
    /** Filled in by the responder. */
    volatile String body;
    volatile String faultLabel;
    volatile String phase;
    volatile String failureClass;
    volatile String prompt;
    /** Where a generation request stands in the user's action, with its answer's ending once decided; null for other requests. */
    volatile dev.chaosgate.upstream.ActionStep action;
    volatile int status;
    volatile Map<String, String> responseHeaders = Map.of();
    volatile boolean streamed;
    volatile boolean answered;
    /**
     * The answer stopped before its end without its fault asking for it: the client side closed the
     * connection (a write to it failed, or a proxy in front said so).
     */
    volatile boolean cutShort;
    /** The request's headers (names in lower case) and path as the journal records them; read once, by {@link UpstreamServer}. */
    volatile Map<String, List<String>> headers;
    volatile String path;
    /** In a replay, the real API's answer recorded for the decision this request got; null otherwise. */
    volatile dev.chaosgate.upstream.live.LiveAnswer replayedAnswer;
    private final List<Runnable> onFinish = new CopyOnWriteArrayList<>();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final Journal journal;

    /** Where a scope reports its exchange. */
    interface Journal {
        void started(RequestScope scope);

        void finished(RequestScope scope);
    }

    RequestScope(long sequence, HttpServletRequest request, HttpServletResponse response, Journal journal) {
        this.sequence = sequence;
        this.request = request;
        this.response = response;
        this.journal = journal;
        this.clientPort = request.getRemotePort();
        this.arrived = Instant.now();
        this.arrivedNanos = System.nanoTime();
    }

    static RequestScope current() {
        RequestScope scope = CURRENT.get();
        if (scope == null) {
            throw new IllegalStateException("no request in progress on " + Thread.currentThread().getName()
                    + ": the fake upstream must run with WireMock's asynchronous responses off");
        }
        return scope;
    }

    static void enter(RequestScope scope) {
        CURRENT.set(scope);
    }

    static void leave() {
        CURRENT.remove();
    }

    /** Runs {@code action} when this request finishes (at once if it already has). */
    void onFinish(Runnable action) {
        onFinish.add(action);
        if (finished.get() && onFinish.remove(action)) {
            action.run();
        }
    }

    /** The answer is decided (the fields above are filled in) and about to be sent. */
    void answer() {
        if (!answered && !finished.get()) {
            answered = true;
            journal.started(this);
        }
    }

    /**
     * The servlet filter's fallback finish: a stream finishes itself at its end or when it breaks on
     * purpose, so one still unfinished here was cut short (its client went away, or the server stopped).
     */
    void finishAfterFilter() {
        if (answered && streamed && !finished.get()) {
            cutShort = true;
        }
        finish();
    }

    /** Releases what the request holds (e.g. its overload slot) and records it; only the first call counts. */
    void finish() {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        for (Runnable action : onFinish) {
            if (onFinish.remove(action)) {
                action.run();
            }
        }
        if (answered) {
            journal.finished(this);
        }
    }
}
