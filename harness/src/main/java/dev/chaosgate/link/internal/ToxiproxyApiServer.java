package dev.chaosgate.link.internal;

import dev.chaosgate.link.ProxyMetrics;
import dev.chaosgate.link.LinkEngine;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;

import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;

/** The HTTP listener of the Toxiproxy-compatible API; requests are answered by {@link ToxiproxyApi}. */
public final class ToxiproxyApiServer implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel channel;

    private ToxiproxyApiServer(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    public static ToxiproxyApiServer start(LinkEngine engine, String host, int port) {
        return start(engine, host, port, null);
    }

    /** With {@code metrics} null, {@code /metrics} is a 404, as in Toxiproxy without its metrics flags. */
    public static ToxiproxyApiServer start(LinkEngine engine, String host, int port, ProxyMetrics metrics) {
        Transport transport = Transport.best();
        // One thread: API calls are serialised anyway, and it keeps the data plane's loops free.
        EventLoopGroup group = transport.newGroup(1, "chaosgate-api");
        ToxiproxyApi api = new ToxiproxyApi(engine, metrics);
        InetSocketAddress address;
        try {
            address = new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw new IllegalArgumentException("cannot resolve API host '" + host + "': use an IP address or a name this machine resolves");
        }
        ChannelFuture bind = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(8192, 16384, 16384));
                        ch.pipeline().addLast(new HttpServerKeepAliveHandler());
                        ch.pipeline().addLast(new ToxiproxyApi.BodyLimit());
                        ch.pipeline().addLast(api);
                    }
                })
                .bind(address)
                .awaitUninterruptibly();
        if (!bind.isSuccess()) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            Throwable cause = bind.cause();
            String why = cause instanceof BindException || String.valueOf(cause.getMessage()).contains("in use")
                    ? "address already in use: stop the other server or choose another port"
                    : String.valueOf(cause.getMessage());
            throw new UncheckedIOException("cannot listen on " + host + ":" + port + ": " + why,
                    new java.io.IOException(cause));
        }
        return new ToxiproxyApiServer(group, bind.channel());
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
