package dev.chaosgate.upstream.internal;

import com.github.tomakehurst.wiremock.common.LocalNotifier;
import com.github.tomakehurst.wiremock.common.Notifier;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.Response;
import com.github.tomakehurst.wiremock.jetty.JettyHttpUtils;
import com.github.tomakehurst.wiremock.servlet.MultipartRequestConfigurer;
import com.github.tomakehurst.wiremock.servlet.WireMockHandlerDispatchingServlet;
import com.github.tomakehurst.wiremock.servlet.WireMockHttpServletRequestAdapter;
import dev.chaosgate.upstream.FakeUpstream;
import wiremock.jakarta.servlet.Filter;
import wiremock.jakarta.servlet.FilterChain;
import wiremock.jakarta.servlet.FilterConfig;
import wiremock.jakarta.servlet.ServletContext;
import wiremock.jakarta.servlet.ServletException;
import wiremock.jakarta.servlet.ServletRequest;
import wiremock.jakarta.servlet.ServletResponse;
import wiremock.jakarta.servlet.http.HttpServletRequest;
import wiremock.jakarta.servlet.http.HttpServletResponse;
import wiremock.org.eclipse.jetty.servlet.ServletContextHandler;
import wiremock.org.eclipse.jetty.servlet.ServletHolder;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The last filter before WireMock's servlet, which it stands in for: it asks the {@link UpstreamResponder}
 * for the answer and hands it to the servlet's own {@code applyResponse}, as the servlet would after its
 * request pipeline. That pipeline copies every request twice into a logged request, builds a serve event,
 * matches the one catch-all stub and runs the transformer; none of it changes an answer the responder
 * gives (the responder replaces the stub's whole response, WireMock's journal and logging are off), and
 * it took about a quarter of the upstream's CPU under load. Everything the servlet does to the wire
 * (status and reason, headers, chunking, flushes, WireMock's connection faults) and what happens before
 * it (WireMock's own filters, {@link ExchangeFilter}'s scope and refusals) stay as they were.
 *
 * <p>Off ({@code enabled} false), or for a request WireMock itself would not answer ({@code CONNECT}),
 * the request goes on to the servlet and its pipeline as before.
 */
final class DirectAnswers implements Filter {
    private final UpstreamResponder responder;
    private final ServletContextHandler context;
    private final BooleanSupplier enabled;
    private Notifier notifier;
    private MultipartRequestConfigurer multipart;
    private JettyHttpUtils utils;
    /** Found at the first request: Jetty starts the servlets after the filters. */
    private volatile WireMockHandlerDispatchingServlet servlet;

    DirectAnswers(UpstreamResponder responder, ServletContextHandler context, BooleanSupplier enabled) {
        this.responder = responder;
        this.context = context;
        this.enabled = enabled;
    }

    @Override
    public void init(FilterConfig config) {
        // What WireMock's servlet reads from the same context when it starts.
        ServletContext servletContext = config.getServletContext();
        notifier = (Notifier) servletContext.getAttribute(Notifier.KEY);
        multipart = (MultipartRequestConfigurer) servletContext.getAttribute(MultipartRequestConfigurer.KEY);
        utils = (JettyHttpUtils) servletContext.getAttribute(JettyHttpUtils.class.getName());
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        WireMockHandlerDispatchingServlet answering = enabled.getAsBoolean() ? servlet() : null;
        if (answering == null || "CONNECT".equals(http.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        LocalNotifier.set(notifier);
        // WireMock's own view of the request, as its servlet builds it (no mapping prefix, no browser proxying).
        Request wireMockRequest = new WireMockHttpServletRequestAdapter(readToLength(http), multipart, null, false, utils);
        // Read before anything is decided, as WireMock's serve event reads it: a body that breaks off fails here, unanswered.
        wireMockRequest.getBody();
        Response answer = responder.answer(RequestScope.current(), wireMockRequest);
        // From here on, what WireMock's servlet does with a synchronous response.
        if (Thread.currentThread().isInterrupted()) {
            return;
        }
        if (answer.getInitialDelay() > 0) {
            try {
                TimeUnit.MILLISECONDS.sleep(answer.getInitialDelay());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        answering.applyResponse(answer, http, (HttpServletResponse) response);
    }

    /**
     * The request with its body read into an array of its declared length: WireMock reads a body with
     * {@code readAllBytes}, which allocates 16 KiB per request whatever the body's size. A body that breaks
     * off fails here as it would there; a chunked one has been read already ({@link Refusals#admit}).
     */
    private static HttpServletRequest readToLength(HttpServletRequest http) throws IOException {
        long declared = http.getContentLengthLong();
        if (declared <= 0 || declared > FakeUpstream.MAX_REQUEST_BODY_BYTES) {
            return http;
        }
        byte[] body = new byte[(int) declared];
        int read = http.getInputStream().readNBytes(body, 0, body.length);
        return new Refusals.ReadBody(http, read == body.length ? body : Arrays.copyOf(body, read));
    }

    private WireMockHandlerDispatchingServlet servlet() throws ServletException {
        WireMockHandlerDispatchingServlet found = servlet;
        if (found == null) {
            for (ServletHolder holder : context.getServletHandler().getServlets()) {
                // Its instance: WireMock's servlet is started with the context (the files servlet need not be).
                if (holder.getServletInstance() instanceof WireMockHandlerDispatchingServlet wireMock) {
                    found = wireMock;
                }
            }
            if (found == null) {
                throw new ServletException("WireMock's servlet is missing from the fake upstream's context");
            }
            servlet = found;
        }
        return found;
    }
}
