package dev.chaosgate.gateway;

import dev.chaosgate.link.LinkEngine;
import dev.chaosgate.link.LinkServer;
import dev.chaosgate.link.ProxyCounters;
import dev.chaosgate.upstream.FakeUpstream;
import dev.chaosgate.upstream.StreamPacing;
import dev.chaosgate.upstream.UpstreamExchange;
import dev.chaosgate.upstream.UpstreamFault;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One gateway a client under test talks to: a Toxiproxy-compatible link in front of the fake
 * OpenAI-compatible upstream, both on 127.0.0.1 and free ports, sharing one seed.
 *
 * <pre>{@code
 * try (ChaosGateway gateway = ChaosGateway.builder().seed(42).start()) {
 *     gateway.serve(Faults.firstRequests(2, Faults.badGateway()));        // HTTP faults, upstream side
 *     gateway.link().addToxic(ChaosGateway.LINK, "slow", "latency",        // TCP faults, link side
 *             ToxicStream.DOWNSTREAM, 1f, Map.of("latency", 300L, "jitter", 0L));
 *     OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey("test").build();
 *     ...
 *     gateway.exchanges();  // every request the upstream saw, with the fault it served
 * }
 * }</pre>
 */
public final class ChaosGateway implements AutoCloseable {
    /** The name of the link proxy between the client and the upstream. */
    public static final String LINK = "upstream";

    private final LinkServer linkServer;
    private final FakeUpstream upstream;
    private final int linkPort;

    private ChaosGateway(LinkServer linkServer, FakeUpstream upstream, int linkPort) {
        this.linkServer = linkServer;
        this.upstream = upstream;
        this.linkPort = linkPort;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static ChaosGateway start() {
        return builder().start();
    }

    /** {@code http://127.0.0.1:<link port>/v1}: give this to the client under test as its OpenAI base URL. */
    public String baseUrl() {
        return "http://127.0.0.1:" + linkPort + "/v1";
    }

    /** The upstream directly, bypassing the link (for checks, never for the client under test). */
    public FakeUpstream upstream() {
        return upstream;
    }

    /** The link engine; the proxy in front of the upstream is named {@link #LINK}. */
    public LinkEngine link() {
        return linkServer.engine();
    }

    /** The Toxiproxy-compatible API of the link, for toxiproxy-java or Toxiproxy scripts. */
    public String toxiproxyUrl() {
        return linkServer.url();
    }

    public long seed() {
        return upstream.seed();
    }

    /** Serves {@code fault} on the upstream from now on (see {@link dev.chaosgate.upstream.Faults}). */
    public void serve(UpstreamFault fault) {
        upstream.serve(fault);
    }

    public void serveNormally() {
        upstream.serveNormally();
    }

    /** Every request that reached the upstream, oldest first, with the fault served. */
    public List<UpstreamExchange> exchanges() {
        return upstream.exchanges();
    }

    /** Connections and bytes through the link. */
    public ProxyCounters linkCounters() {
        return link().counters(LINK);
    }

    @Override
    public void close() {
        try {
            linkServer.close();
        } finally {
            upstream.close();
        }
    }

    /** Builds a {@link ChaosGateway}. Not thread-safe. */
    public static final class Builder {
        private long seed = ThreadLocalRandom.current().nextLong();
        private StreamPacing pacing = StreamPacing.realistic();
        private int upstreamThreads = 64;

        private Builder() {
        }

        /** One seed for the link's toxics and the upstream's fault draws and fixture values. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder pacing(StreamPacing pacing) {
            this.pacing = Objects.requireNonNull(pacing, "pacing cannot be null");
            return this;
        }

        public Builder upstreamThreads(int threads) {
            this.upstreamThreads = threads;
            return this;
        }

        public ChaosGateway start() {
            FakeUpstream upstream = FakeUpstream.builder().seed(seed).pacing(pacing).threads(upstreamThreads).start();
            LinkServer link;
            try {
                link = LinkServer.builder().seed(seed).ioThreads(2).start();
            } catch (RuntimeException e) {
                upstream.close();
                throw e;
            }
            try {
                int port = link.engine().createProxy(LINK, "127.0.0.1:0", "127.0.0.1:" + upstream.port(), true).listenPort();
                return new ChaosGateway(link, upstream, port);
            } catch (RuntimeException e) {
                link.close();
                upstream.close();
                throw e;
            }
        }
    }
}
