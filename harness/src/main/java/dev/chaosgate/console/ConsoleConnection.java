package dev.chaosgate.console;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.Date;
import java.util.Locale;
import java.util.Map;

/**
 * One console connection: decodes requests, answers each from its head where it can (so refusals
 * never wait for a body), reads a write's body up to the admin API's cap, and answers every
 * request the HTTP decoder cannot read with the API's JSON 4xx before closing the connection.
 */
final class ConsoleConnection extends ChannelInboundHandlerAdapter {
    /** The longest request line. */
    static final int MAX_LINE = 8192;
    /** The largest head (all header lines together). */
    static final int MAX_HEAD = 64 * 1024;
    /** The most header lines; many short lines cost more than their bytes suggest. */
    static final int MAX_HEADERS = 200;
    /** A connection with nothing read or written for this long is closed, a request sent halfway included. */
    static final int IDLE_SECONDS = 30;

    private static final System.Logger LOG = System.getLogger("dev.chaosgate.console");

    private final ConsoleServer.Router router;
    /** The write whose body is being read, or null. */
    private ConsoleRequest pending;
    private ByteArrayOutputStream body;
    /** The current request was answered from its head: drop its body until it ends. */
    private boolean discarding;
    private boolean keepAlive;
    private boolean http10;
    /** An answer closes the connection: whatever the client sent after it gets no answer of its own. */
    private boolean closing;

    ConsoleConnection(ConsoleServer.Router router) {
        this.router = router;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest request && !closing) {
                onHead(ctx, request);
            }
            if (msg instanceof HttpContent content && !closing) {
                onContent(ctx, content);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHead(ChannelHandlerContext ctx, HttpRequest request) {
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            int status = cause instanceof TooLongHttpLineException ? 414 : cause instanceof TooLongHttpHeaderException ? 431 : 400;
            refuse(ctx, new ApiProblem(status, "malformed HTTP request: " + cause.getMessage()));
            return;
        }
        String refused = refusal(request);
        if (refused != null) {
            int status = request.headers().size() > MAX_HEADERS ? 431 : 400;
            refuse(ctx, new ApiProblem(status, "malformed HTTP request: " + refused));
            return;
        }
        ConsoleRequest head;
        try {
            head = ConsoleRequest.of(request, ((InetSocketAddress) ctx.channel().localAddress()).getPort());
        } catch (IllegalArgumentException e) {
            refuse(ctx, ApiProblem.badRequest("malformed HTTP request: " + e.getMessage()));
            return;
        }
        keepAlive = HttpUtil.isKeepAlive(request);
        http10 = request.protocolVersion().equals(HttpVersion.HTTP_1_0);
        boolean headOnly = head.method().equals("HEAD");
        Responses.Answer early = router.early(head);
        if (early != null) {
            discarding = true;
            // Without the 100 it waits for, the client may send its body or not: the connection cannot tell, so it ends.
            boolean close = HttpUtil.is100ContinueExpected(request);
            respond(ctx, early, headOnly, close);
            return;
        }
        pending = head;
        body = new ByteArrayOutputStream();
        if (HttpUtil.is100ContinueExpected(request)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
        }
    }

    private void onContent(ChannelHandlerContext ctx, HttpContent content) {
        if (content.decoderResult().isFailure()) {
            // A body cut short or with broken chunks: the client may still be reading, so it gets an answer.
            if (discarding) {
                closing = true;
                ctx.close();
            } else {
                refuse(ctx, ApiProblem.badRequest("cannot read the request body (" + content.decoderResult().cause().getMessage()
                        + "): it ended before its Content-Length, or its chunks are malformed"));
            }
            return;
        }
        if (pending != null) {
            ByteBuf bytes = content.content();
            if (body.size() + bytes.readableBytes() > AdminApi.MAX_BODY) {
                ConsoleRequest head = pending;
                pending = null;
                body = null;
                discarding = true;
                respond(ctx, AdminApi.refuse(AdminApi.tooLarge()), head.method().equals("HEAD"), false);
            } else {
                body.writeBytes(ByteBufUtil.getBytes(bytes));
            }
        }
        if (content instanceof LastHttpContent) {
            discarding = false;
            if (pending != null) {
                ConsoleRequest head = pending;
                byte[] bytes = body.toByteArray();
                pending = null;
                body = null;
                respond(ctx, router.withBody(head, bytes), false, false);
            }
        }
    }

    /**
     * What the decoder lets through but the console will not read: another HTTP version than 1.x,
     * a transfer coding other than chunked (RFC 9112 6.3: the body's end is unknown), an HTTP/1.1
     * request without Host, or more header lines than {@link #MAX_HEADERS}. Null when the request is fine.
     */
    private static String refusal(HttpRequest request) {
        HttpVersion version = request.protocolVersion();
        if (version.majorVersion() != 1) {
            return "unsupported HTTP version " + version.text();
        }
        for (String codings : request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING)) {
            for (String coding : codings.split(",")) {
                if (!coding.trim().toLowerCase(Locale.ROOT).equals("chunked")) {
                    return "unsupported transfer encoding " + codings.trim() + " (only chunked is understood)";
                }
            }
        }
        if (version.minorVersion() >= 1 && !request.headers().contains(HttpHeaderNames.HOST)) {
            return "missing required Host header";
        }
        if (request.headers().size() > MAX_HEADERS) {
            return "more than " + MAX_HEADERS + " header lines";
        }
        return null;
    }

    /** A JSON 4xx for a request that cannot be read or served, then the connection ends. */
    private void refuse(ChannelHandlerContext ctx, ApiProblem problem) {
        pending = null;
        body = null;
        respond(ctx, AdminApi.refuse(problem), false, true);
    }

    private void respond(ChannelHandlerContext ctx, Responses.Answer answer, boolean headOnly, boolean close) {
        ByteBuf content = headOnly || answer.body().length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(answer.body());
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(answer.status()),
                content);
        for (Map.Entry<String, String> header : answer.headers().entrySet()) {
            response.headers().set(header.getKey(), header.getValue());
        }
        response.headers().set("Date", DateFormatter.format(new Date()));
        // A HEAD answer tells the length the GET would have; the codec sends no body for it.
        response.headers().set("Content-Length", String.valueOf(answer.body().length));
        if (close || !keepAlive) {
            closing = true;
            response.headers().set("Connection", "close");
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        } else {
            if (http10) {
                response.headers().set("Connection", "keep-alive"); // the HTTP/1.0 client asked for it
            }
            ctx.writeAndFlush(response);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            closing = true;
            ctx.close();
        } else if (event instanceof ChannelInputShutdownEvent && !closing) {
            if (pending != null) {
                // The decoder drops a request body cut short without a word; the client may still be reading.
                refuse(ctx, ApiProblem.badRequest("cannot read the request body (the connection ended after "
                        + body.size() + " bytes): it ended before its Content-Length, or its chunks are malformed"));
            } else {
                // The client has sent all it will: answers already written go out, then the connection ends.
                closing = true;
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A client that resets or leaves mid-request is not the console's failure.
        LOG.log(System.Logger.Level.DEBUG, "console connection closed on error", cause);
        ctx.close();
    }
}
