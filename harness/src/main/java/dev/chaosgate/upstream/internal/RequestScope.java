package dev.chaosgate.upstream.internal;

import wiremock.jakarta.servlet.http.HttpServletRequest;
import wiremock.jakarta.servlet.http.HttpServletResponse;

import java.time.Instant;
import java.util.Map;

/**
 * The request Jetty is answering on this thread, as the servlet filter saw it: WireMock hides the
 * client's port and the socket, which the journal and the mid-stream reset need. WireMock answers a
 * request on the thread that accepted it (asynchronous responses stay off), so a thread-local is exact.
 */
final class RequestScope {
    private static final ThreadLocal<RequestScope> CURRENT = new ThreadLocal<>();

    final HttpServletRequest request;
    final HttpServletResponse response;
    final int clientPort;
    final Instant arrived;
    final long arrivedNanos;
    final int inFlight;
    /** Filled in by the responder. */
    volatile String body;
    volatile String faultLabel;
    volatile Map<String, String> responseHeaders = Map.of();
    volatile boolean streamed;
    volatile boolean answered;

    RequestScope(HttpServletRequest request, HttpServletResponse response, int inFlight) {
        this.request = request;
        this.response = response;
        this.clientPort = request.getRemotePort();
        this.arrived = Instant.now();
        this.arrivedNanos = System.nanoTime();
        this.inFlight = inFlight;
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
}
