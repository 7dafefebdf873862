package dev.chaosgate.console;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The head of one console request: method, decoded path, raw query and headers. Built only from a
 * target that is a path (origin form) or an absolute {@code http://} URI; anything else is refused.
 */
record ConsoleRequest(String method, String path, String rawQuery, HttpHeaders headers, int localPort) {

    /** The first value of a header, null when absent (names are case-insensitive). */
    String header(String name) {
        return headers.get(name);
    }

    /** @throws IllegalArgumentException when the target is not a path, with the reason for the 400 */
    static ConsoleRequest of(HttpRequest request, int localPort) {
        String target = request.uri();
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            // RFC 3986: spaces, controls and raw non-ASCII must be percent-encoded.
            if (c <= 0x20 || c >= 0x7f) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "the request target has a character that must be percent-encoded (0x%02x)", (int) c));
            }
        }
        URI uri;
        try {
            // A base in front keeps "//x/y" a path rather than an authority.
            uri = new URI(target.startsWith("/") ? "http://console" + target : target);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the request target is not a URI (" + e.getReason() + " at index "
                    + e.getIndex() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.isOpaque() || uri.getRawAuthority() == null || !(scheme.equals("http") || scheme.equals("https"))) {
            throw new IllegalArgumentException("the request target must be a path such as " + ConsoleServer.PATH
                    + ", got " + (target.length() > 100 ? target.substring(0, 100) + "..." : target));
        }
        String path = uri.getPath().isEmpty() ? "/" : uri.getPath();
        return new ConsoleRequest(request.method().name(), path, uri.getRawQuery(), request.headers(), localPort);
    }
}
