package dev.chaosgate.link;

import dev.chaosgate.link.internal.ApiWarmUp;
import dev.chaosgate.link.internal.ToxiproxyApiServer;

import java.net.InetSocketAddress;

/**
 * An embedded link server: a {@link LinkEngine} plus its Toxiproxy 2.12-compatible HTTP API, so the
 * unchanged {@code toxiproxy-java} client (or any Toxiproxy script) can drive it.
 *
 * <pre>{@code
 * try (LinkServer server = LinkServer.builder().seed(42).start()) {
 *     ToxiproxyClient client = new ToxiproxyClient(server.host(), server.port());
 *     Proxy proxy = client.createProxy("api", "127.0.0.1:0", "127.0.0.1:8080");
 *     proxy.toxics().latency("slow", ToxicDirection.DOWNSTREAM, 200);
 * }
 * }</pre>
 */
public final class LinkServer implements AutoCloseable {
    private final LinkServerConfig config;
    private final LinkEngine engine;
    private final ToxiproxyApiServer api;

    private LinkServer(LinkServerConfig config, LinkEngine engine, ToxiproxyApiServer api) {
        this.config = config;
        this.engine = engine;
        this.api = api;
    }

    public static LinkServerBuilder builder() {
        return new LinkServerBuilder();
    }

    /** A server on 127.0.0.1 and a free port, with a random seed. */
    public static LinkServer start() {
        return builder().start();
    }

    static LinkServer start(LinkServerConfig config) {
        LinkEngine engine = new LinkEngine(config.seed(), config.ioThreads());
        try {
            if (config.warmUp()) {
                // The API's calls first, so the data path is compiled knowing them (see ApiWarmUp).
                ApiWarmUp.run();
                engine.warmUp();
            }
            ToxiproxyApiServer api = ToxiproxyApiServer.start(engine, config.host(), config.port(),
                    ProxyMetrics.toxiproxy(engine, config.proxyMetrics(), config.runtimeMetrics()));
            return new LinkServer(config, engine, api);
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    public LinkServerConfig config() {
        return config;
    }

    /** The engine behind the API, for Java callers that want no HTTP in between. */
    public LinkEngine engine() {
        return engine;
    }

    /** The host the API is bound to, as a client should dial it. */
    public String host() {
        return api.address().getAddress().getHostAddress();
    }

    /** The API's bound port. */
    public int port() {
        return api.address().getPort();
    }

    public InetSocketAddress address() {
        return api.address();
    }

    /** {@code http://host:port}, the value to give Toxiproxy clients. */
    public String url() {
        String host = host().contains(":") ? "[" + host() + "]" : host();
        return "http://" + host + ":" + port();
    }

    /** Stops the API, every proxy and the event loops; idempotent. */
    @Override
    public void close() {
        try {
            api.close();
        } finally {
            engine.close();
        }
    }
}
