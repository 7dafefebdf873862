package dev.chaosgate.link.internal;

import dev.chaosgate.link.LinkEngine;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * HTTP/2 in front of the link, for clients that chose {@code h2} by ALPN. The link stays a byte relay with
 * toxics: each HTTP/2 stream becomes a connection of its own to the upstream, carrying the stream's request
 * as HTTP/1.1 and its answer back as frames. So every stream has its own upstream connection (and port, by
 * which the upstream and the journal tell answers apart), its own toxics and its own request head, and two
 * streams on one TCP connection never share state.
 *
 * <p>The upstream can ask for an HTTP/2 ending with the response header {@link LinkEngine#HTTP2_ENDING_HEADER}: when its answer
 * then ends before it is complete (a reset or a close mid-body), the stream ends with {@code RST_STREAM}
 * carrying the named error code ({@code rst_stream=CODE}), or the whole connection with {@code GOAWAY} and the
 * code, closing every stream still in flight ({@code goaway=CODE}). The header never reaches the client. An
 * answer cut without a directive ends its stream with {@code RST_STREAM INTERNAL_ERROR}, as an HTTP/2 proxy
 * does when its upstream fails mid-answer.
 */
final class Http2Front {
    private Http2Front() {
    }

    /** Makes {@code connection} (TLS done, {@code h2} chosen) an HTTP/2 server whose streams each get {@code streamHandler}. */
    static void serve(Channel connection, Supplier<ChannelHandler> streamHandler) {
        Http2FrameCodec codec = Http2FrameCodecBuilder.forServer().build();
        connection.pipeline().addLast("chaosgate-h2", codec);
        connection.pipeline().addLast("chaosgate-h2-streams", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                // Like the link's sockets: the relay reads when it is ready, which keeps HTTP/2 flow control honest.
                stream.config().setAutoRead(false);
                stream.pipeline().addLast("chaosgate-h2-http", new Http2StreamFrameToHttpObjectCodec(true));
                stream.pipeline().addLast("chaosgate-h1-bridge", new Http1Bridge());
                stream.pipeline().addLast("chaosgate-dial", streamHandler.get());
            }
        }));
        // The TCP connection reads on its own: frames for every stream come through it.
        connection.config().setAutoRead(true);
        connection.read();
    }

    /**
     * Turns the stream's request (as HTTP objects) into HTTP/1.1 bytes for the relay, and the upstream's
     * HTTP/1.1 answer (bytes from the relay) into HTTP objects, which the codec before it frames.
     */
    static final class Http1Bridge extends ChannelDuplexHandler {
        private final EmbeddedChannel requestEncoder = new EmbeddedChannel(new HttpRequestEncoder());
        private final EmbeddedChannel responseDecoder = new EmbeddedChannel(new HttpResponseDecoder());
        private boolean answerStarted;
        private boolean answerComplete;
        private String directive;
        /** The TCP connection that carries the stream, for GOAWAY. */
        private Channel connection;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            connection = ctx.channel().parent();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof HttpObject)) {
                ctx.fireChannelRead(msg);
                return;
            }
            requestEncoder.writeOutbound(msg);
            for (Object bytes; (bytes = requestEncoder.readOutbound()) != null; ) {
                if (bytes instanceof ByteBuf buf && !buf.isReadable()) {
                    buf.release();
                } else {
                    ctx.fireChannelRead(bytes);
                }
            }
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (!(msg instanceof ByteBuf bytes)) {
                ctx.write(msg, promise);
                return;
            }
            if (!bytes.isReadable() || answerComplete) {
                // An empty flush marker, or bytes after the answer's end (the stream has ended): nothing to frame.
                bytes.release();
                promise.trySuccess();
                return;
            }
            responseDecoder.writeInbound(bytes);
            Object previous = null;
            for (Object decoded; (decoded = responseDecoder.readInbound()) != null; ) {
                if (previous != null) {
                    ctx.write(previous, ctx.voidPromise());
                }
                previous = take(decoded);
            }
            if (previous == null) {
                promise.trySuccess();
            } else {
                ctx.write(previous, promise);
            }
        }

        /** Notes where the answer is and removes the directive header, which is for the link alone. */
        private Object take(Object decoded) {
            if (decoded instanceof HttpResponse response) {
                answerStarted = true;
                directive = response.headers().get(LinkEngine.HTTP2_ENDING_HEADER);
                response.headers().remove(LinkEngine.HTTP2_ENDING_HEADER);
                if (directive != null && directive.startsWith("goaway-graceful")) {
                    goAwayGracefully();
                }
            }
            if (decoded instanceof LastHttpContent) {
                answerComplete = true;
            }
            return decoded;
        }

        /** {@code GOAWAY NO_ERROR} naming the streams opened so far: they finish, and the client opens a new connection for the next. */
        private void goAwayGracefully() {
            connection.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
        }

        @Override
        public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
            if (answerStarted && !answerComplete) {
                // A body that runs until the upstream closes ends here; a chunked or counted one cut short yields nothing.
                responseDecoder.finish();
                for (Object decoded; (decoded = responseDecoder.readInbound()) != null; ) {
                    ctx.write(take(decoded), ctx.voidPromise());
                }
                ctx.flush();
            }
            if (answerStarted && !answerComplete || !answerStarted && ctx.channel().isActive()) {
                // The upstream's answer ended before it was complete (or never came): an HTTP/2 ending, not a clean one.
                Http2Error code = code(directive, Http2Error.INTERNAL_ERROR);
                if (directive != null && directive.startsWith("goaway=")) {
                    connection.writeAndFlush(new DefaultHttp2GoAwayFrame(code)).addListener(ChannelFutureListener.CLOSE);
                } else {
                    ctx.writeAndFlush(new DefaultHttp2ResetFrame(code));
                }
            } else if (directive != null && directive.startsWith("goaway-graceful")) {
                Http2FrameCodec codec = connection.pipeline().get(Http2FrameCodec.class);
                ctx.channel().closeFuture().addListener(closed -> {
                    if (codec == null || codec.connection().numActiveStreams() == 0) {
                        connection.close();
                    }
                });
            }
            ctx.close(promise);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            requestEncoder.finishAndReleaseAll();
            responseDecoder.finishAndReleaseAll();
        }

        /** The error code named after {@code =} in {@code directive} (an HTTP/2 error name), or {@code otherwise}. */
        static Http2Error code(String directive, Http2Error otherwise) {
            if (directive == null || directive.indexOf('=') < 0) {
                return otherwise;
            }
            String name = directive.substring(directive.indexOf('=') + 1).trim().toUpperCase(Locale.ROOT);
            for (Http2Error error : Http2Error.values()) {
                if (error.name().equals(name)) {
                    return error;
                }
            }
            return otherwise;
        }

    }
}
