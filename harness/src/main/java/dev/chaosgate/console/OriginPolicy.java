package dev.chaosgate.console;

import java.util.Locale;
import java.util.Set;

/**
 * Who may talk to the console. Other web pages must not steer it: a write must come from the
 * console's own origin (by {@code Origin}, and by {@code Sec-Fetch-Site} where the browser sends
 * it), and on a loopback address the {@code Host} must be a loopback name, so a DNS-rebound name
 * cannot pass for the console's origin.
 */
final class OriginPolicy {
    /** Allowed {@code Host} header values, lower case; null when any host may be used (bound beyond loopback). */
    private final Set<String> loopbackHosts;

    OriginPolicy(String boundHost, int port) {
        this.loopbackHosts = isLoopback(boundHost)
                ? Set.of("127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port)
                : null;
    }

    /** Whether a request may be addressed to {@code host} (its Host header; null when absent). */
    boolean allowsHost(String host) {
        return host == null || loopbackHosts == null || loopbackHosts.contains(host.toLowerCase(Locale.ROOT));
    }

    /** Whether a write with this {@code Origin} (null when absent, as from scripts) comes from the console itself. */
    boolean allowsOrigin(String origin, String host) {
        return origin == null || (host != null && origin.equalsIgnoreCase("http://" + host));
    }

    /**
     * Whether a write with this {@code Sec-Fetch-Site} (null when absent, as from scripts and older
     * browsers) comes from the console's own page: a browser says {@code same-origin} for it, and
     * {@code none} for what the user typed; {@code same-site} (another port of the same host) and
     * {@code cross-site} come from other pages, even when they send no {@code Origin}.
     */
    boolean allowsFetchSite(String fetchSite) {
        return fetchSite == null || fetchSite.equalsIgnoreCase("same-origin") || fetchSite.equalsIgnoreCase("none");
    }

    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("127.0.0.1") || h.equals("localhost") || h.equals("::1") || h.equals("[::1]");
    }
}
