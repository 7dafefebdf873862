package dev.chaosgate.cli.bundled;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chaosgate.fixtures.ErrorAnswers;
import dev.chaosgate.fixtures.ErrorAnswers.ErrorInfo;
import dev.chaosgate.fixtures.FailureClass;
import dev.chaosgate.upstream.Provider;
import dev.chaosgate.upstream.RetryAfter;
import dev.chaosgate.verdict.ClientReport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The reference client that does everything right; it must pass every catalog scenario. Built on
 * {@code java.net.http} (HTTP/1.1, one {@link HttpClient} per instance).
 *
 * <h2>Policy</h2>
 * <table>
 *   <caption>what it does</caption>
 *   <tr><th>topic</th><th>policy</th></tr>
 *   <tr><td>timeouts</td><td>connect 3 s; response headers 12 s (above the 10 s of {@code slow-first-byte}, which a
 *       good client must sit through); body idle timeout 5 s between two chunks of a body or two events of a
 *       stream (java.net.http's request timeout stops at the headers, so the client enforces this one itself).
 *       All three are configurable ({@link Timeouts}).</td></tr>
 *   <tr><td>attempt budget</td><td>{@value #MAX_ATTEMPTS} attempts per user action (the SDKs' 3; every catalog
 *       scenario allows at least that, except the timeout ones below).</td></tr>
 *   <tr><td>retried</td><td>408, 409, 429 rate limit (incl. Cloudflare 1015), 5xx, connection refused or reset
 *       before any response, connect and response timeouts. {@code x-should-retry: true|false} overrides the
 *       status either way, as in the official SDKs.</td></tr>
 *   <tr><td>never retried</td><td>400, 401, 403 (incl. Cloudflare 1020 and unsupported region), 404, 413, 422,
 *       429 {@code insufficient_quota} / billing codes, 429 "Request too large", and any streamed answer once
 *       its 200 has arrived (no automatic replay of a stream, even if nothing was shown yet: the request was
 *       applied and OpenAI advises against replaying it; the user gets a Regenerate offer instead).</td></tr>
 *   <tr><td>timeouts are retried once</td><td>a failure after which the request may have been applied (a
 *       response or body timeout, 408, 504, Cloudflare 524) is retried at most once per action: at most two
 *       such attempts, as the {@code maxAttempts: 2} of the timeout scenarios ask.</td></tr>
 *   <tr><td>backoff</td><td>exponential with jitter: {@value #BACKOFF_BASE_MS} ms × 2^(retry-1), capped at 8 s,
 *       times a random factor in [1, 1.25) (jitter only upward, so the delay never falls below the nominal one;
 *       the base is the SDKs' 0.5 s rather than 200 ms, because {@code gateway-flapping} asks at least 250 ms
 *       between attempts and the first two delays must outlast its 1 s wave of 503s).</td></tr>
 *   <tr><td>Retry-After</td><td>{@code retry-after-ms} first, then {@code Retry-After} as delay-seconds (decimals
 *       accepted, as the SDKs do) or an HTTP-date. Invalid, negative or past values are ignored (own backoff).
 *       A value above {@value #MAX_SERVER_WAIT_S} s is not believed (a user does not sit through it): like
 *       openai-node's 60 s rule, the client falls back to its own backoff and still retries. The wait is
 *       max(Retry-After + up to 25 % jitter, own backoff): Retry-After is a minimum, and the jitter keeps a crowd
 *       told the same Retry-After from coming back all at once (RETRIES_SYNCHRONISED).</td></tr>
 *   <tr><td>streams</td><td>complete only with {@code data: [DONE]} or a {@code finish_reason}; a clean EOF
 *       before that, an error frame, a reset or the idle timeout is a cut: the partial text is shown as it
 *       came, followed by a "Response interrupted" banner offering Regenerate; no replay.</td></tr>
 *   <tr><td>what is shown</td><td>the answer on success; on failure a message of the failure's guidance class
 *       ({@link #goodMessage}), never the raw body, JSON or an exception text.</td></tr>
 *   <tr><td>draft</td><td>cleared after a complete answer; keeps the prompt after any failure (an interrupted
 *       stream included, so the user can send it again).</td></tr>
 *   <tr><td>request</td><td>the same body on every attempt, with one {@code Idempotency-Key} per user action
 *       (the same on its retries).</td></tr>
 * </table>
 *
 * <p>The flawed variants subclass it and override exactly one protected hook each.
 */
public class WellBehavedClient {

    public static final String MODEL = "gpt-4o-mini";
    /** The model the client asks Gemini for. */
    public static final String GEMINI_MODEL = "gemini-2.5-flash";
    public static final int MAX_ATTEMPTS = 3;
    /** At most this many attempts of one action may end in a timeout-like failure (one retry). */
    public static final int MAX_TIMEOUT_ATTEMPTS = 2;
    public static final long BACKOFF_BASE_MS = 500;
    public static final Duration BACKOFF_CAP = Duration.ofSeconds(8);
    public static final long MAX_SERVER_WAIT_S = 20;
    /** The most a wait Retry-After asked for is lengthened, as a share of it: spreads a crowd told the same wait. */
    public static final double RETRY_AFTER_JITTER = 0.25;
    public static final Duration MAX_SERVER_WAIT = Duration.ofSeconds(MAX_SERVER_WAIT_S);

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Object END = new Object();

    /**
     * @param connect  TCP connect timeout
     * @param response time from the request being sent to the response headers
     * @param idle     longest silence between two chunks of a body or two events of a stream
     */
    public record Timeouts(Duration connect, Duration response, Duration idle) {
        public Timeouts {
            Objects.requireNonNull(connect, "connect");
            Objects.requireNonNull(response, "response");
            Objects.requireNonNull(idle, "idle");
        }

        /** 3 s connect, 12 s to the headers, 5 s idle: what the catalog needs. */
        public static Timeouts defaults() {
            return new Timeouts(Duration.ofSeconds(3), Duration.ofSeconds(12), Duration.ofSeconds(5));
        }
    }

    /** How an attempt failed. */
    public enum Kind {
        /** An HTTP error status. */
        HTTP,
        /** Connection refused or connect timeout: nothing was sent. */
        CONNECT,
        /** Reset or closed before any response. */
        IO,
        /** No response headers (or a stalled body) in time: the request may have been applied. */
        TIMEOUT,
        /** A streamed answer that stopped before its end (after its 200). */
        STREAM_CUT,
        /** The server's TLS certificate could not be verified: never retried, and never worked around. */
        TLS_CERTIFICATE
    }

    /** How a stream ended. */
    public enum StreamEnd { DONE, FINISHED, EOF, ERROR_FRAME, RESET, IDLE_TIMEOUT }

    /**
     * One failed attempt.
     *
     * @param kind         how it failed
     * @param status       the HTTP status, 0 without one
     * @param failureClass the guidance class it belongs to
     * @param headers      response headers, names in lower case (first value)
     * @param body         the response body as received ("" when none); for a cut stream the last data line
     * @param error        the exception, or null
     * @param partial      for a cut stream: the text received so far
     * @param streamEnd    for a cut stream: how it ended
     */
    public record Failure(Kind kind, int status, FailureClass failureClass, Map<String, String> headers, String body,
                          Throwable error, String partial, StreamEnd streamEnd) {
        public Failure {
            headers = Map.copyOf(headers);
            body = body == null ? "" : body;
            partial = partial == null ? "" : partial;
        }

        /** A failure after which the request may have been applied, so it is retried at most once. */
        public boolean timeoutLike() {
            return kind == Kind.TIMEOUT || status == 408 || failureClass.equals(FailureClass.GATEWAY_TIMEOUT);
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** An HTTP error as a client would have received it (for unit tests). */
        public static Failure http(int status, Map<String, String> headers, String body) {
            Map<String, String> lower = lower(headers);
            return new Failure(Kind.HTTP, status, ErrorAnswers.classify(status, body), lower, body, null, "", null);
        }

        public static Failure connection(Kind kind, Throwable error) {
            return new Failure(kind, 0, FailureClass.CONNECTION_FAILURE, Map.of(), "", error, "", null);
        }

        public static Failure tlsCertificate(Throwable error) {
            return new Failure(Kind.TLS_CERTIFICATE, 0, FailureClass.TLS_CERTIFICATE, Map.of(), "", error, "", null);
        }

        public static Failure streamCut(StreamEnd end, String partial, String lastData, Throwable error) {
            return new Failure(Kind.STREAM_CUT, 200, FailureClass.STREAM_INTERRUPTED, Map.of(), lastData, error,
                    partial, end);
        }
    }

    /** What one attempt came to: an answer, or a failure. */
    record Attempt(String answer, Failure failure) {
    }

    protected final Timeouts timeouts;
    private final HttpClient http;
    private final Provider provider;

    public WellBehavedClient() {
        this(Timeouts.defaults());
    }

    public WellBehavedClient(Timeouts timeouts) {
        this(timeouts, Provider.OPENAI, null);
    }

    /** A client that speaks {@code provider}'s wire: OpenAI's Chat Completions, Anthropic's Messages, or Azure OpenAI's deployment URL. */
    public WellBehavedClient(Timeouts timeouts, Provider provider) {
        this(timeouts, provider, null);
    }

    /**
     * @param provider whose wire the client speaks
     * @param tls      the TLS context for an HTTPS gateway (one that trusts its authority), or null for the JVM's
     *                 default: a certificate it cannot verify is refused, never worked around
     */
    public WellBehavedClient(Timeouts timeouts, Provider provider, javax.net.ssl.SSLContext tls) {
        this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
        this.provider = Objects.requireNonNull(provider, "provider");
        // Over HTTPS it asks for HTTP/2 by ALPN and takes HTTP/1.1 when that is all the server offers, as browsers and
        // SDKs do; over plain HTTP, HTTP/1.1 without the h2c upgrade, which no provider's gateway speaks.
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(tls != null ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeouts.connect());
        if (tls != null) {
            builder.sslContext(tls);
        }
        this.http = builder.build();
    }

    /** A short stable name for reports, e.g. {@code well-behaved}; each flawed variant in the tests has its own. */
    public String name() {
        return "well-behaved";
    }

    @Override
    public String toString() {
        return name();
    }

    /** The header that names the user of a request when several users share a gateway (see docs/verdicts.md). */
    public static final String USER_HEADER = dev.chaosgate.gateway.CrowdUser.HEADER;

    /** One user action: send {@code prompt}, retry per the policy above, report what the UI shows. */
    public final ClientReport ask(String baseUrl, String prompt, boolean stream) {
        return ask(baseUrl, prompt, stream, null);
    }

    /**
     * {@link #ask(String, String, boolean)} for one user of a crowd: every attempt carries {@value #USER_HEADER}
     * with {@code user} (null: no header), so its attempts are never mixed with another user's, even for the same prompt.
     */
    public final ClientReport ask(String baseUrl, String prompt, boolean stream, String user) {
        String idempotencyKey = UUID.randomUUID().toString();
        int attempts = 0;
        int timeoutAttempts = 0;
        while (true) {
            attempts++;
            Attempt attempt = send(baseUrl, promptForAttempt(prompt, attempts), stream, idempotencyKey, user);
            if (attempt.failure() == null) {
                return new ClientReport(prompt, List.of(attempt.answer()), "");
            }
            Failure failure = attempt.failure();
            if (failure.kind() == Kind.STREAM_CUT) {
                return streamCut(prompt, failure);
            }
            if (failure.timeoutLike()) {
                timeoutAttempts++;
            }
            boolean again = retryable(failure)
                    && attempts < maxAttempts()
                    && !(failure.timeoutLike() && timeoutAttempts >= MAX_TIMEOUT_ATTEMPTS);
            if (!again) {
                return new ClientReport(prompt, List.of(messageFor(failure)), draftAfterFailure(prompt));
            }
            sleep(delayBeforeRetry(attempts, failure));
        }
    }

    /** A cut stream: the partial answer as shown so far, then the banner; the prompt stays for a Regenerate. */
    private ClientReport streamCut(String prompt, Failure failure) {
        if (acceptsAsComplete(failure.streamEnd())) {
            return new ClientReport(prompt, List.of(failure.partial()), "");
        }
        List<String> shown = new ArrayList<>();
        if (!failure.partial().isEmpty()) {
            shown.add(failure.partial());
        }
        shown.add(messageFor(failure));
        return new ClientReport(prompt, shown, draftAfterFailure(prompt));
    }

    // ---- the hooks the flawed variants override (one each)

    /** Attempts per user action, the first included. */
    protected int maxAttempts() {
        return MAX_ATTEMPTS;
    }

    /** Whether a failed attempt is worth another one (the budget is checked separately). */
    protected boolean retryable(Failure failure) {
        String should = failure.header("x-should-retry");
        if ("true".equalsIgnoreCase(should)) {
            return true;
        }
        if ("false".equalsIgnoreCase(should)) {
            return false;
        }
        return switch (failure.kind()) {
            case CONNECT, IO, TIMEOUT -> true;
            case STREAM_CUT, TLS_CERTIFICATE -> false;
            case HTTP -> {
                int status = failure.status();
                if (status == 408 || status == 409 || status >= 500) {
                    yield true;
                }
                yield status == 429 && failure.failureClass().equals(FailureClass.RATE_LIMITED);
            }
        };
    }

    /** The client's own delay before retry number {@code retry} (1 for the first retry). */
    protected Duration backoff(int retry) {
        double nominal = Math.min(BACKOFF_BASE_MS * Math.pow(2, retry - 1), BACKOFF_CAP.toMillis());
        double jitter = 1 + 0.25 * ThreadLocalRandom.current().nextDouble();
        return Duration.ofMillis((long) (nominal * jitter));
    }

    /** The wait the server asked for, when it is usable ({@link #parseServerDelay}). */
    protected Optional<Duration> serverDelay(Failure failure) {
        return parseServerDelay(failure.header("retry-after-ms"), failure.header("retry-after"), Instant.now());
    }

    /** The prompt sent on attempt {@code attempt} (1 for the first). */
    protected String promptForAttempt(String prompt, int attempt) {
        return prompt;
    }

    /** What the composer holds after the action failed. */
    protected String draftAfterFailure(String prompt) {
        return prompt;
    }

    /** The banner text for a failure the client gives up on. */
    protected String messageFor(Failure failure) {
        return goodMessage(failure);
    }

    /** Whether a stream that ended this way is taken as a complete answer. */
    protected boolean acceptsAsComplete(StreamEnd end) {
        return end == StreamEnd.DONE || end == StreamEnd.FINISHED;
    }

    // ---- policy pieces

    final Duration delayBeforeRetry(int retry, Failure failure) {
        Duration own = backoff(retry);
        Optional<Duration> server = serverDelay(failure);
        if (server.isEmpty()) {
            return own;
        }
        Duration asked = server.get();
        Duration jittered = asked.plusMillis((long) (asked.toMillis() * RETRY_AFTER_JITTER * ThreadLocalRandom.current().nextDouble()))
                .plusMillis(20);
        return jittered.compareTo(own) > 0 ? jittered : own;
    }

    /**
     * The usable server delay: {@code retry-after-ms} (decimal milliseconds) first, then {@code Retry-After} as
     * decimal seconds or an HTTP-date. Empty for a missing, unparseable, negative, past or zero value, or one
     * over {@link #MAX_SERVER_WAIT} (not believed: own backoff instead).
     */
    public static Optional<Duration> parseServerDelay(String retryAfterMs, String retryAfter, Instant now) {
        return RetryAfter.requestedWait(retryAfterMs, retryAfter, now).filter(d -> d.compareTo(MAX_SERVER_WAIT) <= 0);
    }

    /** A message of the failure's guidance class that passes the guidance catalog; never raw text. */
    public static String goodMessage(Failure failure) {
        FailureClass cls = failure.failureClass();
        String status = failure.status() > 0 ? " (error " + failure.status() + ")" : "";
        switch (cls.name()) {
            case "bad_gateway":
                return "Can't reach the AI service right now" + (failure.status() == 502 ? " (bad gateway)" : status)
                        + ". Your prompt is saved — please try again shortly.";
            case "server_error":
                return "Something went wrong on the AI service's server" + status
                        + ". Your message is saved — try again in a moment.";
            case "unavailable":
                return "The AI service is busy right now (overloaded). Your prompt is saved — try again in a few minutes.";
            case "gateway_timeout":
                return "The AI service took too long to respond and timed out" + status
                        + ". Your prompt is saved — try again in a moment.";
            case "rate_limited": {
                String wait = serverWaitText(failure);
                return "Too many requests right now — the AI service's rate limit was reached. Your prompt is saved; "
                        + (wait == null ? "wait a few seconds" : "wait " + wait) + " and try again.";
            }
            case "quota_exhausted":
                return "This app has reached its usage limit (quota used up). Your prompt is saved; "
                        + "please contact the administrator to check the plan and billing.";
            case "request_too_large":
                return "This message is too long for the current token limit — shorten it or split it into parts. "
                        + "Your draft is kept.";
            case "access_denied": {
                ErrorInfo error = ErrorInfo.of(failure.body());
                if (error.is("unsupported_country_region_territory")) {
                    return "The AI service is not available in your country or region, so access was denied. "
                            + "Your prompt is saved; contact support if you think this is a mistake.";
                }
                String code = failure.body().contains("1020") ? "Error 1020" : "error " + failure.status();
                String ray = rayId(failure);
                return "Access was blocked by the service's security rules (" + code
                        + (ray == null ? "" : ", Ray ID " + ray) + "). Try turning off a VPN or proxy, or use a "
                        + "different network; if it persists, contact support" + (ray == null ? "" : " with the Ray ID")
                        + ". Your prompt is saved.";
            }
            case "connection_failure":
                return failure.kind() == Kind.TIMEOUT
                        ? "No response from the AI service: the connection timed out. Your prompt is saved — try again in a moment."
                        : "The connection to the AI service was interrupted. Your prompt is saved — try again in a moment.";
            case "tls_certificate":
                return "The secure connection to the AI service could not be verified: its certificate is not trusted."
                        + " If your company inspects TLS traffic, ask your IT team. Your prompt is saved.";
            case "stream_interrupted":
                return "Response interrupted — the answer stopped before its end. The partial answer and your prompt "
                        + "are kept; Regenerate to try again.";
            case "invalid_request": {
                ErrorInfo error = ErrorInfo.of(failure.body());
                if (error.is("model_not_found") || failure.status() == 404) {
                    return "The model “" + MODEL + "” was not found. Choose another model in the settings. "
                            + "Your prompt is saved.";
                }
                return "The AI service did not accept the request: a parameter is missing or invalid. Check the app's "
                        + "configuration. Your prompt is saved.";
            }
            case "authentication_failed":
                return "The API key was not accepted (invalid API key). Check the key in the settings. Your prompt is saved.";
            default:
                return "Something went wrong on the AI service's side. Your prompt is saved — try again in a moment.";
        }
    }

    private static String serverWaitText(Failure failure) {
        return parseServerDelay(failure.header("retry-after-ms"), failure.header("retry-after"), Instant.now())
                .map(d -> Math.max(1, (d.toMillis() + 999) / 1000) + " s")
                .orElse(null);
    }

    private static String rayId(Failure failure) {
        String ray = failure.header("cf-ray");
        if (ray == null || !ray.matches("[0-9a-fA-F]{8,32}(-[A-Z]{3})?")) {
            return null;
        }
        return ray.replaceFirst("-[A-Z]{3}$", "");
    }

    // ---- the wire

    /** Whether the handshake failed on the server's certificate (not on a reset or a timeout, which may pass). */
    static boolean certificateRefused(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.security.cert.CertificateException) {
                return true;
            }
        }
        return false;
    }

    private Attempt send(String baseUrl, String prompt, boolean stream, String idempotencyKey, String user) {
        boolean anthropic = provider == Provider.ANTHROPIC;
        String url = switch (provider) {
            case ANTHROPIC -> provider.sdkBaseUrl(baseUrl) + "/v1/messages";
            case AZURE -> provider.sdkBaseUrl(baseUrl) + "/openai/deployments/" + MODEL + "/chat/completions?api-version=2024-10-21";
            case GEMINI -> provider.sdkBaseUrl(baseUrl) + "/v1beta/models/" + GEMINI_MODEL
                    + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent");
            case OPENAI -> baseUrl + "/chat/completions";
        };
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url));
        if (user != null) {
            builder.header(USER_HEADER, user);
        }
        builder
                .timeout(timeouts.response())
                .header("Content-Type", "application/json")
                .header("Accept", stream ? "text/event-stream" : "application/json")
                .header("Idempotency-Key", "\"" + idempotencyKey + "\"")
                .POST(HttpRequest.BodyPublishers.ofString(anthropic ? messagesBody(prompt, stream)
                        : provider == Provider.GEMINI ? generateContentBody(prompt) : requestBody(prompt, stream)));
        if (anthropic) {
            builder.header("x-api-key", "sk-ant-chaosgate-reference").header("anthropic-version", "2023-06-01");
        } else if (provider == Provider.AZURE) {
            builder.header("api-key", "chaosgate-reference");
        } else if (provider == Provider.GEMINI) {
            builder.header("x-goog-api-key", "chaosgate-reference");
        } else {
            builder.header("Authorization", "Bearer sk-chaosgate-reference");
        }
        HttpRequest request = builder.build();
        HttpResponse<Flow.Publisher<List<ByteBuffer>>> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofPublisher());
        } catch (HttpConnectTimeoutException | ConnectException e) {
            return new Attempt(null, Failure.connection(Kind.CONNECT, e));
        } catch (HttpTimeoutException e) {
            return new Attempt(null, Failure.connection(Kind.TIMEOUT, e));
        } catch (IOException e) {
            return new Attempt(null, certificateRefused(e) ? Failure.tlsCertificate(e) : Failure.connection(Kind.IO, e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending", e);
        }
        BodyReader body = new BodyReader();
        response.body().subscribe(body);
        Map<String, String> headers = new TreeMap<>();
        response.headers().map().forEach((name, values) -> {
            if (!values.isEmpty()) {
                headers.put(name.toLowerCase(Locale.ROOT), values.get(0));
            }
        });
        int status = response.statusCode();
        if (status < 200 || status >= 300) {
            String text = body.readAll(timeouts.idle()).text();
            return new Attempt(null, Failure.http(status, headers, text));
        }
        return stream ? readStream(body) : readCompletion(body);
    }

    private Attempt readCompletion(BodyReader body) {
        Body read = body.readAll(timeouts.idle());
        if (read.failure() != null) {
            // The 200 arrived, so the request was applied: like a timeout, retry it at most once.
            return new Attempt(null, Failure.connection(Kind.TIMEOUT, read.failure()));
        }
        try {
            JsonNode root = JSON.readTree(read.text());
            if (provider == Provider.ANTHROPIC && "message".equals(root.path("type").asText())) {
                StringBuilder text = new StringBuilder();
                root.path("content").forEach(block -> text.append(block.path("text").asText("")));
                return new Attempt(text.toString(), null);
            }
            if (provider == Provider.GEMINI && root.has("candidates")) {
                return new Attempt(geminiText(root), null);
            }
            JsonNode content = root.path("choices").path(0).path("message").path("content");
            if (content.isTextual()) {
                return new Attempt(content.asText(), null);
            }
        } catch (IOException e) {
            // falls through: a 200 whose body is not a completion
        }
        return new Attempt(null, Failure.connection(Kind.TIMEOUT, new IOException("the answer could not be read")));
    }

    private Attempt readStream(BodyReader body) {
        StringBuilder text = new StringBuilder();
        String lastData = "";
        boolean finished = false;
        LineSplitter lines = new LineSplitter();
        while (true) {
            Object next = body.next(timeouts.idle());
            if (next == null) {
                body.cancel();
                return cut(StreamEnd.IDLE_TIMEOUT, text, lastData, new HttpTimeoutException("stream idle timeout"));
            }
            if (next instanceof Throwable error) {
                return cut(StreamEnd.RESET, text, lastData, error);
            }
            List<String> complete = next == END ? lines.finish() : lines.add((byte[]) next);
            for (String line : complete) {
                if (!line.startsWith("data:")) {
                    continue;
                }
                String data = line.substring(5).strip();
                lastData = line;
                if (data.equals("[DONE]")) {
                    body.cancel();
                    return done(StreamEnd.DONE, text, lastData);
                }
                JsonNode event;
                try {
                    event = JSON.readTree(data);
                } catch (IOException e) {
                    continue;
                }
                if (event.has("error")) {
                    body.cancel();
                    return cut(StreamEnd.ERROR_FRAME, text, lastData, null);
                }
                if (provider == Provider.ANTHROPIC) {
                    // Messages events: text in content_block_delta, the end in message_stop (an `event: error` has `error`).
                    switch (event.path("type").asText()) {
                        case "content_block_delta" -> text.append(event.path("delta").path("text").asText(""));
                        case "message_delta" -> finished |= event.path("delta").hasNonNull("stop_reason");
                        case "message_stop" -> {
                            body.cancel();
                            return done(StreamEnd.DONE, text, lastData);
                        }
                        default -> {
                        }
                    }
                    continue;
                }
                if (provider == Provider.GEMINI) {
                    // Every chunk is a GenerateContentResponse; the last one has a finishReason, and the body then ends.
                    text.append(geminiText(event));
                    finished |= event.path("candidates").path(0).hasNonNull("finishReason");
                    continue;
                }
                JsonNode choice = event.path("choices").path(0);
                JsonNode delta = choice.path("delta").path("content");
                if (delta.isTextual()) {
                    text.append(delta.asText());
                }
                if (choice.hasNonNull("finish_reason")) {
                    finished = true;
                }
            }
            if (next == END) {
                return finished ? done(StreamEnd.FINISHED, text, lastData) : cut(StreamEnd.EOF, text, lastData, null);
            }
        }
    }

    private static Attempt done(StreamEnd end, StringBuilder text, String lastData) {
        return new Attempt(text.toString(), null);
    }

    private static Attempt cut(StreamEnd end, StringBuilder text, String lastData, Throwable error) {
        return new Attempt(null, Failure.streamCut(end, text.toString(), lastData, error));
    }

    private static String requestBody(String prompt, boolean stream) {
        ObjectNode root = JSON.createObjectNode();
        root.put("model", MODEL);
        ObjectNode message = root.putArray("messages").addObject();
        message.put("role", "user");
        message.put("content", prompt);
        root.put("stream", stream);
        return root.toString();
    }

    /** An Anthropic Messages request: the prompt as the one user message, the output limit the API requires. */
    private static String messagesBody(String prompt, boolean stream) {
        ObjectNode root = JSON.createObjectNode();
        root.put("model", "claude-sonnet-4-5");
        root.put("max_tokens", 1024);
        ObjectNode message = root.putArray("messages").addObject();
        message.put("role", "user");
        message.put("content", prompt);
        root.put("stream", stream);
        return root.toString();
    }

    /** A Gemini generateContent request: the prompt as the one user content. */
    private static String generateContentBody(String prompt) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode content = root.putArray("contents").addObject();
        content.put("role", "user");
        content.putArray("parts").addObject().put("text", prompt);
        root.putObject("generationConfig").put("maxOutputTokens", 1024);
        return root.toString();
    }

    /** The text parts of a Gemini response's first candidate (thought summaries left out). */
    private static String geminiText(JsonNode response) {
        StringBuilder text = new StringBuilder();
        for (JsonNode part : response.path("candidates").path(0).path("content").path("parts")) {
            if (!part.path("thought").asBoolean(false)) {
                text.append(part.path("text").asText(""));
            }
        }
        return text.toString();
    }

    private static void sleep(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while backing off", e);
        }
    }

    static Map<String, String> lower(Map<String, String> headers) {
        Map<String, String> lower = new TreeMap<>();
        headers.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        return lower;
    }

    /** A body read to its end, or up to a failure (the text received so far is kept). */
    record Body(String text, Throwable failure) {
    }

    /**
     * Receives a body without blocking the HTTP client; the caller takes chunks with an idle timeout and can
     * cancel (which closes the connection).
     */
    static final class BodyReader implements Flow.Subscriber<List<ByteBuffer>> {
        private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        private volatile Flow.Subscription subscription;

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                queue.add(bytes);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            queue.add(throwable);
        }

        @Override
        public void onComplete() {
            queue.add(END);
        }

        /** The next chunk ({@code byte[]}), {@link #END}, a {@link Throwable}, or null after {@code idle} of silence. */
        Object next(Duration idle) {
            try {
                return queue.poll(idle.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading", e);
            }
        }

        Body readAll(Duration idle) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            while (true) {
                Object next = next(idle);
                if (next == null) {
                    cancel();
                    return new Body(bytes.toString(StandardCharsets.UTF_8), new HttpTimeoutException("body idle timeout"));
                }
                if (next == END) {
                    return new Body(bytes.toString(StandardCharsets.UTF_8), null);
                }
                if (next instanceof Throwable error) {
                    return new Body(bytes.toString(StandardCharsets.UTF_8), error);
                }
                bytes.writeBytes((byte[]) next);
            }
        }

        void cancel() {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }
    }

    /** Splits UTF-8 bytes arriving in arbitrary chunks into lines (LF or CRLF). */
    static final class LineSplitter {
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        List<String> add(byte[] chunk) {
            List<String> lines = new ArrayList<>();
            for (byte b : chunk) {
                if (b == '\n') {
                    lines.add(take());
                } else {
                    pending.write(b);
                }
            }
            return lines;
        }

        List<String> finish() {
            return pending.size() == 0 ? List.of() : List.of(take());
        }

        private String take() {
            String line = pending.toString(StandardCharsets.UTF_8);
            pending.reset();
            return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        }
    }
}
