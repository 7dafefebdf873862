package dev.chaosgate.link.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chaosgate.link.ApiError;
import dev.chaosgate.link.LinkEngine;
import dev.chaosgate.link.LinkException;
import dev.chaosgate.link.ProxyInfo;
import dev.chaosgate.link.ToxicDefinition;
import dev.chaosgate.link.toxic.ToxicAttribute;
import dev.chaosgate.link.toxic.ToxicProvider;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Toxiproxy 2.12's HTTP API, endpoint for endpoint: the same paths, JSON fields and their order,
 * status codes, error bodies (JSON served as text/plain with a trailing newline, as Go's
 * {@code http.Error} does) and decode error texts, answered from a {@link LinkEngine}.
 */
@ChannelHandler.Sharable
final class ToxiproxyApi extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final String VERSION = "2.12.0";
    static final int MAX_BODY_BYTES = 1 << 20;

    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String JSON = "application/json";
    private static final String POPULATE_TYPE = "[]struct { toxiproxy.Proxy; Enabled *bool \"json:\\\"enabled\\\"\" }";
    private static final String POPULATE_ELEMENT_TYPE = "struct { toxiproxy.Proxy; Enabled *bool \"json:\\\"enabled\\\"\" }";

    private final LinkEngine engine;

    ToxiproxyApi(LinkEngine engine) {
        this.engine = engine;
    }

    /** An answer before it is written: status, content type (null for none), body. */
    private record Answer(HttpResponseStatus status, String contentType, String body, boolean requestId) {
        static Answer json(int status, String body) {
            return new Answer(HttpResponseStatus.valueOf(status), JSON, body, true);
        }

        static Answer error(LinkException e) {
            return error(e.status(), e.getMessage());
        }

        static Answer error(int status, String message) {
            String body = "{\"error\":" + Json.string(message) + ",\"status\":" + status + "}\n";
            return new Answer(HttpResponseStatus.valueOf(status), TEXT, body, true);
        }

        static Answer noContent() {
            return new Answer(HttpResponseStatus.NO_CONTENT, null, "", true);
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        Answer answer;
        if (request.decoderResult().isFailure()) {
            answer = Answer.error(400, "malformed HTTP request: " + request.decoderResult().cause().getMessage());
            write(ctx, request, answer, true);
            return;
        }
        try {
            answer = route(request);
        } catch (LinkException e) {
            answer = Answer.error(e);
        } catch (RuntimeException e) {
            // Never a stack trace to the client; the message says what failed.
            answer = Answer.error(500, String.valueOf(e.getMessage()));
        }
        write(ctx, request, answer, false);
    }

    private Answer route(FullHttpRequest request) {
        String path = new QueryStringDecoder(request.uri()).path();
        HttpMethod method = request.method();
        String[] parts = path.split("/", -1);
        // Routes, as gorilla/mux matches them: exact paths, variables are [^/]+.
        Route route = null;
        if (path.equals("/version")) {
            route = new Route(List.of(HttpMethod.GET), () -> version());
        } else if (path.equals("/proxies")) {
            route = new Route(List.of(HttpMethod.GET, HttpMethod.POST),
                    () -> method.equals(HttpMethod.GET) ? listProxies() : createProxy(body(request)));
        } else if (path.equals("/populate")) {
            route = new Route(List.of(HttpMethod.POST), () -> populate(body(request)));
        } else if (path.equals("/reset")) {
            route = new Route(List.of(HttpMethod.POST), () -> reset());
        } else if (parts.length == 3 && parts[1].equals("proxies") && !parts[2].isEmpty()) {
            String proxy = parts[2];
            route = new Route(List.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PATCH, HttpMethod.DELETE), () -> {
                if (method.equals(HttpMethod.GET)) {
                    return Answer.json(200, Json.proxy(engine.proxy(proxy)));
                }
                if (method.equals(HttpMethod.DELETE)) {
                    engine.deleteProxy(proxy);
                    return Answer.noContent();
                }
                return updateProxy(proxy, body(request));
            });
        } else if (parts.length == 4 && parts[1].equals("proxies") && !parts[2].isEmpty() && parts[3].equals("toxics")) {
            String proxy = parts[2];
            route = new Route(List.of(HttpMethod.GET, HttpMethod.POST), () -> method.equals(HttpMethod.GET)
                    ? Answer.json(200, Json.toxics(engine.toxics(proxy)))
                    : createToxic(proxy, body(request)));
        } else if (parts.length == 5 && parts[1].equals("proxies") && !parts[2].isEmpty() && parts[3].equals("toxics")
                && !parts[4].isEmpty()) {
            String proxy = parts[2];
            String toxic = parts[4];
            route = new Route(List.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PATCH, HttpMethod.DELETE), () -> {
                if (method.equals(HttpMethod.GET)) {
                    return Answer.json(200, Json.toxic(engine.toxic(proxy, toxic)));
                }
                if (method.equals(HttpMethod.DELETE)) {
                    engine.removeToxic(proxy, toxic);
                    return Answer.noContent();
                }
                return updateToxic(proxy, toxic, body(request));
            });
        }
        if (route == null) {
            return new Answer(HttpResponseStatus.NOT_FOUND, TEXT, "404 page not found\n", false);
        }
        if (!route.methods().contains(method)) {
            return new Answer(HttpResponseStatus.METHOD_NOT_ALLOWED, null, "", false);
        }
        String agent = request.headers().get(HttpHeaderNames.USER_AGENT);
        if (agent != null && agent.startsWith("Mozilla/")) {
            return new Answer(HttpResponseStatus.FORBIDDEN, TEXT, "User agent not allowed\n", true);
        }
        return route.handler().get();
    }

    private record Route(List<HttpMethod> methods, java.util.function.Supplier<Answer> handler) {
    }

    private static byte[] body(FullHttpRequest request) {
        return ByteBufUtil.getBytes(request.content());
    }

    // ---- endpoints ----

    private Answer version() {
        return new Answer(HttpResponseStatus.OK, "application/json;charset=utf-8",
                "{\"version\": \"" + VERSION + "\"}\n", true);
    }

    private Answer listProxies() {
        StringBuilder out = new StringBuilder("{");
        for (ProxyInfo proxy : engine.proxies()) {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append(Json.string(proxy.name())).append(':').append(Json.proxy(proxy));
        }
        return Answer.json(200, out.append('}').toString());
    }

    private Answer createProxy(byte[] body) {
        JsonNode input = decodeObject(body, "toxiproxy.Proxy");
        String name = GoJsonReader.string(input, "name", "Proxy.name");
        String listen = GoJsonReader.string(input, "listen", "Proxy.listen");
        String upstream = GoJsonReader.string(input, "upstream", "Proxy.upstream");
        Boolean enabled = GoJsonReader.bool(input, "enabled", "Proxy.enabled");
        ProxyInfo created = engine.createProxy(name, listen, upstream, enabled == null || enabled);
        return Answer.json(201, Json.proxy(created));
    }

    private Answer updateProxy(String proxy, byte[] body) {
        engine.proxy(proxy);
        JsonNode input = decodeObject(body, "toxiproxy.Proxy");
        String listen = GoJsonReader.string(input, "listen", "Proxy.listen");
        String upstream = GoJsonReader.string(input, "upstream", "Proxy.upstream");
        Boolean enabled = GoJsonReader.bool(input, "enabled", "Proxy.enabled");
        return Answer.json(200, Json.proxy(engine.updateProxy(proxy, listen, upstream, enabled)));
    }

    private Answer populate(byte[] body) {
        List<LinkEngine.ProxySpec> specs = new ArrayList<>();
        try {
            JsonNode input = decode(body);
            if (!input.isNull()) {
                GoJson.requireArray(input, POPULATE_TYPE);
                for (JsonNode element : input) {
                    if (element.isNull()) {
                        specs.add(new LinkEngine.ProxySpec(null, null, null, null));
                        continue;
                    }
                    GoJson.requireObject(element, POPULATE_ELEMENT_TYPE);
                    specs.add(new LinkEngine.ProxySpec(
                            GoJsonReader.string(element, "name", "Proxy.name"),
                            GoJsonReader.string(element, "listen", "Proxy.listen"),
                            GoJsonReader.string(element, "upstream", "Proxy.upstream"),
                            GoJsonReader.bool(element, "enabled", ".enabled")));
                }
            }
        } catch (GoJson.GoJsonException e) {
            return populateError(400, "bad request body: " + e.getMessage(), null);
        } catch (LinkException e) {
            return populateError(e.status(), e.getMessage(), null);
        }
        try {
            List<ProxyInfo> created = engine.populate(specs);
            return Answer.json(201, "{\"proxies\":" + (created.isEmpty() ? "null" : Json.proxyList(created)) + "}");
        } catch (LinkEngine.PopulateException e) {
            return populateError(e.status(), e.getMessage(), e.created());
        }
    }

    private static Answer populateError(int status, String message, List<ProxyInfo> created) {
        String proxies = created == null ? "null" : Json.proxyList(created);
        return Answer.json(status, "{\"error\":" + Json.string(message) + ",\"status\":" + status + ",\"proxies\":" + proxies + "}");
    }

    private Answer reset() {
        engine.reset();
        return Answer.noContent();
    }

    private Answer createToxic(String proxy, byte[] body) {
        engine.proxy(proxy);
        JsonNode input = decodeObject(body, "toxics.ToxicWrapper");
        String name = GoJsonReader.string(input, "name", "ToxicWrapper.name");
        String type = GoJsonReader.string(input, "type", "ToxicWrapper.type");
        String stream = GoJsonReader.string(input, "stream", "ToxicWrapper.stream");
        Float toxicity = GoJsonReader.float32(input, "toxicity", "ToxicWrapper.toxicity");
        ToxicDefinition added = engine.addToxic(proxy, name, type == null ? "" : type, stream, toxicity,
                provider -> attributes(provider, input.get("attributes")));
        return Answer.json(200, Json.toxic(added));
    }

    private Answer updateToxic(String proxy, String toxic, byte[] body) {
        engine.toxic(proxy, toxic);
        JsonNode input = decodeObject(body, "struct { Attributes interface {} \"json:\\\"attributes\\\"\"; Toxicity float32 \"json:\\\"toxicity\\\"\" }");
        Float toxicity = GoJsonReader.float32(input, "toxicity", ".toxicity");
        ToxicDefinition updated = engine.updateToxic(proxy, toxic, toxicity,
                provider -> attributes(provider, input.get("attributes")));
        return Answer.json(200, Json.toxic(updated));
    }

    /** The attributes a request sets, decoded as Toxiproxy decodes them into the toxic's Go struct. */
    private static Map<String, Long> attributes(ToxicProvider provider, JsonNode node) {
        Map<String, Long> values = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return values;
        }
        String struct = provider.goStructName();
        try {
            GoJson.requireObject(node, "toxics." + struct);
            for (ToxicAttribute attribute : provider.attributes()) {
                String path = struct + ".attributes." + attribute.name();
                Long value = attribute.goType().equals("int")
                        ? GoJson.readInt(node.get(attribute.name()), path)
                        : GoJson.readInt64(node.get(attribute.name()), path);
                if (value != null) {
                    values.put(attribute.name(), value);
                }
            }
        } catch (GoJson.GoJsonException e) {
            throw ApiError.BAD_REQUEST_BODY.exception("bad request body: " + e.getMessage());
        }
        return values;
    }

    // ---- decoding ----

    private static JsonNode decode(byte[] body) throws GoJson.GoJsonException {
        return GoJson.decodeFirstValue(body);
    }

    private static JsonNode decodeObject(byte[] body, String goType) {
        try {
            JsonNode node = decode(body);
            if (node.isNull()) {
                return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            }
            GoJson.requireObject(node, goType);
            return node;
        } catch (GoJson.GoJsonException e) {
            throw ApiError.BAD_REQUEST_BODY.exception("bad request body: " + e.getMessage());
        }
    }

    // ---- writing ----

    private static void write(ChannelHandlerContext ctx, FullHttpRequest request, Answer answer, boolean close) {
        ByteBuf content = answer.body().isEmpty()
                ? Unpooled.EMPTY_BUFFER
                : Unpooled.copiedBuffer(answer.body(), StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, answer.status(), content);
        if (answer.contentType() != null) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, answer.contentType());
        }
        if (answer.contentType() != null && answer.contentType().startsWith("text/plain")) {
            response.headers().set("X-Content-Type-Options", "nosniff");
        }
        if (answer.requestId()) {
            response.headers().set("X-Toxiproxy-Request-Id", RequestIds.next());
        }
        response.headers().set(HttpHeaderNames.DATE, DateFormatter.format(new Date()));
        if (answer.status().code() != 204) {
            HttpUtil.setContentLength(response, content.readableBytes());
        }
        boolean keepAlive = !close && HttpUtil.isKeepAlive(request);
        HttpUtil.setKeepAlive(response, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Aggregates request bodies up to {@link #MAX_BODY_BYTES}; larger ones get a JSON 413 instead of Netty's empty one. */
    static final class BodyLimit extends HttpObjectAggregator {
        BodyLimit() {
            super(MAX_BODY_BYTES);
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            String body = "{\"error\":\"request body too large: the limit is " + MAX_BODY_BYTES
                    + " bytes\",\"status\":413}\n";
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, TEXT);
            response.headers().set("X-Content-Type-Options", "nosniff");
            response.headers().set(HttpHeaderNames.DATE, DateFormatter.format(new Date()));
            HttpUtil.setContentLength(response, response.content().readableBytes());
            HttpUtil.setKeepAlive(response, false);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
