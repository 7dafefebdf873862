package dev.chaosgate.console;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the console's answers, each with the headers that keep it from being cached, sniffed or framed. */
final class Responses {
    private Responses() {
    }

    /** An answer before it is written: status, headers in the order they go out, and body (dropped for HEAD on the wire). */
    record Answer(int status, Map<String, String> headers, byte[] body) {
        /** The same answer with one more header. */
        Answer with(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Answer(status, more, body);
        }
    }

    static Answer send(int status, String contentType, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", contentType);
        headers.put("Cache-Control", "no-store");
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("X-Frame-Options", "DENY");
        headers.put("Referrer-Policy", "no-referrer");
        return new Answer(status, headers, body);
    }

    static Answer text(int status, String text) {
        return send(status, "text/plain; charset=utf-8", (text + "\n").getBytes(StandardCharsets.UTF_8));
    }

    static Answer redirect(String location) {
        return text(302, "the console is at " + location).with("Location", location);
    }
}
