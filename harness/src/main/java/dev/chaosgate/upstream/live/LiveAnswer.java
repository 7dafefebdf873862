package dev.chaosgate.upstream.live;

import dev.chaosgate.fixtures.HttpHeader;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * One answer a gateway in live mode passed from the real API to the client, as recorded: which request it
 * answered and the answer's status, headers and bytes. A replay serves the same bytes again to the request
 * in the same place of the run, if it is the same request ({@link #sameRequest}).
 *
 * @param sequence      the request's arrival order in the run that recorded it (as {@code FaultDecision.sequence()})
 * @param method        the request's method
 * @param path          the request's path and query as the gateway received it, keys redacted ({@link Redaction#target})
 * @param requestSha256 the SHA-256 of the request's body, in hex
 * @param status        the status the client got
 * @param headers       the answer's headers as passed on (hop-by-hop ones left out), secrets redacted
 * @param body          the answer's bytes as the client got them; a stream's whole text, every event
 * @param streamed      whether the answer was an event stream ({@code text/event-stream})
 * @param complete      whether the answer was passed on to its end (false: the client or the real API broke it
 *                      off, and {@code body} holds what came before)
 * @param reached       whether the real API answered; false for chaosgate's own 502 when it could not be reached
 */
public record LiveAnswer(long sequence, String method, String path, String requestSha256, int status,
                         List<HttpHeader> headers, byte[] body, boolean streamed, boolean complete, boolean reached) {

    public LiveAnswer {
        Objects.requireNonNull(method, "method cannot be null");
        Objects.requireNonNull(path, "path cannot be null");
        Objects.requireNonNull(requestSha256, "requestSha256 cannot be null");
        headers = List.copyOf(headers);
        Objects.requireNonNull(body, "body cannot be null");
    }

    /** The SHA-256 of {@code body} in lower-case hex, as {@link #requestSha256()} holds it. */
    public static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /**
     * Whether a request is the one this answer was recorded for: the same method, the same path and query (keys
     * redacted on both sides) and a body with the same SHA-256.
     */
    public boolean sameRequest(String method, String path, byte[] body) {
        return this.method.equalsIgnoreCase(method) && this.path.equals(Redaction.target(path))
                && requestSha256.equals(sha256(body));
    }

    /** What differs between this answer's request and the one given, in a few words; empty when none does. */
    public String difference(String method, String path, byte[] body) {
        if (!this.method.equalsIgnoreCase(method) || !this.path.equals(Redaction.target(path))) {
            return "it was " + this.method + " " + this.path + ", this is " + method + " " + Redaction.target(path);
        }
        String hash = sha256(body);
        if (!requestSha256.equals(hash)) {
            return "the body differs (SHA-256 " + hash.substring(0, 12) + "…, recorded " + requestSha256.substring(0, 12) + "…)";
        }
        return "";
    }

    /** The body as UTF-8 text (for a look; {@link #body()} is what is served). */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The first value of header {@code name} (any case), or null. */
    public String header(String name) {
        return headers.stream().filter(h -> h.is(name)).map(HttpHeader::value).findFirst().orElse(null);
    }
}
