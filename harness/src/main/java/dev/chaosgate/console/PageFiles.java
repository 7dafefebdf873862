package dev.chaosgate.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The console page: its files from the class path ({@code dev/chaosgate/console/}), read once.
 * Plain HTML, CSS and JavaScript: no framework, nothing fetched from elsewhere, no inline script,
 * which the Content-Security-Policy holds the page to.
 */
final class PageFiles {
    private static final String RESOURCE_DIR = "dev/chaosgate/console/";
    private static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private final Map<String, Page> files = new LinkedHashMap<>();

    PageFiles() {
        add("index.html", "text/html; charset=utf-8");
        add("console.js", "text/javascript; charset=utf-8");
        add("console.css", "text/css; charset=utf-8");
        add("favicon.svg", "image/svg+xml");
    }

    private void add(String name, String contentType) {
        try (InputStream in = PageFiles.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE_DIR + name + ": is chaosgate-harness complete?");
            }
            files.put(name, new Page(contentType, in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE_DIR + name, e);
        }
    }

    /** The answer for {@code name} ({@code ""} for the page itself). */
    Responses.Answer answer(ConsoleRequest request, String name) {
        Page page = files.get(name.isEmpty() ? "index.html" : name);
        if (page == null) {
            return Responses.text(404, "no such console file: " + name);
        }
        String method = request.method();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return Responses.text(405, "the console's files take GET, not " + method).with("Allow", "GET, HEAD");
        }
        return Responses.send(200, page.contentType(), page.bytes()).with("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    }

    private record Page(String contentType, byte[] bytes) {
    }
}
