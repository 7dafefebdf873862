package dev.chaosgate.link.internal;

import dev.chaosgate.link.ApiError;
import dev.chaosgate.link.LinkConnection;
import dev.chaosgate.link.LinkEvent;
import dev.chaosgate.link.ProxyCounters;
import dev.chaosgate.link.ProxyInfo;
import dev.chaosgate.link.ToxicDefinition;
import dev.chaosgate.link.ToxicStream;
import dev.chaosgate.link.toxic.ToxicProvider;
import dev.chaosgate.link.toxic.ToxicRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import dev.chaosgate.link.tls.ServerIdentity;
import dev.chaosgate.link.tls.TlsFault;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * One proxy: its listener, its toxics and its live connections. Mutations come from the engine
 * (under this object's lock) and reach live connections as tasks on their event loops, so an API
 * call never waits on a slow client.
 */
public final class ProxyRuntime {
    /** How long a toxic change waits for live connections to apply it before the API answers anyway. */
    private static final long APPLY_WAIT_MILLIS = 2_000;
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    /**
     * Reads grow up to 1 MiB when a link streams, so a bulk transfer costs few wake-ups, and a
     * socket may buffer up to 4 MiB before its source pauses: Netty's 64 KiB default made a
     * streaming link stop and restart reading all the time.
     */
    private static final AdaptiveRecvByteBufAllocator READS = new AdaptiveRecvByteBufAllocator(512, 16 * 1024, 1 << 20);
    private static final WriteBufferWaterMark WRITE_MARKS = new WriteBufferWaterMark(1 << 20, 4 << 20);

    /** What every proxy of one engine shares. */
    public record Shared(EventLoopGroup group, Transport transport, ToxicRegistry registry, long seed,
                         Consumer<LinkEvent> events, TrafficListener traffic) {
        public Shared(EventLoopGroup group, Transport transport, ToxicRegistry registry, long seed) {
            this(group, transport, registry, seed, event -> { });
        }

        public Shared(EventLoopGroup group, Transport transport, ToxicRegistry registry, long seed, Consumer<LinkEvent> events) {
            this(group, transport, registry, seed, events, TrafficListener.NONE);
        }
    }

    /** Hears what connections carry ({@link LinkConnection}); connections opened while nobody listens are not read. */
    public interface TrafficListener extends Consumer<LinkConnection> {
        TrafficListener NONE = new TrafficListener() {
            @Override
            public boolean wanted() {
                return false;
            }

            @Override
            public void accept(LinkConnection connection) {
            }
        };

        boolean wanted();
    }

    static final class Counters {
        final LongAdder accepted = new LongAdder();
        final AtomicLong open = new AtomicLong();
        final LongAdder upstreamIn = new LongAdder();
        final LongAdder upstreamOut = new LongAdder();
        final LongAdder downstreamIn = new LongAdder();
        final LongAdder downstreamOut = new LongAdder();
    }

    private final Shared shared;
    private final String name;
    private final Counters counters = new Counters();
    private final List<ToxicDefinition> upstreamToxics = new ArrayList<>();
    private final List<ToxicDefinition> downstreamToxics = new ArrayList<>();
    private final Set<Connection> connections = new HashSet<>();
    /**
     * Accepted sockets a {@link Connection} may not own: one offered HTTP/2 (if it picks HTTP/2, its streams are the
     * connections; if HTTP/1.1, a connection owns it too and closing it twice is harmless) and one held by a broken
     * handshake. A stop closes them too, as Toxiproxy closes every connection of a disabled proxy.
     */
    private final Set<Channel> unowned = new HashSet<>();
    private final Link.ToxicResolver resolver;
    private String listen;
    private String upstream;
    private Channel listener;
    private long connectionSequence;
    /** What new connections are served over: null for plain TCP, else TLS with this certificate. */
    private volatile ServedTls tls;
    /** Whether TLS connections accepted from now on are offered HTTP/2 by ALPN. */
    private volatile boolean http2;

    /**
     * A certificate, the TLS contexts built from it once (without ALPN, and offering {@code h2} then
     * {@code http/1.1}), and how far handshakes get.
     */
    private record ServedTls(String label, SslContext context, SslContext alpnContext, TlsFault.Handshake handshake) {
    }

    public ProxyRuntime(Shared shared, String name, String listen, String upstream) {
        this.shared = shared;
        this.name = name;
        this.listen = listen;
        this.upstream = upstream;
        this.resolver = new Link.ToxicResolver() {
            @Override
            public ToxicProvider provider(ToxicDefinition definition) {
                return shared.registry().find(definition.type()).orElseThrow();
            }

            @Override
            public long seed(Connection connection, ToxicDefinition definition) {
                return seedFor(connection.sequence(), definition);
            }
        };
    }

    public String name() {
        return name;
    }

    public synchronized String listen() {
        return listen;
    }

    public synchronized String upstream() {
        return upstream;
    }

    public synchronized boolean enabled() {
        return listener != null;
    }

    public synchronized ProxyInfo info() {
        List<ToxicDefinition> toxics = new ArrayList<>(upstreamToxics);
        toxics.addAll(downstreamToxics);
        return new ProxyInfo(name, listen, upstream, listener != null, toxics);
    }

    public ProxyCounters counters() {
        return new ProxyCounters(counters.accepted.sum(), counters.open.get(),
                counters.upstreamIn.sum(), counters.upstreamOut.sum(),
                counters.downstreamIn.sum(), counters.downstreamOut.sum());
    }

    // ---- listener ----

    /** A listen address as Go's {@code ResolveTCPAddr} would print it, for comparing with the bound one. */
    public static String resolveListen(String listen) {
        try {
            return HostPort.format(HostPort.parse(listen).resolveForListen());
        } catch (HostPort.AddressException e) {
            return listen;
        }
    }

    /** Binds the listen address (no-op when already listening); the listen string becomes the bound address. */
    public void start() {
        // Only the engine (one caller at a time) starts and stops a proxy. Event loops take this
        // object's lock when they accept, so never wait for an event loop while holding it.
        String requested;
        synchronized (this) {
            if (listener != null) {
                return;
            }
            requested = listen;
        }
        InetSocketAddress address;
        try {
            address = HostPort.parse(requested).resolveForListen();
        } catch (HostPort.AddressException e) {
            throw ApiError.LISTEN_FAILED.exception("listen tcp: " + e.getMessage());
        }
        ChannelFuture bind = new ServerBootstrap()
                .group(shared.group())
                .channel(shared.transport().serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, READS)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WRITE_MARKS)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel client) {
                        ServedTls served = tls;
                        if (served != null && served.handshake() != TlsFault.Handshake.SENT) {
                            unowned(client);
                            client.pipeline().addLast("chaosgate-tls", new BrokenHandshake(served.handshake()));
                        } else if (served != null && http2) {
                            unowned(client);
                            // The protocol is known once the handshake chose it: HTTP/1.1 dials then, HTTP/2 per stream.
                            client.pipeline().addLast("chaosgate-tls", served.alpnContext().newHandler(client.alloc()));
                            client.pipeline().addLast("chaosgate-alpn", new AlpnRouter(served.label(), handshaking(client, served.label())));
                            return;
                        } else if (served != null) {
                            // Terminates TLS here: the link reads the request heads and the toxics act on the HTTP bytes.
                            client.pipeline().addLast("chaosgate-tls", served.context().newHandler(client.alloc()));
                        }
                        client.pipeline().addLast("chaosgate-dial", new Dial(served == null ? null : served.label(), null, true));
                    }
                })
                .bind(address)
                .awaitUninterruptibly();
        if (!bind.isSuccess()) {
            throw ApiError.LISTEN_FAILED.exception("listen tcp " + HostPort.format(address) + ": " + bindError(bind.cause()));
        }
        synchronized (this) {
            listener = bind.channel();
            listen = HostPort.format((InetSocketAddress) listener.localAddress());
        }
    }

    private static String bindError(Throwable cause) {
        String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        String lower = message.toLowerCase(Locale.ROOT);
        if (cause instanceof BindException || lower.contains("bind")) {
            if (lower.contains("already in use")) {
                return "bind: address already in use";
            }
            if (lower.contains("cannot assign")) {
                return "bind: cannot assign requested address";
            }
            if (lower.contains("permission denied")) {
                return "bind: permission denied";
            }
        }
        return "bind: " + lower.replaceFirst("^.*?: ", "");
    }

    /**
     * Serves connections accepted from now on over TLS with {@code identity}'s certificate, or over plain TCP
     * with null; live connections keep what they were accepted with.
     */
    public void tls(ServerIdentity identity, TlsFault.Handshake handshake) {
        if (identity == null) {
            tls = null;
            return;
        }
        try {
            java.security.cert.X509Certificate[] chain = identity.chain().toArray(java.security.cert.X509Certificate[]::new);
            SslContext context = SslContextBuilder.forServer(identity.key(), chain).build();
            SslContext alpnContext = SslContextBuilder.forServer(identity.key(), chain)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
                    .build();
            tls = new ServedTls(identity.label(), context, alpnContext, handshake);
        } catch (javax.net.ssl.SSLException e) {
            throw new IllegalArgumentException("cannot serve TLS with " + identity + ": " + e.getMessage(), e);
        }
    }

    /**
     * Offers HTTP/2 (ALPN {@code h2}, then {@code http/1.1}) to TLS connections accepted from now on; without it
     * they speak HTTP/1.1. Live connections keep what they negotiated.
     */
    public void http2(boolean offer) {
        http2 = offer;
    }

    /** The label of the certificate new connections are served with, or null for plain TCP. */
    public String tlsLabel() {
        ServedTls served = tls;
        return served == null ? null : served.label();
    }

    /** Closes the listener and every live connection; toxics stay. */
    public void stop() {
        List<Future<?>> closing = new ArrayList<>();
        Channel closingListener;
        synchronized (this) {
            closingListener = listener;
            listener = null;
            for (Connection connection : connections) {
                closing.add(connection.execute(() -> connection.close(false)));
            }
            for (Channel channel : unowned) {
                closing.add(channel.close());
            }
        }
        if (closingListener != null) {
            closingListener.close().awaitUninterruptibly();
        }
        awaitAll(closing);
    }

    /** Replaces listen and upstream of a stopped proxy. */
    public synchronized void address(String newListen, String newUpstream) {
        this.listen = newListen;
        this.upstream = newUpstream;
    }

    // ---- toxics ----

    public synchronized List<ToxicDefinition> toxics() {
        List<ToxicDefinition> all = new ArrayList<>(upstreamToxics);
        all.addAll(downstreamToxics);
        return all;
    }

    public synchronized ToxicDefinition toxic(String toxicName) {
        for (ToxicDefinition toxic : toxics()) {
            if (toxic.name().equals(toxicName)) {
                return toxic;
            }
        }
        return null;
    }

    public void addToxic(ToxicDefinition definition) {
        List<Future<?>> applied = new ArrayList<>();
        synchronized (this) {
            chain(definition.direction()).add(definition);
            ToxicProvider provider = resolver.provider(definition);
            for (Connection connection : connections) {
                long seed = seedFor(connection.sequence(), definition);
                applied.add(connection.execute(() -> connection.link(definition.direction()).addStage(definition, provider, seed)));
            }
        }
        awaitAll(applied);
    }

    public void updateToxic(ToxicDefinition definition) {
        List<Future<?>> applied = new ArrayList<>();
        synchronized (this) {
            List<ToxicDefinition> chain = chain(definition.direction());
            for (int i = 0; i < chain.size(); i++) {
                if (chain.get(i).name().equals(definition.name())) {
                    chain.set(i, definition);
                }
            }
            for (Connection connection : connections) {
                applied.add(connection.execute(() -> connection.link(definition.direction()).updateStage(definition)));
            }
        }
        awaitAll(applied);
    }

    public void removeToxic(ToxicDefinition definition) {
        List<Future<?>> applied = new ArrayList<>();
        synchronized (this) {
            chain(definition.direction()).removeIf(toxic -> toxic.name().equals(definition.name()));
            for (Connection connection : connections) {
                applied.add(connection.execute(() -> connection.link(definition.direction()).removeStage(definition.name())));
            }
        }
        awaitAll(applied);
    }

    private List<ToxicDefinition> chain(ToxicStream stream) {
        return stream == ToxicStream.UPSTREAM ? upstreamToxics : downstreamToxics;
    }

    /**
     * Waits, boundedly, until live connections have applied a change, so a client that changes a
     * toxic and then sends data sees the change. Never waits on I/O: the tasks themselves do not block.
     */
    private static void awaitAll(List<Future<?>> futures) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(APPLY_WAIT_MILLIS);
        for (Future<?> future : futures) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !future.awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
                return;
            }
        }
    }

    // ---- connections ----

    private long seedFor(long connection, ToxicDefinition definition) {
        long hash = shared.seed();
        hash = mix(hash, name);
        hash = mix(hash ^ connection, definition.direction().wireName());
        return mix(hash, definition.name());
    }

    private static long mix(long hash, String text) {
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            hash = (hash ^ b) * 0x100000001B3L;
        }
        hash ^= hash >>> 33;
        hash *= 0xff51afd7ed558ccdL;
        return hash ^ (hash >>> 33);
    }

    private void register(Channel client, Channel server, Dial early) {
        synchronized (this) {
            if (listener == null || !server.isActive()) {
                early.discard();
                client.close();
                server.close();
                if (early.traffic != null) {
                    early.traffic.closed();
                }
                return;
            }
            Connection connection = new Connection(early.traffic != null ? early.traffic.connection() : ++connectionSequence,
                    client, server, counters);
            if (early.traffic != null) {
                early.traffic.upstreamPort(connection.upstreamPort());
                connection.traffic(early.traffic);
            } else if (shared.traffic().wanted()) {
                connection.traffic(new ConnectionTraffic(name, connection.sequence(), connection.clientPort(),
                        connection.upstreamPort(), early.tls, shared.traffic()));
                if (early.tls != null && early.fresh) {
                    // Known at once: a client that refuses the certificate closes before sending a byte, and a
                    // verdict asked right after must still see (and wait for the end of) that connection.
                    connection.traffic().announce();
                }
            }
            connection.onReset(() -> emit(connection, LinkEvent.Kind.RESET));
            connections.add(connection);
            emit(connection, LinkEvent.Kind.OPENED);
            counters.open.incrementAndGet();
            connection.onFinished(() -> unregister(connection));
            try {
                connection.start(List.copyOf(upstreamToxics), List.copyOf(downstreamToxics), resolver);
            } catch (RuntimeException e) {
                // A toxic that cannot start must not leave the client hanging on a silent connection.
                early.discard();
                connection.close(true);
                return;
            }
            early.handOver(connection);
        }
    }

    private void unregister(Connection connection) {
        boolean removed;
        synchronized (this) {
            removed = connections.remove(connection);
            if (removed) {
                counters.open.decrementAndGet();
            }
        }
        // Both directions are done: stop the links' toxics; a socket may still drain before it closes.
        connection.release();
        if (removed) {
            if (connection.undeliveredToClient() > 0) {
                emit(connection, LinkEvent.Kind.UNDELIVERED);
            }
            if (connection.traffic() != null) {
                connection.traffic().closed();
            }
            emit(connection, LinkEvent.Kind.CLOSED);
        }
    }

    /** Tells the engine's event listener that a client met an upstream it could not reach. */
    private void unreachable(Channel client) {
        int clientPort = client.remoteAddress() instanceof InetSocketAddress address ? address.getPort() : 0;
        try {
            shared.events().accept(new LinkEvent(Instant.now(), name, 0, LinkEvent.Kind.UPSTREAM_UNREACHABLE, clientPort, 0));
        } catch (RuntimeException ignored) {
            // listeners must not break the data plane
        }
    }

    /** Tells the engine's event listener; a listener that throws never disturbs the connection. */
    private void emit(Connection connection, LinkEvent.Kind kind) {
        try {
            shared.events().accept(new LinkEvent(Instant.now(), name, connection.sequence(), kind,
                    connection.clientPort(), connection.upstreamPort()));
        } catch (RuntimeException ignored) {
            // listeners must not break the data plane
        }
    }

    /**
     * Dials the upstream for a freshly accepted client; if that fails, the client is closed (Toxiproxy's
     * accept-then-close). Until the upstream is connected it stays first in the client's pipeline and
     * keeps what the client sends and whether it closed (epoll reads a socket whose peer closed even
     * with auto-read off), then hands both to the connection, so early bytes and an early close are
     * never lost.
     */
    private final class Dial extends ChannelInboundHandlerAdapter {
        private final List<ByteBuf> early = new ArrayList<>(1);
        /** The label of the certificate this connection is served with, or null for plain TCP. */
        private final String tls;
        /** What is published about the connection (and its number) when that began before the dial, at the TLS handshake; else null. */
        private final ConnectionTraffic traffic;
        /**
         * Whether this is the first handler of a freshly accepted socket: counted as accepted, and over TLS published
         * at once, before its handshake. Not for a connection routed after its handshake, nor for an HTTP/2 stream.
         */
        private final boolean fresh;
        private boolean clientEnded;
        private boolean dialed;
        private ChannelHandlerContext context;

        Dial(String tls, ConnectionTraffic traffic, boolean fresh) {
            this.tls = tls;
            this.traffic = traffic;
            this.fresh = fresh;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            // Added after the handshake (HTTP/1.1 chosen by ALPN) or to an HTTP/2 stream: the channel may be active already.
            if (ctx.channel().isActive()) {
                channelActive(ctx);
            }
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (dialed) {
                return;
            }
            dialed = true;
            context = ctx;
            if (fresh) {
                counters.accepted.increment();
            }
            Channel client = ctx.channel();
            InetSocketAddress target;
            try {
                target = HostPort.parse(upstream()).resolve();
            } catch (HostPort.AddressException e) {
                unreachable(client);
                discard();
                client.close();
                return;
            }
            new Bootstrap()
                    .group(client.eventLoop())
                    .channel(shared.transport().socketChannel())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, READS)
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WRITE_MARKS)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(target)
                    .addListener((ChannelFuture connect) -> {
                        if (connect.isSuccess()) {
                            register(client, connect.channel(), this);
                        } else {
                            unreachable(client);
                            discard();
                            client.close();
                        }
                    });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (clientEnded) {
                ReferenceCountUtil.release(msg);
            } else {
                early.add((ByteBuf) msg);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof ChannelInputShutdownEvent) {
                clientEnded = true;
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            clientEnded = true;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A reset before the upstream answered: what came before it still goes through.
            clientEnded = true;
            ctx.close();
        }

        /** Moves the early reads and the client's close into the connection and leaves the pipeline. */
        void handOver(Connection connection) {
            List<ByteBuf> reads = List.copyOf(early);
            early.clear();
            context.pipeline().remove(this);
            connection.replayEarly(reads, clientEnded);
        }

        void discard() {
            early.forEach(ByteBuf::release);
            early.clear();
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            discard();
        }
    }

    private void unowned(Channel client) {
        synchronized (this) {
            unowned.add(client);
        }
        client.closeFuture().addListener(closed -> {
            synchronized (this) {
                unowned.remove(client);
            }
        });
    }

    /** Numbers and publishes a TLS connection at accept, so a client that refuses the certificate is seen too. */
    private ConnectionTraffic handshaking(Channel client, String label) {
        if (!shared.traffic().wanted()) {
            return null;
        }
        long sequence;
        synchronized (this) {
            sequence = ++connectionSequence;
        }
        int clientPort = client.remoteAddress() instanceof InetSocketAddress address ? address.getPort() : 0;
        ConnectionTraffic traffic = new ConnectionTraffic(name, sequence, clientPort, 0, label, shared.traffic());
        traffic.announce();
        return traffic;
    }

    /**
     * After the handshake of a connection offered HTTP/2: HTTP/1.1 dials the upstream as any connection does;
     * HTTP/2 serves each stream as a connection of its own ({@link Http2Front}). A client that refused the
     * certificate or left during the handshake is published as gone.
     */
    private final class AlpnRouter extends ApplicationProtocolNegotiationHandler {
        private final String label;
        private final ConnectionTraffic traffic;
        private boolean routed;

        AlpnRouter(String label, ConnectionTraffic traffic) {
            super(ApplicationProtocolNames.HTTP_1_1);
            this.label = label;
            this.traffic = traffic;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            counters.accepted.increment();
            // The handshake needs reads; the relay takes over reading once the protocol is chosen.
            ctx.read();
            super.channelActive(ctx);
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            routed = true;
            Channel client = ctx.channel();
            if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                if (traffic != null) {
                    traffic.carriesHttp2();
                    client.closeFuture().addListener(closed -> client.eventLoop().execute(traffic::closed));
                }
                Http2Front.serve(client, () -> new Dial(label, null, false));
            } else {
                client.pipeline().addLast("chaosgate-dial", new Dial(label, traffic, false));
            }
        }

        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            routed = true;
            gone();
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (!routed) {
                routed = true;
                gone();
            }
            super.channelInactive(ctx);
        }

        private void gone() {
            if (traffic != null) {
                traffic.clientClosed();
                traffic.closed();
            }
        }
    }

    /**
     * A middlebox that breaks the TLS handshake: it takes the client's ClientHello and resets the connection, or
     * keeps it and never answers. No byte reaches the connection behind it, so the upstream sees nothing.
     */
    private static final class BrokenHandshake extends ChannelInboundHandlerAdapter {
        private final TlsFault.Handshake handshake;

        BrokenHandshake(TlsFault.Handshake handshake) {
            this.handshake = handshake;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.read();
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            if (handshake == TlsFault.Handshake.RESET) {
                ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                ctx.close();
            } else {
                ctx.read();
            }
        }
    }
}
