package dev.chaosgate.upstream.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chaosgate.upstream.FakeUpstream;
import wiremock.jakarta.servlet.Filter;
import wiremock.jakarta.servlet.FilterChain;
import wiremock.jakarta.servlet.ServletInputStream;
import wiremock.jakarta.servlet.ServletRequest;
import wiremock.jakarta.servlet.ServletResponse;
import wiremock.jakarta.servlet.ReadListener;
import wiremock.jakarta.servlet.http.HttpServletRequest;
import wiremock.jakarta.servlet.http.HttpServletRequestWrapper;
import wiremock.jakarta.servlet.http.HttpServletResponse;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What the fake upstream refuses before any fault or answer is decided, in OpenAI's error shape
 * ({@code {"error": {"message", "type", "param", "code"}}}): a request body over
 * {@link FakeUpstream#MAX_REQUEST_BODY_BYTES} (413) and WireMock's own admin API (404, as OpenAI
 * answers a path it does not serve), which would otherwise let any web page reset the stubs or shut
 * the upstream down with a plain form POST through the app's port.
 */
final class Refusals {
    /** How much of a refused body is read and dropped before the 413, so the client gets to read it; beyond, it is not read at all. */
    static final long DRAIN_LIMIT = 64L << 20;
    /** How long the rest of a refused body may stop arriving before the upstream answers without it. */
    static final long DRAIN_PATIENCE_MILLIS = 2_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Refusals() {
    }

    /**
     * The request to pass on: {@code request} itself when its body fits (Jetty holds a
     * {@code Content-Length} body to its length), a copy holding the body read when it is chunked,
     * or null when it is too large: then the 413 has been sent and journalled in {@code scope}.
     */
    static HttpServletRequest admit(HttpServletRequest request, HttpServletResponse response, RequestScope scope)
            throws IOException {
        long limit = FakeUpstream.MAX_REQUEST_BODY_BYTES;
        long declared = request.getContentLengthLong();
        if (declared > limit) {
            refuseTooLarge(request, response, scope, declared + " bytes", declared);
            return null;
        }
        if (declared >= 0 || request.getHeader("Transfer-Encoding") == null) {
            return request;
        }
        byte[] body;
        try {
            body = request.getInputStream().readNBytes((int) limit + 1);
        } catch (IOException | RuntimeException e) {
            // A chunk size that is no number, or a body that breaks off: Jetty would answer its own 500 page.
            refuseUnreadable(response, e);
            return null;
        }
        if (body.length > limit) {
            refuseTooLarge(request, response, scope, "more than " + limit + " bytes (chunked)", -1);
            return null;
        }
        return new ReadBody(request, body);
    }

    private static void refuseTooLarge(HttpServletRequest request, HttpServletResponse response, RequestScope scope,
                                       String size, long declared) throws IOException {
        long limit = FakeUpstream.MAX_REQUEST_BODY_BYTES;
        byte[] body = error("Request body too large: " + size + "; the fake upstream (chaosgate) takes at most " + limit
                + " bytes (" + (limit >> 20) + " MiB)", "invalid_request_error", "request_body_too_large");
        scope.status = 413;
        scope.faultLabel = "request body over " + (limit >> 20) + " MiB (refused)";
        scope.body = "";
        scope.responseHeaders = Map.of("content-type", "application/json", "connection", "close");
        scope.answer();
        // Most clients send the whole body before they read: reading (and dropping) the rest first lets
        // them get to the 413 instead of a reset. One that waits for 100 Continue has sent nothing and
        // gets the answer at once, as does a body over DRAIN_LIMIT.
        if (!"100-continue".equalsIgnoreCase(request.getHeader("Expect")) && declared <= DRAIN_LIMIT) {
            // A client that announced more than it sends is not waited for long.
            JettySockets.idleTimeout(request, DRAIN_PATIENCE_MILLIS);
            drain(request.getInputStream(), declared);
        }
        response.setStatus(413);
        response.setHeader("Connection", "close");
        write(response, body);
    }

    /**
     * Answers a chunked body that cannot be read with a 400 in OpenAI's error shape instead of Jetty's 500 page.
     * It is not journalled: Jetty reports a malformed chunk and a body cut off on the way (a client that went
     * away, a link toxic that ended the stream) alike, and the cut-off one is a connection failure, which the
     * link's request heads already show; a 400 the client never read must not become its attempt's answer.
     */
    private static void refuseUnreadable(HttpServletResponse response, Exception cause) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        String reason = cause.getMessage() == null ? "the chunked encoding broke off" : cause.getMessage();
        byte[] body = error("The request body could not be read (" + reason + "); the fake upstream (chaosgate) takes a"
                + " JSON body sent with Content-Length or a well-formed chunked encoding", "invalid_request_error", null);
        response.setStatus(400);
        response.setHeader("Connection", "close");
        try {
            write(response, body);
        } catch (IOException gone) {
            // The client is gone: nobody reads the answer.
        }
    }

    /** Answers anything under WireMock's {@code /__admin} as OpenAI answers an unknown path. */
    static final class NoAdminApi implements Filter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException {
            HttpServletRequest http = (HttpServletRequest) request;
            HttpServletResponse answer = (HttpServletResponse) response;
            answer.setStatus(404);
            write(answer, error("Invalid URL (" + http.getMethod() + " " + http.getRequestURI() + ")", "invalid_request_error", null));
        }
    }

    private static byte[] error(String message, String type, String code) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.putNull("param");
        if (code == null) {
            error.putNull("code");
        } else {
            error.put("code", code);
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private static void write(HttpServletResponse response, byte[] body) throws IOException {
        response.setContentType("application/json");
        response.setContentLength(body.length);
        OutputStream out = response.getOutputStream();
        out.write(body);
    }

    private static void drain(InputStream in, long declared) {
        long budget = declared >= 0 ? Math.min(declared, DRAIN_LIMIT) : DRAIN_LIMIT;
        byte[] sink = new byte[64 * 1024];
        try {
            for (long read = 0; read < budget; ) {
                int n = in.read(sink, 0, (int) Math.min(sink.length, budget - read));
                if (n < 0) {
                    return;
                }
                read += n;
            }
        } catch (IOException e) {
            // The client went away or the body broke off: nothing more to wait for.
        }
    }

    /** A request with its body already read (and within the limit): a chunked one, or one read to its length. */
    static final class ReadBody extends HttpServletRequestWrapper {
        private final byte[] body;

        ReadBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public byte[] readAllBytes() {
                    // Exactly the rest, as WireMock reads a body: InputStream's own goes through 16 KiB buffers.
                    return in.readAllBytes();
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new IllegalStateException("the body has been read already");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            String encoding = getCharacterEncoding();
            return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body),
                    encoding == null ? StandardCharsets.UTF_8 : java.nio.charset.Charset.forName(encoding)));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
