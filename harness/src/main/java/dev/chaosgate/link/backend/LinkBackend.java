package dev.chaosgate.link.backend;

import eu.rekawek.toxiproxy.ToxiproxyClient;

/**
 * Where links run: in this JVM, in an existing Toxiproxy (or chaosgate) server, or in a Toxiproxy
 * container. Code that drives links through {@link #client()} and builds its addresses with the
 * methods below runs unchanged on each of them. Pick one with {@link LinkBackends#fromSystemProperty()}.
 *
 * <pre>{@code
 * try (LinkBackend backend = LinkBackends.fromSystemProperty()) {
 *     Proxy proxy = backend.client().createProxy("api", backend.listenAddress(0),
 *             backend.upstreamAddress("127.0.0.1", upstreamPort));
 *     int port = LinkBackend.portOf(proxy.getListen());
 *     // the client under test dials backend.reachableHost() : backend.reachablePort(port)
 * }
 * }</pre>
 */
public interface LinkBackend extends AutoCloseable {

    /** A Toxiproxy client connected to this backend's API. */
    ToxiproxyClient client();

    /** The API's base URL, e.g. {@code http://127.0.0.1:8474}. */
    String apiUrl();

    /**
     * The {@code listen} address to give a new proxy for {@code port}. Port 0 lets the server pick a
     * free port, except in a container, where 0 takes the next of the ports the container exposes.
     */
    String listenAddress(int port);

    /** The host the client under test dials to reach a proxy. */
    String reachableHost();

    /** The port the client under test dials to reach a proxy that listens on {@code proxyPort}. */
    int reachablePort(int proxyPort);

    /** The {@code upstream} address a proxy uses to reach a server at {@code host:port} as this JVM sees it. */
    String upstreamAddress(String host, int port);

    /** Stops what this backend started; a remote server is left running. */
    @Override
    void close();

    /** The port of a {@code host:port} or {@code [v6]:port} address, as a proxy's {@code listen} reports it. */
    static int portOf(String address) {
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("no port in address '" + address + "'");
        }
        return Integer.parseInt(address.substring(colon + 1));
    }

    /** {@code host:port}, with an IPv6 literal in brackets. */
    static String hostPort(String host, int port) {
        boolean v6 = host.indexOf(':') >= 0 && !host.startsWith("[");
        return (v6 ? "[" + host + "]" : host) + ":" + port;
    }
}
