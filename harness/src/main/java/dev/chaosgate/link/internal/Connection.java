package dev.chaosgate.link.internal;

import dev.chaosgate.link.ToxicDefinition;
import dev.chaosgate.link.ToxicStream;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;

import java.util.List;

/**
 * One client connection through a proxy: the client socket, the upstream socket, and a link each
 * way. Both sockets share one event loop, so the links need no locks; the engine reaches them
 * only through {@link #execute}.
 */
final class Connection {
    private final long sequence;
    private final Channel client;
    private final Channel server;
    private final Link upstream;
    private final Link downstream;
    private boolean closing;
    private Runnable onReset = () -> { };
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
    }

    long sequence() {
        return sequence;
    }

    /** Runs {@code action} when the connection is closed with RSTs ({@code close(true)}). */
    void onReset(Runnable action) {
        this.onReset = action;
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

    /** Bytes the upstream sent that never reached the client (a toxic held them when the connection closed, or dropped them). */
    long undeliveredToClient() {
        return downstream.undelivered();
    }

    Link link(ToxicStream stream) {
        return stream == ToxicStream.UPSTREAM ? upstream : downstream;
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
        public void channelInactive(ChannelHandlerContext ctx) {
            in.onSourceEnd();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            out.onSinkWritabilityChanged();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A peer reset or a failed write: Toxiproxy tears the connection down, and so do we.
            if (in.stream() == ToxicStream.UPSTREAM) {
                in.connection().clientGone();
            }
            in.connection().close(false);
        }
    }
}
