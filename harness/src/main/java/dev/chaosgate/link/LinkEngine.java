package dev.chaosgate.link;

import dev.chaosgate.link.internal.DataPathWarmUp;
import dev.chaosgate.link.internal.GoJson;
import dev.chaosgate.link.internal.ProxyRuntime;
import dev.chaosgate.link.internal.Transport;
import dev.chaosgate.link.toxic.ToxicAttribute;
import dev.chaosgate.link.toxic.ToxicProvider;
import dev.chaosgate.link.toxic.ToxicRegistry;
import io.netty.channel.EventLoopGroup;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The link engine: named proxies, their toxics and live connections, with the semantics of
 * Toxiproxy 2.12's API (which {@link LinkServer} serves over HTTP). Safe for use from many threads;
 * control operations are serialised, data flows on Netty event loops and is never blocked by them.
 *
 * <p>Where Toxiproxy is weak, the engine is stricter or steadier, and says so in its messages:
 * values that crash Toxiproxy are refused with {@link ApiError#INVALID_VALUE}; toxicity, jitter and
 * slicer sizes come from random sources derived from {@link #seed()}; changing a toxic never blocks.
 */
public final class LinkEngine implements AutoCloseable {

    /** One proxy of a {@link #populate} request. {@code enabled} null means true. */
    public record ProxySpec(String name, String listen, String upstream, Boolean enabled) {
    }

    /**
     * Decodes the attributes of a toxic request once its type is known: returns the attributes the
     * request sets (others keep their current or zero value), or throws a {@link LinkException}.
     */
    @FunctionalInterface
    public interface AttributeDecoder {
        Map<String, Long> decode(ToxicProvider provider);
    }

    /** A {@link #populate} that failed part-way: the proxies created before the failure stay. */
    public static final class PopulateException extends LinkException {
        private final List<ProxyInfo> created;

        PopulateException(LinkException cause, List<ProxyInfo> created) {
            super(cause.error(), cause.getMessage());
            this.created = created;
        }

        /** Proxies created before the failure, or null when validation failed before any was created. */
        public List<ProxyInfo> created() {
            return created;
        }
    }

    private final EventLoopGroup group;
    private final int ioThreads;
    private final ProxyRuntime.Shared shared;
    private final Map<String, ProxyRuntime> proxies = new TreeMap<>();
    private final List<Consumer<LinkEvent>> eventListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<LinkConnection>> trafficListeners = new CopyOnWriteArrayList<>();
    /** Bytes of proxies deleted or moved to other addresses, by (name, listen, upstream); guarded by this. */
    private final Map<List<String>, long[]> retiredTraffic = new TreeMap<>(LinkEngine::compareKeys);
    /** What a live proxy had carried when its addresses last changed: not counted under its current ones. */
    private final Map<ProxyRuntime, long[]> trafficOffsets = new java.util.IdentityHashMap<>();

    /** An engine with its own event loops (one per core) and the given seed. */
    public LinkEngine(long seed) {
        this(seed, Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    public LinkEngine(long seed, int ioThreads) {
        Transport transport = Transport.best();
        this.ioThreads = ioThreads;
        this.group = transport.newDataPlaneGroup(ioThreads, "chaosgate-link", Long.getLong("chaosgate.link.spinMicros", 50));
        this.shared = new ProxyRuntime.Shared(group, transport, ToxicRegistry.load(), seed, this::publish,
                new ProxyRuntime.TrafficListener() {
                    @Override
                    public boolean wanted() {
                        return !trafficListeners.isEmpty();
                    }

                    @Override
                    public void accept(LinkConnection connection) {
                        publishTraffic(connection);
                    }
                });
    }

    /**
     * Calls {@code listener} with every {@link LinkEvent} of every proxy (connection opened, closed,
     * reset, upstream unreachable), synchronously on the connection's event loop: keep it cheap and never block in it.
     * A listener that throws is ignored.
     */
    public void onEvent(Consumer<LinkEvent> listener) {
        eventListeners.add(Objects.requireNonNull(listener, "listener cannot be null"));
    }

    private void publish(LinkEvent event) {
        for (Consumer<LinkEvent> listener : eventListeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException ignored) {
                // a listener cannot disturb the data plane
            }
        }
    }

    /**
     * Calls {@code listener} with a fresh {@link LinkConnection} snapshot each time a connection of any proxy
     * opened from now on changes what it has carried: a request head passed toward the upstream (plain
     * HTTP/1.x: the link reads heads, never changes a byte), the client closed its side, the connection
     * closed. Synchronously on the connection's event loop: keep it cheap and never block in it. A listener
     * that throws is ignored. Until the first listener comes, the link reads no head.
     */
    public void onTraffic(Consumer<LinkConnection> listener) {
        trafficListeners.add(Objects.requireNonNull(listener, "listener cannot be null"));
    }

    private void publishTraffic(LinkConnection connection) {
        for (Consumer<LinkConnection> listener : trafficListeners) {
            try {
                listener.accept(connection);
            } catch (RuntimeException ignored) {
                // a listener cannot disturb the data plane
            }
        }
    }

    /**
     * Pushes bytes through a throwaway proxy over loopback, with no toxic and with each built-in toxic,
     * so that the first real connections do not pay for class loading and compilation (about 30 ms
     * to the first byte on a cold JVM). Leaves no trace: no proxy, no counter, no event, no change to
     * any seeded draw. Costs up to a second or so the first time in a JVM, a few ms after that.
     * {@link LinkServer} calls it before its API listens.
     */
    public void warmUp() {
        DataPathWarmUp.run(group, shared.transport(), shared.registry(), ioThreads);
    }

    /** The seed every toxic's random source derives from; print it to reproduce a run. */
    public long seed() {
        return shared.seed();
    }

    /** The toxic types this engine knows. */
    public ToxicRegistry registry() {
        return shared.registry();
    }

    /** Which Netty transport the data plane uses ({@code EPOLL} or {@code NIO}). */
    public String transport() {
        return shared.transport().name();
    }

    // ---- proxies ----

    /** Every proxy, sorted by name (as Go sorts map keys). */
    public synchronized List<ProxyInfo> proxies() {
        List<ProxyInfo> all = new ArrayList<>();
        for (ProxyRuntime proxy : proxies.values()) {
            all.add(proxy.info());
        }
        return all;
    }

    public synchronized ProxyInfo proxy(String name) {
        return find(name).info();
    }

    public synchronized ProxyCounters counters(String name) {
        return find(name).counters();
    }

    /**
     * The bytes each proxy carried, per set of addresses, since the engine started: what Toxiproxy's
     * {@code toxiproxy_proxy_received_bytes_total} and {@code toxiproxy_proxy_sent_bytes_total} count. A
     * deleted proxy, or one whose listen or upstream address changed, keeps its totals under its old
     * addresses (as a Prometheus counter keeps a series), so no figure ever goes down. Live: bytes count
     * as they pass, not when the connection closes as in Toxiproxy. Sorted by proxy, listen, upstream.
     */
    public synchronized List<ProxyTraffic> traffic() {
        Map<List<String>, long[]> totals = new TreeMap<>(LinkEngine::compareKeys);
        retiredTraffic.forEach((key, bytes) -> totals.put(key, bytes.clone()));
        for (ProxyRuntime proxy : proxies.values()) {
            long[] carried = carriedSinceMove(proxy);
            long[] sum = totals.computeIfAbsent(trafficKey(proxy), key -> new long[4]);
            for (int i = 0; i < 4; i++) {
                sum[i] += carried[i];
            }
        }
        List<ProxyTraffic> all = new ArrayList<>();
        totals.forEach((key, bytes) -> all.add(new ProxyTraffic(key.get(0), key.get(1), key.get(2),
                bytes[0], bytes[1], bytes[2], bytes[3])));
        return all;
    }

    /** Files what {@code proxy} carried under its current addresses; {@code gone}: it is being deleted. */
    private void retireTraffic(ProxyRuntime proxy, boolean gone) {
        long[] carried = carriedSinceMove(proxy);
        long[] sum = retiredTraffic.computeIfAbsent(trafficKey(proxy), key -> new long[4]);
        for (int i = 0; i < 4; i++) {
            sum[i] += carried[i];
        }
        if (gone) {
            trafficOffsets.remove(proxy);
        } else {
            trafficOffsets.put(proxy, bytes(proxy.counters()));
        }
    }

    private long[] carriedSinceMove(ProxyRuntime proxy) {
        long[] now = bytes(proxy.counters());
        long[] offset = trafficOffsets.get(proxy);
        if (offset != null) {
            for (int i = 0; i < 4; i++) {
                now[i] -= offset[i];
            }
        }
        return now;
    }

    private static long[] bytes(ProxyCounters counters) {
        return new long[]{counters.upstreamBytesIn(), counters.upstreamBytesOut(),
                counters.downstreamBytesIn(), counters.downstreamBytesOut()};
    }

    private static List<String> trafficKey(ProxyRuntime proxy) {
        return List.of(proxy.name(), proxy.listen(), proxy.upstream());
    }

    private static int compareKeys(List<String> a, List<String> b) {
        for (int i = 0; i < 3; i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /** Creates and (when enabled) starts a proxy. A proxy that cannot listen is not kept. */
    public synchronized ProxyInfo createProxy(String name, String listen, String upstream, boolean enabled) {
        requireFields(name, upstream, "");
        if (proxies.containsKey(name)) {
            throw ApiError.PROXY_ALREADY_EXISTS.exception();
        }
        ProxyRuntime proxy = new ProxyRuntime(shared, name, listen == null ? "" : listen, upstream);
        if (enabled) {
            proxy.start();
        }
        proxies.put(name, proxy);
        return proxy.info();
    }

    /**
     * Serves the connections {@code name} accepts from now on over TLS with {@code identity}'s certificate
     * (null: plain TCP again). The link terminates TLS, so it still reads the request heads and its toxics act
     * on the HTTP bytes; live connections keep what they were accepted with. Not part of Toxiproxy's API.
     */
    public synchronized void tls(String name, dev.chaosgate.link.tls.ServerIdentity identity) {
        tls(name, identity, dev.chaosgate.link.tls.TlsFault.Handshake.SENT);
    }

    /** {@link #tls(String, dev.chaosgate.link.tls.ServerIdentity)}, with handshakes that get only as far as {@code handshake}. */
    public synchronized void tls(String name, dev.chaosgate.link.tls.ServerIdentity identity,
                                 dev.chaosgate.link.tls.TlsFault.Handshake handshake) {
        find(name).tls(identity, handshake);
    }

    /**
     * The request header by which the link names the HTTP/2 stream a request came on, when it relays the stream to
     * the upstream as HTTP/1.1 ({@link #http2}); with it, {@link #HTTP2_SCHEME_HEADER}. Both are the link's own.
     */
    public static final String HTTP2_STREAM_HEADER =
            io.netty.handler.codec.http2.HttpConversionUtil.ExtensionHeaderNames.STREAM_ID.text().toString();
    /** The scheme of a relayed HTTP/2 request ({@code https}), a header of the link's own like {@link #HTTP2_STREAM_HEADER}. */
    public static final String HTTP2_SCHEME_HEADER =
            io.netty.handler.codec.http2.HttpConversionUtil.ExtensionHeaderNames.SCHEME.text().toString();
    /**
     * The response header by which the upstream asks for an HTTP/2 ending when its answer is cut short:
     * {@code rst_stream=CODE} ({@code RST_STREAM} with that HTTP/2 error code), {@code goaway=CODE} ({@code GOAWAY},
     * then the connection closes), or {@code goaway-graceful} ({@code GOAWAY NO_ERROR} at once, the connection closing
     * once its streams are done). The link removes it: it never reaches the client.
     */
    public static final String HTTP2_ENDING_HEADER = "x-chaosgate-http2";

    /**
     * Offers HTTP/2 by ALPN ({@code h2}, then {@code http/1.1}) on the TLS connections {@code name} accepts from
     * now on. Each HTTP/2 stream is relayed as a connection of its own to the upstream, as HTTP/1.1, with the
     * proxy's toxics and its own request head; see {@link dev.chaosgate.link.LinkConnection.Protocol#HTTP2}.
     * Not part of Toxiproxy's API.
     */
    public synchronized void http2(String name, boolean offer) {
        find(name).http2(offer);
    }

    /**
     * Changes a proxy. Null arguments keep the current value. A new listen or upstream address
     * restarts the proxy (dropping its connections); then {@code enabled} starts or stops it. When
     * the new address cannot be bound, the proxy keeps it and stays stopped, as in Toxiproxy.
     */
    public synchronized ProxyInfo updateProxy(String name, String listen, String upstream, Boolean enabled) {
        ProxyRuntime proxy = find(name);
        String newListen = listen == null ? proxy.listen() : listen;
        String newUpstream = upstream == null ? proxy.upstream() : upstream;
        boolean newEnabled = enabled == null ? proxy.enabled() : enabled;
        if (differs(proxy, newListen, newUpstream)) {
            proxy.stop();
            retireTraffic(proxy, false);
            proxy.address(newListen, newUpstream);
        }
        if (newEnabled) {
            proxy.start();
        } else {
            proxy.stop();
        }
        return proxy.info();
    }

    public synchronized void deleteProxy(String name) {
        ProxyRuntime proxy = find(name);
        proxy.stop();
        retireTraffic(proxy, true);
        proxies.remove(name);
    }

    /**
     * Creates or replaces proxies in order. Every entry is validated before anything changes; an
     * existing proxy with the same addresses is returned untouched (toxics kept); the first failure
     * stops the rest and the ones before it stay.
     */
    public synchronized List<ProxyInfo> populate(List<ProxySpec> specs) {
        for (int i = 0; i < specs.size(); i++) {
            ProxySpec spec = specs.get(i);
            try {
                requireFields(spec.name(), spec.upstream(), " at proxy " + (i + 1));
            } catch (LinkException e) {
                throw new PopulateException(e, null);
            }
        }
        List<ProxyInfo> created = new ArrayList<>();
        for (ProxySpec spec : specs) {
            String listen = spec.listen() == null ? "" : spec.listen();
            ProxyRuntime existing = proxies.get(spec.name());
            if (existing != null && !differs(existing, listen, spec.upstream())) {
                created.add(existing.info());
                continue;
            }
            if (existing != null) {
                existing.stop();
                retireTraffic(existing, true);
                proxies.remove(spec.name());
            }
            ProxyRuntime proxy = new ProxyRuntime(shared, spec.name(), listen, spec.upstream());
            try {
                if (spec.enabled() == null || spec.enabled()) {
                    proxy.start();
                }
            } catch (LinkException e) {
                throw new PopulateException(e, created);
            }
            proxies.put(spec.name(), proxy);
            created.add(proxy.info());
        }
        return created;
    }

    /** Re-enables every proxy and removes every toxic. */
    public synchronized void reset() {
        for (ProxyRuntime proxy : proxies.values()) {
            proxy.start();
            for (ToxicDefinition toxic : proxy.toxics()) {
                proxy.removeToxic(toxic);
            }
        }
    }

    // ---- toxics ----

    /** Upstream toxics first, then downstream, each in the order they were added. */
    public synchronized List<ToxicDefinition> toxics(String proxy) {
        return find(proxy).toxics();
    }

    public synchronized ToxicDefinition toxic(String proxy, String toxic) {
        ToxicDefinition found = find(proxy).toxic(toxic);
        if (found == null) {
            throw ApiError.TOXIC_NOT_FOUND.exception();
        }
        return found;
    }

    /** Adds a toxic to a proxy and to every live connection of it. */
    public ToxicDefinition addToxic(String proxy, String name, String type, ToxicStream stream, float toxicity,
                                    Map<String, Long> attributes) {
        return addToxic(proxy, name, type, stream.wireName(), toxicity, provider -> attributes);
    }

    /**
     * Adds a toxic, checking in Toxiproxy's order: stream (null means downstream), default name
     * {@code <type>_<stream>}, type, name clash, then attributes and (chaosgate only) value ranges.
     */
    public synchronized ToxicDefinition addToxic(String proxy, String name, String type, String stream, Float toxicity,
                                                 AttributeDecoder decoder) {
        ProxyRuntime runtime = find(proxy);
        String rawStream = stream == null ? "downstream" : stream;
        if (ToxicStream.parse(rawStream).isEmpty()) {
            throw ApiError.INVALID_STREAM.exception();
        }
        String toxicName = name == null || name.isEmpty() ? type + "_" + rawStream : name;
        ToxicProvider provider = registry().find(type).orElseThrow(ApiError.INVALID_TOXIC_TYPE::exception);
        if (runtime.toxic(toxicName) != null) {
            throw ApiError.TOXIC_ALREADY_EXISTS.exception();
        }
        Map<String, Long> attributes = merge(provider, zeros(provider), decoder.decode(provider));
        float checkedToxicity = checkToxicity(toxicity == null ? 1f : toxicity);
        ToxicDefinition definition = new ToxicDefinition(toxicName, type, rawStream, checkedToxicity, attributes);
        runtime.addToxic(definition);
        return definition;
    }

    /** Changes some attributes and/or the toxicity of a toxic; the others keep their values. */
    public synchronized ToxicDefinition updateToxic(String proxy, String toxic, Float toxicity, AttributeDecoder decoder) {
        ProxyRuntime runtime = find(proxy);
        ToxicDefinition current = runtime.toxic(toxic);
        if (current == null) {
            throw ApiError.TOXIC_NOT_FOUND.exception();
        }
        ToxicProvider provider = registry().find(current.type()).orElseThrow();
        Map<String, Long> attributes = merge(provider, current.attributes(), decoder.decode(provider));
        float checkedToxicity = toxicity == null ? current.toxicity() : checkToxicity(toxicity);
        ToxicDefinition updated = current.with(attributes, checkedToxicity);
        runtime.updateToxic(updated);
        return updated;
    }

    public ToxicDefinition updateToxic(String proxy, String toxic, Float toxicity, Map<String, Long> attributes) {
        return updateToxic(proxy, toxic, toxicity, provider -> attributes);
    }

    public synchronized void removeToxic(String proxy, String toxic) {
        ProxyRuntime runtime = find(proxy);
        ToxicDefinition current = runtime.toxic(toxic);
        if (current == null) {
            throw ApiError.TOXIC_NOT_FOUND.exception();
        }
        runtime.removeToxic(current);
    }

    // ---- helpers ----

    private ProxyRuntime find(String name) {
        ProxyRuntime proxy = proxies.get(name);
        if (proxy == null) {
            throw ApiError.PROXY_NOT_FOUND.exception();
        }
        return proxy;
    }

    private static void requireFields(String name, String upstream, String where) {
        if (name == null || name.isEmpty()) {
            throw ApiError.MISSING_NAME.exception(ApiError.MISSING_NAME.message() + where);
        }
        if (upstream == null || upstream.isEmpty()) {
            throw ApiError.MISSING_UPSTREAM.exception(ApiError.MISSING_UPSTREAM.message() + where);
        }
    }

    /** Go's {@code Differs}: the listen address as resolved, or the upstream as written, changed. */
    private static boolean differs(ProxyRuntime proxy, String listen, String upstream) {
        return !proxy.listen().equals(ProxyRuntime.resolveListen(listen)) || !proxy.upstream().equals(upstream);
    }

    private static Map<String, Long> zeros(ToxicProvider provider) {
        Map<String, Long> zeros = new LinkedHashMap<>();
        for (ToxicAttribute attribute : provider.attributes()) {
            zeros.put(attribute.name(), 0L);
        }
        return zeros;
    }

    private static Map<String, Long> merge(ToxicProvider provider, Map<String, Long> base, Map<String, Long> changes) {
        Map<String, Long> merged = new LinkedHashMap<>();
        for (ToxicAttribute attribute : provider.attributes()) {
            Long value = changes.get(attribute.name());
            if (value == null) {
                value = base.getOrDefault(attribute.name(), 0L);
            }
            if (value < attribute.minimum()) {
                throw ApiError.INVALID_VALUE.exception(String.format(
                        "invalid attribute: %s.%s must be >= %d (%s), got %d",
                        provider.type(), attribute.name(), attribute.minimum(), attribute.unit(), value));
            }
            merged.put(attribute.name(), value);
        }
        String problem = provider.validate(merged);
        if (problem != null) {
            throw ApiError.INVALID_VALUE.exception(problem);
        }
        return merged;
    }

    private static float checkToxicity(float toxicity) {
        if (!(toxicity >= 0f && toxicity <= 1f)) {
            // Printed as the API prints a float32 (7, 0.5), not as Java does (7.0).
            String value = Float.isFinite(toxicity) ? GoJson.formatFloat32(toxicity) : String.valueOf(toxicity);
            throw ApiError.INVALID_VALUE.exception("toxicity must be between 0 and 1 (a probability), got " + value);
        }
        return toxicity;
    }

    /** Stops every proxy and the event loops. */
    @Override
    public void close() {
        synchronized (this) {
            for (ProxyRuntime proxy : proxies.values()) {
                proxy.stop();
            }
            proxies.clear();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
