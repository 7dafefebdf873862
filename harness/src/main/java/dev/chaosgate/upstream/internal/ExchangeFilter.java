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
 * {@link RequestScope} the responder fills in, and finishes the scope if the answer did not (a
 * client that went away mid-body, a failure).
 */
final class ExchangeFilter implements Filter {
    private final AtomicLong arrivals = new AtomicLong();
    private final RequestScope.Journal journal;

    ExchangeFilter(RequestScope.Journal journal) {
        this.journal = journal;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        RequestScope scope = new RequestScope(arrivals.incrementAndGet(), (HttpServletRequest) request, (HttpServletResponse) response, journal);
        RequestScope.enter(scope);
        try {
            chain.doFilter(request, response);
        } finally {
            RequestScope.leave();
            scope.finish();
        }
    }
}
