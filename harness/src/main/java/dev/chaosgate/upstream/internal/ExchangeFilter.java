package dev.chaosgate.upstream.internal;

import wiremock.jakarta.servlet.Filter;
import wiremock.jakarta.servlet.FilterChain;
import wiremock.jakarta.servlet.ServletException;
import wiremock.jakarta.servlet.ServletRequest;
import wiremock.jakarta.servlet.ServletResponse;
import wiremock.jakarta.servlet.http.HttpServletRequest;
import wiremock.jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Wraps every request to the mock (not the admin API): counts requests in flight for the overload
 * fault, opens the {@link RequestScope} and hands the finished exchange to the journal.
 */
final class ExchangeFilter implements Filter {
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Consumer<RequestScope> onFinished;

    ExchangeFilter(Consumer<RequestScope> onFinished) {
        this.onFinished = onFinished;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        RequestScope scope = new RequestScope((HttpServletRequest) request, (HttpServletResponse) response, inFlight.incrementAndGet());
        RequestScope.enter(scope);
        try {
            chain.doFilter(request, response);
        } finally {
            inFlight.decrementAndGet();
            RequestScope.leave();
            if (scope.answered) {
                onFinished.accept(scope);
            }
        }
    }
}
