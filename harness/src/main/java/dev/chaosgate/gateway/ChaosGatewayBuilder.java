package dev.chaosgate.gateway;

import dev.chaosgate.upstream.Provider;
import dev.chaosgate.journal.Journal;
import dev.chaosgate.link.ApiError;
import dev.chaosgate.link.LinkEngine;
import dev.chaosgate.link.LinkException;
import dev.chaosgate.link.LinkServer;
import dev.chaosgate.link.tls.CertificateAuthority;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.upstream.FakeUpstream;
import dev.chaosgate.upstream.StreamPacing;

import dev.chaosgate.upstream.live.LiveUpstream;

import java.net.URI;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/** Builds a {@link ChaosGateway} ({@link ChaosGateway#builder()}). Not thread-safe. */
public final class ChaosGatewayBuilder {
    private long seed = ThreadLocalRandom.current().nextLong();
    private StreamPacing pacing = StreamPacing.realistic();
    private boolean seedSet;
    private int upstreamThreads = 64;
    private int journalCapacity = Journal.DEFAULT_CAPACITY;
    private Scenario scenario;
    private String listenHost = "127.0.0.1";
    private int listenPort = 0;
    private boolean https;
    private boolean http2;
    private Provider provider = Provider.OPENAI;
    private LiveUpstream live;

    ChaosGatewayBuilder() {
    }

    /**
     * The seed of the link's toxics (jitter, toxicity) and of the upstream's fixture values (ids),
     * and of the fault draws of faults {@linkplain ChaosGateway#serve served} outside a scenario; by
     * default the scenario's own seed, or a random one. A scenario's fault schedule (which requests
     * meet a probabilistic or flapping fault) always comes from the scenario's own seed, so no seed
     * given here can leave the scenario's fault unmet.
     */
    public ChaosGatewayBuilder seed(long seed) {
        this.seed = seed;
        this.seedSet = true;
        return this;
    }

    /** Plays {@code played} from the moment the gateway starts. */
    public ChaosGatewayBuilder scenario(Scenario played) {
        this.scenario = Objects.requireNonNull(played, "scenario cannot be null");
        return this;
    }

    /**
     * The provider the client under test speaks ({@link Provider#OPENAI} by default): what
     * {@link ChaosGateway#sdkBaseUrl()} gives. The upstream serves every provider's wire dialect whatever is set here.
     */
    public ChaosGatewayBuilder provider(Provider provider) {
        this.provider = Objects.requireNonNull(provider, "provider cannot be null");
        return this;
    }

    public ChaosGatewayBuilder pacing(StreamPacing pacing) {
        this.pacing = Objects.requireNonNull(pacing, "pacing cannot be null");
        return this;
    }

    public ChaosGatewayBuilder upstreamThreads(int threads) {
        this.upstreamThreads = threads;
        return this;
    }

    /**
     * How many entries the {@link ChaosGateway#journal()} keeps, and how many requests the upstream's
     * {@link ChaosGateway#exchanges()} keep (by default {@value Journal#DEFAULT_CAPACITY} and 10,000); the
     * oldest go first. Under load a few thousand are plenty: every request is kept until pushed
     * out, and a short journal lets its entries die young instead of churning the old generation.
     * Listeners ({@link Journal#onEntry}) hear every entry whatever the bound.
     */
    public ChaosGatewayBuilder journalCapacity(int entries) {
        if (entries < 1) {
            throw new IllegalArgumentException("journalCapacity must be >= 1, got " + entries);
        }
        this.journalCapacity = entries;
        return this;
    }

    /**
     * Where the link listens for the client (default {@code 127.0.0.1} on a free port), e.g. a
     * fixed port an app is configured with. A port in use fails {@link #start()} with a
     * {@link LinkException} naming the address and the fix; nothing is left running.
     */
    public ChaosGatewayBuilder listen(String host, int port) {
        this.listenHost = Objects.requireNonNull(host, "host cannot be null");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        this.listenPort = port;
        return this;
    }

    /**
     * Serves the client over HTTPS, with a certificate issued by a certificate authority made for this gateway
     * ({@link ChaosGateway#certificateAuthority()}: its PEM, a trust store or an {@code SSLContext} for the client).
     * The link terminates TLS: everything it judges stays visible. Plain HTTP is the default.
     */
    public ChaosGatewayBuilder https() {
        this.https = true;
        return this;
    }

    /**
     * Serves HTTPS ({@link #https()}) and offers HTTP/2 by ALPN, as real providers do: clients that speak it
     * (java.net.http, OkHttp, curl) use it, the others HTTP/1.1. Each HTTP/2 stream reaches the upstream as a
     * connection of its own, so streams on one connection never share state, and stream faults end a stream
     * with {@code RST_STREAM} or the connection with {@code GOAWAY} ({@code docs/https.md}, "HTTP/2").
     */
    public ChaosGatewayBuilder http2() {
        this.https = true;
        this.http2 = true;
        return this;
    }

    /**
     * Live mode: what the scenario does not fault is forwarded to the real API at {@code url} (the base URL the app
     * would otherwise use, e.g. {@code https://api.openai.com/v1}) with the client's own headers, its API key
     * included, and the real answer goes back to the client; faulted requests never reach it. The key is never
     * stored: the journal redacts it. See {@code docs/https.md}, "Live mode".
     *
     * @throws IllegalArgumentException for a URL that is not an absolute http or https URL without query or credentials
     */
    public ChaosGatewayBuilder upstream(URI url) {
        this.live = LiveUpstream.of(url);
        return this;
    }

    /** Creates the link proxy on the listen address; a bind failure says which address and what to do. */
    private int listen(LinkEngine engine, int upstreamPort) {
        try {
            return engine.createProxy(ChaosGateway.LINK, ChaosGateway.hostPort(listenHost, listenPort), "127.0.0.1:" + upstreamPort, true).listenPort();
        } catch (LinkException e) {
            if (e.error() != ApiError.LISTEN_FAILED) {
                throw e;
            }
            String fix = String.valueOf(e.getMessage()).contains("in use")
                    ? "; stop what holds port " + listenPort + " or choose another in ChaosGateway.builder().listen(host, port) (0: any free port)"
                    : "; check the host given to ChaosGateway.builder().listen(host, port)";
            LinkException explained = new LinkException(e.error(), e.getMessage() + fix);
            explained.initCause(e);
            throw explained;
        }
    }

    public ChaosGateway start() {
        if (scenario != null && !seedSet) {
            seed = scenario.seed();
        }
        FakeUpstream upstream = FakeUpstream.builder().seed(seed).pacing(pacing).threads(upstreamThreads).live(live)
                .journalLimit(Math.min(journalCapacity, ChaosGateway.UPSTREAM_JOURNAL_LIMIT)).start();
        LinkServer link;
        try {
            link = LinkServer.builder().seed(seed).ioThreads(2).start();
        } catch (RuntimeException e) {
            upstream.close();
            throw e;
        }
        try {
            int port = listen(link.engine(), upstream.port());
            CertificateAuthority authority = null;
            if (https || (scenario != null && scenario.breaksTls())) {
                authority = CertificateAuthority.generate("chaosgate gateway CA " + Instant.now().getEpochSecond());
                link.engine().tls(ChaosGateway.LINK, authority.serverFor(CertificateAuthority.GATEWAY_LABEL));
                link.engine().http2(ChaosGateway.LINK, http2);
            }
            ChaosGateway gateway = new ChaosGateway(link, upstream, port, listenHost, journalCapacity, authority);
            gateway.speaks(provider);
            if (scenario != null) {
                // The scenario's own seed decides its fault schedule, whatever the gateway's seed.
                gateway.play(scenario);
            }
            return gateway;
        } catch (RuntimeException e) {
            link.close();
            upstream.close();
            throw e;
        }
    }
}
