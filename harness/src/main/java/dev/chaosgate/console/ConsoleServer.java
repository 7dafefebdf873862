package dev.chaosgate.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chaosgate.link.ProxyMetrics;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The QA console of a {@link ServeSession}: the page at {@value #PATH} and its JSON admin API under
 * {@code /__chaosgate/api/}. It has its own port and event loops (Netty), apart from the app's
 * gateway, so the scenario's faults can never slow or break it.
 */
public final class ConsoleServer implements AutoCloseable {
    /** Where the page lives; {@code /} and {@code /__chaosgate} redirect here. */
    public static final String PATH = "/__chaosgate/";
    private static final System.Logger LOG = System.getLogger("dev.chaosgate.console");
    private static final int THREADS = 4;

    private final EventLoopGroup group;
    private final Channel channel;
    private final String url;

    private ConsoleServer(EventLoopGroup group, Channel channel, String url) {
        this.group = group;
        this.channel = channel;
        this.url = url;
    }

    /**
     * Serves the console of {@code session} on {@code host} and {@code port} (0: a free port).
     *
     * @throws ListenException when the address cannot be bound
     */
    public static ConsoleServer start(ServeSession session, String host, int port) {
        Objects.requireNonNull(session, "session cannot be null");
        Objects.requireNonNull(host, "host cannot be null");
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new ListenException(host, port, false, "unknown host", null);
        }
        // NIO, not epoll: bind failures are then the JDK's own BindException, with its messages.
        EventLoopGroup group = new NioEventLoopGroup(THREADS, new DefaultThreadFactory("chaosgate-console", true));
        AtomicReference<Router> router = new AtomicReference<>();
        ChannelFuture bind = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 50)
                // No accepting until the router (which needs the bound port) is set; clients wait in the backlog.
                .option(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // A client that half-closes after its request still gets the answer (or its 400).
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new IdleStateHandler(0, 0, ConsoleConnection.IDLE_SECONDS));
                        ch.pipeline().addLast(new HttpServerCodec(ConsoleConnection.MAX_LINE, ConsoleConnection.MAX_HEAD, 8192));
                        ch.pipeline().addLast(new ConsoleConnection(router.get()));
                    }
                })
                .bind(address)
                .awaitUninterruptibly();
        if (!bind.isSuccess()) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            Throwable cause = bind.cause();
            String message = String.valueOf(cause.getMessage());
            boolean inUse = message.toLowerCase(Locale.ROOT).contains("in use");
            throw new ListenException(host, port, inUse, inUse ? "address already in use" : message, cause);
        }
        int bound = ((InetSocketAddress) bind.channel().localAddress()).getPort();
        OriginPolicy policy = new OriginPolicy(host, bound);
        router.set(new Router(new AdminApi(session, policy), new PageFiles(), policy, session::metrics));
        bind.channel().config().setAutoRead(true);
        String url = "http://" + displayHost(host) + ":" + bound + PATH;
        session.consoleUrl(url);
        return new ConsoleServer(group, bind.channel(), url);
    }

    /** {@code http://127.0.0.1:<port>/__chaosgate/}. */
    public String url() {
        return url;
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        // Shutting the loops down closes every open connection with them.
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** A wildcard address is reached through loopback; IPv6 literals get brackets. */
    private static String displayHost(String host) {
        if (host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            return "127.0.0.1";
        }
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /** Sends each path to the page, the API or a redirect; never lets an exception escape to the connection. */
    record Router(AdminApi api, PageFiles page, OriginPolicy policy, java.util.function.Supplier<byte[]> metrics) {
        /** Where Prometheus scrapes the console. */
        static final String METRICS = "/metrics";
        static final String FAVICON = "/favicon.ico";

        /** The answer from the head alone; null when the API must read the body first (see {@link AdminApi#early}). */
        Responses.Answer early(ConsoleRequest request) {
            try {
                String path = request.path();
                if (!policy.allowsHost(request.header("Host"))) {
                    String refused = "refused: this console answers only on loopback names"
                            + " (127.0.0.1, localhost, [::1]); open it as http://127.0.0.1:" + request.localPort() + PATH;
                    // The API answers JSON, even this.
                    return path.startsWith(AdminApi.PREFIX) ? AdminApi.refuse(ApiProblem.forbidden(refused)) : Responses.text(403, refused);
                } else if (path.equals(METRICS)) {
                    return request.method().equals("GET") || request.method().equals("HEAD")
                            ? Responses.send(200, ProxyMetrics.CONTENT_TYPE, metrics.get())
                            : Responses.text(405, request.method() + " " + METRICS + ": only GET scrapes the metrics")
                                    .with("Allow", "GET, HEAD");
                } else if (path.equals(FAVICON)) {
                    // Browsers ask for it at the root whatever the page says; an SVG, which they all draw.
                    return page.answer(request, "favicon.svg");
                } else if (path.equals("/") || path.equals("/__chaosgate")) {
                    return Responses.redirect(PATH);
                } else if (path.startsWith(AdminApi.PREFIX)) {
                    return api.early(request);
                } else if (path.startsWith(PATH)) {
                    return page.answer(request, path.substring(PATH.length()));
                }
                return Responses.text(404, "nothing at " + path + "; the console is at " + PATH);
            } catch (RuntimeException e) {
                return internalError(e);
            }
        }

        /** The API's answer to a write whose body has been read. */
        Responses.Answer withBody(ConsoleRequest request, byte[] body) {
            try {
                return api.answer(request, body);
            } catch (RuntimeException e) {
                return internalError(e);
            }
        }

        private static Responses.Answer internalError(RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "console request failed", e);
            String body = "{\"error\":" + quote("internal error: " + e) + ",\"status\":500}";
            return Responses.send(500, "application/json; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
        }

        private static String quote(String text) {
            try {
                return new ObjectMapper().writeValueAsString(text);
            } catch (JsonProcessingException e) {
                return "\"internal error\"";
            }
        }
    }
}
