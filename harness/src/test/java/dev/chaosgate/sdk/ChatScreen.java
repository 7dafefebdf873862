package dev.chaosgate.sdk;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The app half shared by the Java SDK clients: the settings `chaosgate run --client` passes in the
 * environment, what a careful chat app shows when the SDK call fails, and the screen protocol
 * ({@code SHOWN: } lines, then one {@code DRAFT: } line). Nothing here retries: every retry is the
 * SDK's own, so the verdict judges the SDK's policy.
 */
final class ChatScreen {
    static final String MODEL = "gpt-4o-mini";

    static final String SERVER = "The service is temporarily unavailable (server error). Your prompt is kept; please try again in a moment.";
    static final String BAD_GATEWAY = "The service is temporarily unavailable (bad gateway). Your prompt is kept; please try again in a moment.";
    static final String BUSY = "The service is temporarily unavailable (busy or overloaded). Your prompt is kept; please try again in a few minutes.";
    static final String TIMEOUT = "The service took too long to respond and the connection timed out. Your prompt is kept; please try again.";
    static final String CONNECTION = "The connection to the service was interrupted. Your prompt is kept; please try again in a moment.";
    static final String CERTIFICATE = "The secure connection to the service could not be verified: its certificate was refused."
            + " If your network inspects TLS traffic, ask your IT team. Your prompt is kept.";
    static final String RATE_LIMITED = "Too many requests right now. Your prompt is kept; please wait a moment and try again.";
    static final String QUOTA = "Your quota is exhausted. Check your plan and billing details, or contact your administrator. Your prompt is kept.";
    static final String TOO_LARGE = "This message is too long for the service. Shorten it or split it into parts; your draft is kept.";
    static final String DENIED = "Access was denied by the service's firewall. Check your network or VPN, or contact support. Your prompt is kept.";
    static final String REGION = "The service is not offered in your country or region, so access was denied. Contact support if this is a mistake. Your prompt is kept.";
    static final String AUTH = "Authentication failed. Check your API key in the settings. Your prompt is kept.";
    static final String NOT_FOUND = "The model was not found. Choose another model in the settings. Your prompt is kept.";
    static final String INVALID = "The service did not accept the request: a parameter is missing or invalid. Check the app's configuration. Your prompt is kept.";
    static final String INTERRUPTED = "The response was interrupted before its end. Press Regenerate to try again; your prompt is kept.";

    private static final Pattern QUOTA_CODE = Pattern.compile(
            "insufficient_quota|credit_balance_exhausted|billing_hard_limit_reached|billing_not_active|spend_limit|usage_limit");
    private static final Pattern TIMEOUT_TEXT = Pattern.compile("timeout|timed? ?out", Pattern.CASE_INSENSITIVE);

    final String baseUrl;
    final String apiKey;
    final String prompt;
    final boolean stream;
    private final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);

    private ChatScreen(String baseUrl, String apiKey, String prompt, boolean stream) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.prompt = prompt;
        this.stream = stream;
    }

    static ChatScreen fromEnvironment() {
        String baseUrl = System.getenv().getOrDefault("CHAOSGATE_BASE_URL", System.getenv("OPENAI_BASE_URL"));
        return new ChatScreen(baseUrl, System.getenv().getOrDefault("OPENAI_API_KEY", "sk-chaosgate"),
                System.getenv().getOrDefault("CHAOSGATE_PROMPT", ""), "true".equals(System.getenv("CHAOSGATE_STREAM")));
    }

    /**
     * The base URL for an SDK that appends {@code /v1/...} itself (Spring AI, the Anthropic SDKs): the
     * origin, never a second {@code /v1}. {@code chaosgate run} passes it as CHAOSGATE_ORIGIN; without it,
     * the base URL loses its trailing {@code /v1}.
     */
    static String origin(String chaosgateOrigin, String baseUrl) {
        if (chaosgateOrigin != null && !chaosgateOrigin.isBlank()) {
            return chaosgateOrigin.replaceAll("/+$", "");
        }
        String url = baseUrl == null ? "" : baseUrl.replaceAll("/+$", "");
        return url.endsWith("/v1") ? url.substring(0, url.length() - 3) : url;
    }

    /**
     * The message for an HTTP error, from its status first and its body second (a Cloudflare 1015 page is
     * a 429 titled "Access denied", so the body only refines 429s and unclassified 4xx).
     */
    static String messageForStatus(int status, String body) {
        String text = body == null ? "" : body;
        String lower = text.toLowerCase(Locale.ROOT);
        if (status == 401) return AUTH;
        if (status == 403) return lower.contains("unsupported_country_region_territory") ? REGION : DENIED;
        if (status == 413) return TOO_LARGE;
        if (status == 429) {
            if (QUOTA_CODE.matcher(lower).find() || lower.contains("exceeded your current quota") || lower.contains("credit balance")) return QUOTA;
            return lower.contains("request_too_large") || lower.contains("request too large") ? TOO_LARGE : RATE_LIMITED;
        }
        if (status == 408 || status == 504 || status == 524) return TIMEOUT;
        if (status == 503 || status == 529) return BUSY;
        if (status == 502 || (status >= 520 && status <= 530)) return BAD_GATEWAY;
        if (status >= 500 || status == 409) return SERVER;
        if (status == 404) return NOT_FOUND;
        return INVALID;
    }

    /** The message for a failure without an HTTP status: a refused certificate, a timeout or a lost connection. */
    static String connectionMessage(Throwable error) {
        if (isCertificateError(error)) {
            return CERTIFICATE;
        }
        return isTimeout(error) ? TIMEOUT : CONNECTION;
    }

    /** True when the error (or one of its causes) is the TLS handshake refusing the service's certificate or host name. */
    static boolean isCertificateError(Throwable error) {
        return anyCause(error, e -> e instanceof javax.net.ssl.SSLHandshakeException
                || e instanceof javax.net.ssl.SSLPeerUnverifiedException || e instanceof java.security.cert.CertificateException);
    }

    /** True when the error or one of its causes says the attempt timed out rather than failed to connect. */
    static boolean isTimeout(Throwable error) {
        return anyCause(error, e -> e instanceof java.net.SocketTimeoutException || e instanceof java.net.http.HttpTimeoutException
                || e instanceof java.util.concurrent.TimeoutException
                || TIMEOUT_TEXT.matcher(e.getClass().getSimpleName() + " " + e.getMessage()).find());
    }

    private static boolean anyCause(Throwable error, Predicate<Throwable> test) {
        for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (test.test(e)) {
                return true;
            }
        }
        return false;
    }

    /** The screen after a complete answer: the answer, and an empty prompt box. */
    void answered(String text) {
        show(text);
        out.println("DRAFT: ");
    }

    /** The screen after a failure: what arrived (if anything), the message, and the prompt kept. */
    void failed(String message, String partial) {
        if (partial != null && !partial.isEmpty()) show(partial);
        show(message);
        out.println("DRAFT: " + prompt.replaceAll("\\R", " "));
    }

    private void show(String text) {
        for (String line : text.split("\\R", -1)) out.println("SHOWN: " + line);
    }
}
