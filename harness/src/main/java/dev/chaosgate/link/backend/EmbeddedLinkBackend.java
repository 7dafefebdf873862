package dev.chaosgate.link.backend;

import dev.chaosgate.link.LinkServer;
import eu.rekawek.toxiproxy.ToxiproxyClient;

/**
 * Links in this JVM: a {@link LinkServer} on 127.0.0.1 and a free port. The default backend; needs
 * neither Docker nor network. Proxies listen on 127.0.0.1 and reach upstreams as written.
 */
public final class EmbeddedLinkBackend implements LinkBackend {
    private static final String LOOPBACK = "127.0.0.1";

    private final LinkServer server;
    private final ToxiproxyClient client;

    private EmbeddedLinkBackend(LinkServer server) {
        this.server = server;
        this.client = new ToxiproxyClient(server.host(), server.port());
    }

    /** Starts a server with a random seed. */
    public static EmbeddedLinkBackend start() {
        return new EmbeddedLinkBackend(LinkServer.builder().host(LOOPBACK).port(0).start());
    }

    /** Starts a server whose toxics draw from {@code seed}, to reproduce a run. */
    public static EmbeddedLinkBackend start(long seed) {
        return new EmbeddedLinkBackend(LinkServer.builder().host(LOOPBACK).port(0).seed(seed).start());
    }

    /** The server, for direct use of its {@link LinkServer#engine() engine} (counters, seed). */
    public LinkServer server() {
        return server;
    }

    @Override
    public ToxiproxyClient client() {
        return client;
    }

    @Override
    public String apiUrl() {
        return server.url();
    }

    @Override
    public String listenAddress(int port) {
        return LinkBackend.hostPort(LOOPBACK, port);
    }

    @Override
    public String reachableHost() {
        return LOOPBACK;
    }

    @Override
    public int reachablePort(int proxyPort) {
        return proxyPort;
    }

    @Override
    public String upstreamAddress(String host, int port) {
        return LinkBackend.hostPort(host, port);
    }

    @Override
    public void close() {
        server.close();
    }

    @Override
    public String toString() {
        return "embedded link server at " + apiUrl() + " (seed " + server.engine().seed() + ")";
    }
}
