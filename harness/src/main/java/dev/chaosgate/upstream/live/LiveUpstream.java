package dev.chaosgate.upstream.live;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * The real API a gateway in live mode forwards to: every request the scenario does not fault goes to it, and its
 * answer goes back to the client. Built from the base URL the app would otherwise use ({@code
 * https://api.openai.com/v1}), validated when built.
 *
 * <p>Where a request goes: the gateway serves the app on {@code /v1}; when the URL's path ends in {@code /v1}, a
 * request to {@code /v1/REST} goes to {@code URL/REST} ({@code https://openrouter.ai/api/v1} +
 * {@code /chat/completions}); otherwise the request's whole path is appended to the URL ({@code
 * https://my-resource.openai.azure.com} + {@code /openai/deployments/...}). The query goes along as sent.
 */
public final class LiveUpstream {
    private final URI base;
    private final String basePath;

    private LiveUpstream(URI base) {
        this.base = base;
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /**
     * The real API at {@code url}: absolute {@code http} or {@code https}, with a host, without a query, a fragment
     * or credentials (the key goes in the app's own headers, which are passed on).
     *
     * @throws IllegalArgumentException naming what is wrong and giving an example
     */
    public static LiveUpstream of(URI url) {
        Objects.requireNonNull(url, "url cannot be null");
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!url.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))) {
            throw new IllegalArgumentException("'" + url + "' is not an http or https URL; give the API's base URL, e.g. "
                    + "https://api.openai.com/v1");
        }
        if (url.getHost() == null || url.getHost().isBlank()) {
            throw new IllegalArgumentException("'" + url + "' has no host; give the API's base URL, e.g. https://api.openai.com/v1");
        }
        if (url.getRawUserInfo() != null) {
            // A key in the URL would be printed in the banner and the console; the app's own headers carry it.
            throw new IllegalArgumentException("'" + Redaction.target(url.getScheme() + "://" + url.getHost())
                    + "...' carries credentials in the URL; leave them out: the app's own Authorization (or api-key) header"
                    + " is passed on");
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new IllegalArgumentException("'" + Redaction.target(url.toString()) + "' has a query or a fragment; give"
                    + " the API's base URL only, e.g. https://api.openai.com/v1");
        }
        return new LiveUpstream(url);
    }

    /**
     * {@link #of(URI)} from text, as an option gives it.
     *
     * @throws IllegalArgumentException naming what is wrong and giving an example
     */
    public static LiveUpstream parse(String url) {
        Objects.requireNonNull(url, "url cannot be null");
        try {
            return of(new URI(url.strip()));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + Redaction.target(url) + "' is not a URL (" + e.getReason()
                    + "); give the API's base URL, e.g. https://api.openai.com/v1");
        }
    }

    /** The base URL as given. */
    public URI baseUrl() {
        return base;
    }

    /** The real API's URL for a request the gateway received at {@code requestTarget} (origin-form: path and query). */
    public URI target(String requestTarget) {
        String path = requestTarget.startsWith("/") ? requestTarget : "/" + requestTarget;
        if (basePath.endsWith("/v1") && (path.equals("/v1") || path.startsWith("/v1/") || path.startsWith("/v1?"))) {
            path = path.substring(3);
        }
        String authority = base.getRawAuthority();
        return URI.create(base.getScheme() + "://" + authority + basePath + path);
    }

    @Override
    public String toString() {
        return base.toString();
    }
}
