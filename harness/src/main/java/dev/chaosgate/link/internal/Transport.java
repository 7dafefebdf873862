package dev.chaosgate.link.internal;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.SelectStrategyFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.nio.channels.spi.SelectorProvider;

/**
 * Netty's native epoll transport where the platform has it (fewer copies and wake-ups on Linux),
 * NIO elsewhere. {@code -Dchaosgate.transport=nio} forces NIO.
 */
public enum Transport {
    EPOLL, NIO;

    public static Transport best() {
        if ("nio".equalsIgnoreCase(System.getProperty("chaosgate.transport"))) {
            return NIO;
        }
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    public EventLoopGroup newGroup(int threads, String name) {
        DefaultThreadFactory factory = new DefaultThreadFactory(name, true);
        return this == EPOLL ? new EpollEventLoopGroup(threads, factory) : new NioEventLoopGroup(threads, factory);
    }

    /**
     * Event loops for the data plane: like {@link #newGroup}, but each loop keeps polling for
     * {@code spinMicros} after its last work before sleeping (0 disables), see {@link SpinningSelectStrategy}.
     */
    public EventLoopGroup newDataPlaneGroup(int threads, String name, long spinMicros) {
        if (spinMicros <= 0) {
            return newGroup(threads, name);
        }
        DefaultThreadFactory factory = new DefaultThreadFactory(name, true);
        SelectStrategyFactory strategy = SpinningSelectStrategy.factory(spinMicros);
        return this == EPOLL
                ? new EpollEventLoopGroup(threads, factory, strategy)
                : new NioEventLoopGroup(threads, factory, SelectorProvider.provider(), strategy);
    }

    public Class<? extends ServerSocketChannel> serverChannel() {
        return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public Class<? extends SocketChannel> socketChannel() {
        return this == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
