package dev.chaosgate.link.internal;

import dev.chaosgate.link.ProxyMetrics;
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
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    // Header names spelled as Go's net/http writes them (canonical case), not Netty's lower case.
    private static final String CONTENT_TYPE = "Content-Type";
    private static final String CONTENT_LENGTH = "Content-Length";
    private static final String DATE = "Date";
    private static final String NOSNIFF = "X-Content-Type-Options";
    private static final String REQUEST_ID = "X-Toxiproxy-Request-Id";
    private static final String POPULATE_TYPE = "[]struct { toxiproxy.Proxy; Enabled *bool \"json:\\\"enabled\\\"\" }";
    private static final String POPULATE_ELEMENT_TYPE = "struct { toxiproxy.Proxy; Enabled *bool \"json:\\\"enabled\\\"\" }";
    private static final System.Logger LOG = System.getLogger(ToxiproxyApi.class.getName());
    /** Set once an answer closes the connection: requests already read behind it get no answer of their own. */
    private static final AttributeKey<Boolean> CLOSING = AttributeKey.valueOf("chaosgate-api-closing");
    /** The scheme and authority of an absolute-form request target ({@code http://host:port}). */
    private static final Pattern ABSOLUTE_FORM = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*");

    private final LinkEngine engine;
    /** Null without -proxy-metrics and -runtime-metrics: then /metrics is not routed, as in Toxiproxy. */
    private final ProxyMetrics metrics;

    ToxiproxyApi(LinkEngine engine) {
        this(engine, null);
    }

    ToxiproxyApi(LinkEngine engine, ProxyMetrics metrics) {
        this.engine = engine;
        this.metrics = metrics;
    }

    /** An answer before it is written: status, content type (null for none), body. */
    private record Answer(HttpResponseStatus status, String contentType, String body, boolean requestId, String location) {
        Answer(HttpResponseStatus status, String contentType, String body, boolean requestId) {
            this(status, contentType, body, requestId, null);
        }

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

        /** Refused before routing (no route matched, so no request id, as in Toxiproxy). */
        static Answer unrouted(int status, String message) {
            Answer error = error(status, message);
            return new Answer(error.status(), error.contentType(), error.body(), false);
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (Boolean.TRUE.equals(ctx.channel().attr(CLOSING).get())) {
            return;
        }
        Answer answer;
        if (request.decoderResult().isFailure()) {
            answer = Answer.unrouted(400, "malformed HTTP request: " + request.decoderResult().cause().getMessage());
            write(ctx, request, answer, true);
            return;
        }
        String refused = refusal(request);
        if (refused != null) {
            write(ctx, request, Answer.unrouted(400, "malformed HTTP request: " + refused), true);
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

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A client that resets or leaves mid-request is not the server's failure: no stack trace.
        LOG.log(System.Logger.Level.DEBUG, "API connection closed on error", cause);
        ctx.close();
    }

    /**
     * What Go's HTTP server refuses before any handler runs and Netty lets through: another major
     * version than HTTP/1 (Go answers 505; a 4xx here, as for every other malformed request), a
     * transfer coding other than chunked (RFC 9112 6.3: the body's end is unknown, so 400 and
     * close), an HTTP/1.1 request without Host, and control characters in the request target.
     * Null when the request is fine.
     */
    private static String refusal(FullHttpRequest request) {
        HttpVersion version = request.protocolVersion();
        if (version.majorVersion() != 1) {
            return "unsupported HTTP version " + version.text();
        }
        // The aggregator has removed "chunked": whatever is left is a coding we cannot undo.
        String codings = request.headers().get(HttpHeaderNames.TRANSFER_ENCODING);
        if (codings != null) {
            return "unsupported transfer encoding " + codings;
        }
        if (version.minorVersion() >= 1 && !request.headers().contains(HttpHeaderNames.HOST)) {
            return "missing required Host header";
        }
        String uri = request.uri();
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return "invalid control character in URL";
            }
        }
        return null;
    }

    private Answer route(FullHttpRequest request) {
        String path;
        try {
            path = path(request.uri());
        } catch (IllegalArgumentException e) {
            // Go's url.ParseRequestURI refuses the request before any route is tried.
            return Answer.unrouted(400, "malformed HTTP request: " + e.getMessage());
        }
        String clean = cleanPath(path);
        if (!clean.equals(path)) {
            // gorilla/mux redirects a non-canonical path (//, /./, /../) before routing.
            String query = request.uri().indexOf('?') >= 0 ? request.uri().substring(request.uri().indexOf('?')) : "";
            return new Answer(HttpResponseStatus.MOVED_PERMANENTLY, null, "", false, escapePath(clean) + query);
        }
        HttpMethod method = request.method();
        String[] parts = path.split("/", -1);
        // Routes, as gorilla/mux matches them: exact paths, variables are [^/]+.
        Route route = null;
        if (path.equals("/version")) {
            route = new Route(List.of(HttpMethod.GET), () -> version());
        } else if (path.equals("/metrics") && metrics != null) {
            // Toxiproxy routes /metrics for every method (no Methods() on its route).
            route = new Route(List.of(method), () -> new Answer(HttpResponseStatus.OK, ProxyMetrics.CONTENT_TYPE,
                    new String(metrics.scrape(), StandardCharsets.UTF_8), true));
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

    /** gorilla/mux's cleanPath: Go's path.Clean, keeping a trailing slash. */
    static String cleanPath(String path) {
        if (path.isEmpty()) {
            return "/";
        }
        String rooted = path.charAt(0) == '/' ? path : "/" + path;
        ArrayDeque<String> segments = new ArrayDeque<>();
        for (String segment : rooted.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                segments.pollLast();
            } else {
                segments.addLast(segment);
            }
        }
        String clean = "/" + String.join("/", segments);
        return rooted.endsWith("/") && !clean.equals("/") ? clean + "/" : clean;
    }

    /** Go's url.PathEscape for a whole path ({@code URL.EscapedPath}): all but unreserved and {@code $&+,/:;=@} escaped. */
    static String escapePath(String path) {
        StringBuilder out = new StringBuilder();
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-_.~$&+,/:;=@".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
    }

    /**
     * The decoded path of a request target, as Go's {@code URL.Path} (which gorilla/mux matches):
     * percent-escapes decoded as UTF-8, {@code +} kept, raw non-ASCII bytes taken as UTF-8 (Netty
     * hands the request line over one char per byte), the query dropped.
     */
    static String path(String uri) {
        // Absolute form (RFC 9112 3.2.2, which servers must accept): the path is what follows the authority.
        Matcher absolute = ABSOLUTE_FORM.matcher(uri);
        if (absolute.lookingAt()) {
            uri = uri.substring(absolute.end());
        }
        boolean bytes = true;
        boolean ascii = true;
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            bytes &= c <= 0xFF;
            ascii &= c < 0x80;
        }
        String target = !ascii && bytes
                ? new String(uri.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8)
                : uri;
        return new QueryStringDecoder(target).path();
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
        // Go: input := Proxy{Enabled: true}; json.NewDecoder(body).Decode(&input)
        GoJsonReader.Values input = GoJsonReader.read(decodeObject(body, "toxiproxy.Proxy"), PROXY_FIELDS);
        Boolean enabled = input.bool("enabled");
        ProxyInfo created = engine.createProxy(input.string("name"), input.string("listen"), input.string("upstream"),
                enabled == null || enabled);
        return Answer.json(201, Json.proxy(created));
    }

    private Answer updateProxy(String proxy, byte[] body) {
        ProxyInfo current = engine.proxy(proxy);
        GoJsonReader.Values input = GoJsonReader.read(decodeObject(body, "toxiproxy.Proxy"), PROXY_FIELDS);
        String listen = input.string("listen");
        // Go's Differs resolves the (new or current) listen address before anything changes:
        // one that cannot be resolved is a 500 and the proxy is left as it was.
        try {
            HostPort.parse(listen == null ? current.listen() : listen).resolveForListen();
        } catch (HostPort.AddressException e) {
            throw ApiError.LISTEN_FAILED.exception(e.getMessage());
        }
        return Answer.json(200, Json.proxy(engine.updateProxy(proxy, listen, input.string("upstream"), input.bool("enabled"))));
    }

    private Answer populate(byte[] body) {
        List<LinkEngine.ProxySpec> specs = new ArrayList<>();
        try {
            JsonNode input = decode(body);
            if (!input.isNull()) {
                GoJson.requireArray(input, POPULATE_TYPE);
                for (JsonNode element : input) {
                    GoJson.requireObject(element, POPULATE_ELEMENT_TYPE);
                    GoJsonReader.Values proxy = GoJsonReader.decode(element, POPULATE_FIELDS);
                    specs.add(new LinkEngine.ProxySpec(proxy.string("name"), proxy.string("listen"),
                            proxy.string("upstream"), proxy.bool("enabled")));
                }
            }
        } catch (GoJson.GoJsonException e) {
            return populateError(400, "bad request body: " + e.getMessage(), null);
        }
        try {
            List<ProxyInfo> created = engine.populate(specs);
            return Answer.json(201, "{\"proxies\":" + (created.isEmpty() ? "null" : Json.proxyList(created)) + "}");
        } catch (LinkEngine.PopulateException e) {
            return populateError(e.status(), e.getMessage(), e.created());
        } catch (LinkException e) {
            return populateError(e.status(), e.getMessage(), null);
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
        // First pass, as Go's AddToxicJson: the wrapper, with attributes decoded into a no-op toxic
        // (so only their JSON kind is checked), before stream, type and name are looked at.
        GoJsonReader.Values wrapper = GoJsonReader.read(input, TOXIC_WRAPPER_FIELDS);
        String type = wrapper.string("type");
        ToxicDefinition added = engine.addToxic(proxy, wrapper.string("name"), type == null ? "" : type,
                wrapper.string("stream"), wrapper.float32("toxicity"),
                provider -> {
                    // Second pass, once the type is known: the attributes into that toxic's struct.
                    GoJsonReader.Values second = GoJsonReader.read(input, List.of(GoJsonReader.Field.object(
                            "attributes", "ToxicWrapper.attributes", "toxics." + provider.goStructName(), attributeFields(provider))));
                    GoJsonReader.Values attributes = second.object("attributes");
                    return attributes == null ? Map.of() : attributes.integers();
                });
        return Answer.json(200, Json.toxic(added));
    }

    private Answer updateToxic(String proxy, String toxic, byte[] body) {
        ToxicDefinition current = engine.toxic(proxy, toxic);
        JsonNode input = decodeObject(body, UPDATE_TYPE);
        ToxicProvider provider = engine.registry().find(current.type()).orElseThrow();
        // Go decodes into struct { Attributes interface{}; Toxicity float32 } holding the live toxic.
        GoJsonReader.Values update = GoJsonReader.read(input, List.of(
                GoJsonReader.Field.object("attributes", ".attributes", "toxics." + provider.goStructName(), attributeFields(provider)),
                GoJsonReader.Field.of("toxicity", ".toxicity", GoJsonReader.Kind.FLOAT32)));
        GoJsonReader.Values attributes = update.object("attributes");
        ToxicDefinition updated = engine.updateToxic(proxy, toxic, update.float32("toxicity"),
                p -> attributes == null ? Map.of() : attributes.integers());
        return Answer.json(200, Json.toxic(updated));
    }

    /** A toxic's attributes as the fields of its Go struct, e.g. {@code LatencyToxic.attributes.latency int64}. */
    private static List<GoJsonReader.Field> attributeFields(ToxicProvider provider) {
        List<GoJsonReader.Field> fields = new ArrayList<>();
        for (ToxicAttribute attribute : provider.attributes()) {
            fields.add(GoJsonReader.Field.of(attribute.name(), provider.goStructName() + ".attributes." + attribute.name(),
                    attribute.goType().equals("int") ? GoJsonReader.Kind.INT : GoJsonReader.Kind.INT64));
        }
        return fields;
    }

    private static final String UPDATE_TYPE =
            "struct { Attributes interface {} \"json:\\\"attributes\\\"\"; Toxicity float32 \"json:\\\"toxicity\\\"\" }";

    /** toxiproxy.Proxy: name, listen, upstream, enabled and the spurious Logger (a *zerolog.Logger). */
    private static final List<GoJsonReader.Field> PROXY_FIELDS = proxyFields("Proxy");
    /** Populate's elements: an anonymous struct embedding toxiproxy.Proxy, so Go prints ".name". */
    private static final List<GoJsonReader.Field> POPULATE_FIELDS = proxyFields("");

    private static List<GoJsonReader.Field> proxyFields(String struct) {
        return List.of(
                GoJsonReader.Field.of("name", struct + ".name", GoJsonReader.Kind.STRING),
                GoJsonReader.Field.of("listen", struct + ".listen", GoJsonReader.Kind.STRING),
                GoJsonReader.Field.of("upstream", struct + ".upstream", GoJsonReader.Kind.STRING),
                GoJsonReader.Field.of("enabled", struct + ".enabled", GoJsonReader.Kind.BOOL),
                GoJsonReader.Field.object("Logger", struct + ".Logger", "zerolog.Logger", List.of()));
    }

    /** toxics.ToxicWrapper as the first decode sees it: attributes go into a no-op toxic. */
    private static final List<GoJsonReader.Field> TOXIC_WRAPPER_FIELDS = List.of(
            GoJsonReader.Field.object("attributes", "ToxicWrapper.attributes", "toxics.NoopToxic", List.of()),
            GoJsonReader.Field.of("name", "ToxicWrapper.name", GoJsonReader.Kind.STRING),
            GoJsonReader.Field.of("type", "ToxicWrapper.type", GoJsonReader.Kind.STRING),
            GoJsonReader.Field.of("stream", "ToxicWrapper.stream", GoJsonReader.Kind.STRING),
            GoJsonReader.Field.of("toxicity", "ToxicWrapper.toxicity", GoJsonReader.Kind.FLOAT32));

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
            response.headers().set(CONTENT_TYPE, answer.contentType());
        }
        // http.Error's nosniff; Prometheus' handler (the metrics page, also text/plain) sets none.
        if (answer.contentType() != null && answer.contentType().startsWith("text/plain")
                && !answer.contentType().equals(ProxyMetrics.CONTENT_TYPE)) {
            response.headers().set(NOSNIFF, "nosniff");
        }
        if (answer.requestId()) {
            response.headers().set(REQUEST_ID, RequestIds.next());
        }
        if (answer.location() != null) {
            response.headers().set("Location", answer.location());
        }
        response.headers().set(DATE, DateFormatter.format(new Date()));
        if (answer.status().code() != 204) {
            response.headers().set(CONTENT_LENGTH, String.valueOf(content.readableBytes()));
        }
        boolean keepAlive = !close && HttpUtil.isKeepAlive(request);
        if (!keepAlive) {
            ctx.channel().attr(CLOSING).set(Boolean.TRUE);
        }
        if (keepAlive && request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
            response.headers().set("Connection", "keep-alive"); // an HTTP/1.0 client asked for it explicitly
        }
        send(ctx, response, keepAlive);
    }

    private static void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        if (keepAlive) {
            ctx.writeAndFlush(response);
        } else {
            response.headers().set("Connection", "close");
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Aggregates request bodies up to {@link #MAX_BODY_BYTES}; larger ones get a JSON 413 instead of Netty's empty one. */
    static final class BodyLimit extends HttpObjectAggregator {
        BodyLimit() {
            super(MAX_BODY_BYTES);
        }

        private static FullHttpResponse tooLarge() {
            String body = "{\"error\":\"request body too large: the limit is " + MAX_BODY_BYTES
                    + " bytes\",\"status\":413}\n";
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
            response.headers().set(CONTENT_TYPE, TEXT);
            response.headers().set(NOSNIFF, "nosniff");
            response.headers().set(DATE, DateFormatter.format(new Date()));
            response.headers().set(CONTENT_LENGTH, String.valueOf(response.content().readableBytes()));
            return response;
        }

        /** {@code Expect: 100-continue} with a too large Content-Length: the JSON 413 instead of a 100, before any body is sent. */
        @Override
        protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
            Object response = super.newContinueResponse(start, maxContentLength, pipeline);
            if (response instanceof HttpResponse answer
                    && answer.status().code() == HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code()) {
                ReferenceCountUtil.release(response);
                return tooLarge(); // the aggregator then drops whatever body still comes
            }
            return response;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            // On a keep-alive connection the aggregator reads and drops the rest of the body, so the
            // client gets to read the answer; closing at once would reset a client still sending.
            boolean keepAlive = !(oversized instanceof FullHttpMessage) && HttpUtil.isKeepAlive(oversized);
            send(ctx, tooLarge(), keepAlive);
        }
    }
}
