package dev.chaosgate.link.internal;

import dev.chaosgate.link.ToxicDefinition;
import dev.chaosgate.link.ToxicStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.concurrent.Future;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One client connection through a proxy: the client socket, the upstream socket, and a link each
 * way. Both sockets share one event loop, so the links need no locks; the engine reaches them
 * only through {@link #execute}.
 */
final class Connection {
    /**
     * After the link shuts a socket's output (the peer sees FIN, as when Toxiproxy closes it), it
     * reads and discards what the peer still sends, and closes the socket once the peer closes, once
     * nothing arrived for this long, or at {@link #DRAIN_MAX_NANOS}: closing with unread bytes
     * would send the peer a reset instead of a clean close.
     */
    private static final long DRAIN_QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long DRAIN_MAX_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final long sequence;
    private final Channel client;
    private final Channel server;
    private final Link upstream;
    private final Link downstream;
    private boolean closing;
    /** A reset reached a socket: every socket the link closes from now on closes with an RST. */
    private boolean resetting;
    private boolean finished;
    private Runnable onReset = () -> { };
    private Runnable onFinished;
    private final int clientPort;
    private final int upstreamPort;
    /** Null unless someone listens to the engine's traffic. */
    private ConnectionTraffic traffic;

    Connection(long sequence, Channel client, Channel server, ProxyRuntime.Counters counters) {
        this.sequence = sequence;
        this.client = client;
        this.server = server;
        this.clientPort = port(client.remoteAddress());
        this.upstreamPort = port(server.localAddress());
        this.upstream = new Link(this, ToxicStream.UPSTREAM, client, server, counters.upstreamIn, counters.upstreamOut);
        this.downstream = new Link(this, ToxicStream.DOWNSTREAM, server, client, counters.downstreamIn, counters.downstreamOut);
        client.pipeline().addLast("chaosgate-relay", new Relay(upstream, downstream));
        server.pipeline().addLast("chaosgate-relay", new Relay(downstream, upstream));
        client.closeFuture().addListener(f -> maybeFinished());
        server.closeFuture().addListener(f -> maybeFinished());
    }

    long sequence() {
        return sequence;
    }

    /** Runs {@code action} when the connection is closed with RSTs ({@code close(true)}). */
    void onReset(Runnable action) {
        this.onReset = action;
    }

    /**
     * Runs {@code action} once, when both directions have ended (each closed its sink) or both
     * sockets are closed, whichever comes first; a socket may still drain for a moment after.
     */
    void onFinished(Runnable action) {
        this.onFinished = action;
        maybeFinished();
    }

    private void maybeFinished() {
        if (onFinished != null && !finished && (upstream.ended() && downstream.ended() || !client.isOpen() && !server.isOpen())) {
            finished = true;
            onFinished.run();
        }
    }

    void traffic(ConnectionTraffic value) {
        this.traffic = value;
    }

    ConnectionTraffic traffic() {
        return traffic;
    }

    /** Whether the link has started closing both sockets itself. */
    boolean closing() {
        return closing;
    }

    /** The client went away on its own: it closed or reset its socket before the link or the upstream closed theirs. */
    void clientGone() {
        if (traffic != null && !closing && !downstream.ended()) {
            traffic.clientClosed();
        }
    }

    int clientPort() {
        return clientPort;
    }

    int upstreamPort() {
        return upstreamPort;
    }

    private static int port(java.net.SocketAddress address) {
        return address instanceof java.net.InetSocketAddress inet ? inet.getPort() : 0;
    }

    EventLoop eventLoop() {
        return client.eventLoop();
    }

    Future<?> execute(Runnable task) {
        return eventLoop().submit(task);
    }

    void start(List<ToxicDefinition> upstreamToxics, List<ToxicDefinition> downstreamToxics, Link.ToxicResolver resolver) {
        upstream.start(upstreamToxics, resolver);
        downstream.start(downstreamToxics, resolver);
    }

    /**
     * Feeds what the client sent before the upstream was connected into the upstream link, in order,
     * followed by its close when it came too: the early bytes and the close are events like any other.
     */
    void replayEarly(List<ByteBuf> reads, boolean clientEnded) {
        for (ByteBuf buf : reads) {
            upstream.onRead(buf);
        }
        if (!reads.isEmpty()) {
            upstream.onReadComplete();
        }
        if (clientEnded) {
            upstream.onPeerEnd();
        }
    }

    /**
     * A direction's end reached its sink: as Toxiproxy, close that socket once what was written is
     * flushed, which also ends the direction that reads it. The close is a shutdown of the output
     * followed by a drain (see {@link #DRAIN_QUIET_NANOS}) unless the peer already finished sending.
     */
    void closeSink(Link ending) {
        Channel socket = ending.sink();
        Link reader = socket == client ? upstream : downstream;
        socket.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFuture flushed) -> {
            if (closing) {
                return;
            }
            if (ending.resetEnd() && !resetting) {
                resetting = true;
                onReset.run();
            }
            if (resetting) {
                // As Toxiproxy's writer closing a socket with SO_LINGER 0: this socket's peer gets an
                // RST, and the end of the other direction, once through its toxics, resets the other.
                reader.onSourceEnd();
                if (socket.isOpen()) {
                    socket.config().setOption(ChannelOption.SO_LINGER, 0);
                    socket.close();
                }
            } else if (reader.peerDone() || !socket.isActive() || !(socket instanceof DuplexChannel duplex)) {
                reader.onSourceEnd();
                socket.close();
            } else {
                duplex.shutdownOutput();
                reader.drainSource(DRAIN_QUIET_NANOS, DRAIN_MAX_NANOS);
            }
            maybeFinished();
        });
    }

    /** Bytes the upstream sent that never reached the client (a toxic held them when the connection closed, or dropped them). */
    long undeliveredToClient() {
        return downstream.undelivered();
    }

    Link link(ToxicStream stream) {
        return stream == ToxicStream.UPSTREAM ? upstream : downstream;
    }

    /** Stops both links (releasing what toxics hold, cancelling timers) without touching the sockets. */
    void release() {
        upstream.close();
        downstream.close();
    }

    /** Closes both sockets now; with {@code reset}, as RSTs (SO_LINGER 0). */
    void close(boolean reset) {
        if (closing) {
            return;
        }
        closing = true;
        if (reset) {
            onReset.run();
        }
        upstream.close();
        downstream.close();
        for (Channel channel : List.of(client, server)) {
            if (reset && channel.isOpen()) {
                channel.config().setOption(ChannelOption.SO_LINGER, 0);
            }
            channel.close();
        }
    }

    /** Feeds one socket's reads into the link it is the source of, and its writability to the link it is the sink of. */
    private static final class Relay extends ChannelInboundHandlerAdapter {
        private final Link in;
        private final Link out;

        Relay(Link in, Link out) {
            this.in = in;
            this.out = out;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            in.onRead((ByteBuf) msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            in.onReadComplete();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            // With half-closure allowed, a peer's FIN arrives here and the socket stays open: the end
            // travels through the toxics, and the socket closes when the other direction's end reaches it.
            if (event instanceof ChannelInputShutdownEvent) {
                in.onPeerEnd();
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            in.onPeerEnd();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            out.onSinkWritabilityChanged();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A peer reset or a failed write: this socket is done. As in Toxiproxy, its reader's end
            // still travels through the toxics (channelInactive), and the other socket closes behind it.
            ctx.close();
        }
    }
}
