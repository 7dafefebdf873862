package dev.chaosgate.upstream.internal;

import wiremock.jakarta.servlet.Filter;
import wiremock.jakarta.servlet.FilterChain;
import wiremock.jakarta.servlet.ServletException;
import wiremock.jakarta.servlet.ServletRequest;
import wiremock.jakarta.servlet.ServletResponse;
import wiremock.jakarta.servlet.http.HttpServletRequest;
import wiremock.jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wraps every request to the mock (not the admin API): numbers it in arrival order, opens the
 * {@link RequestScope} the responder fills in, refuses a body over the limit (see {@link Refusals}),
 * and finishes the scope if the answer did not (a client that went away mid-body, a failure).
 */
final class ExchangeFilter implements Filter {
    private final AtomicLong arrivals = new AtomicLong();
    private final RequestScope.Journal journal;
    private final java.util.function.Supplier<String> consoleOrigin;
    private final java.util.function.Supplier<ArrivalGate> gate;

    /**
     * @param consoleOrigin where {@code /__chaosgate/...} is redirected (e.g. {@code http://127.0.0.1:8788}), or null for nowhere
     * @param gate          the gate a crowd's first generation requests wait at, or null for none
     */
    ExchangeFilter(RequestScope.Journal journal, java.util.function.Supplier<String> consoleOrigin,
                   java.util.function.Supplier<ArrivalGate> gate) {
        this.journal = journal;
        this.consoleOrigin = consoleOrigin;
        this.gate = gate;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        String origin = consoleOrigin.get();
        if (origin != null && http.getRequestURI().startsWith("/__chaosgate")) {
            // The QA console lives on its own port; a browser that asks the app's port is sent there, unjournalled.
            HttpServletResponse redirect = (HttpServletResponse) response;
            redirect.setStatus(307);
            redirect.setHeader("Location", origin + http.getRequestURI()
                    + (http.getQueryString() == null ? "" : "?" + http.getQueryString()));
            redirect.setContentLength(0);
            return;
        }
        ArrivalGate crowd = gate.get();
        if (crowd != null && UpstreamServer.isGenerationCall(http.getMethod(), http.getRequestURI())) {
            // Before the scope: the request arrives, for the journal and the faults, when the gate lets it go.
            try {
                crowd.pass();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        RequestScope scope = new RequestScope(arrivals.incrementAndGet(), (HttpServletRequest) request, (HttpServletResponse) response, journal);
        RequestScope.enter(scope);
        try {
            HttpServletRequest admitted = Refusals.admit(http, (HttpServletResponse) response, scope);
            if (admitted != null) {
                chain.doFilter(admitted, response);
            }
        } finally {
            RequestScope.leave();
            scope.finishAfterFilter();
        }
    }
}
