package dev.chaosgate.journal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chaosgate.link.LinkEvent;
import dev.chaosgate.upstream.UpstreamExchange;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * What happened during a run, in the order it was recorded: every request the upstream answered
 * ({@link Request}) and every connection event of the link ({@link Link}). A
 * {@link dev.chaosgate.gateway.ChaosGateway} owns one ({@code gateway.journal()}).
 *
 * <p>A request is recorded when its answer is finished (written to its end or broken); when an
 * unfinished version of a request was recorded first, the finished version replaces it in place.
 * A link event is recorded when it happens; a connection's {@code OPENED} is recorded before any
 * byte of it reaches the upstream, so it precedes the requests made on it.
 *
 * <p>The journal is bounded: it holds at most {@link #capacity()} entries (by default
 * {@value #DEFAULT_CAPACITY}); beyond that the oldest entries are dropped and
 * {@link #dropped()} counts them. Safe for use from many threads.
 *
 * <p>Export: {@link #writeJsonLines(Writer)} / {@link #toJsonLines()} write one JSON object per
 * line with a {@code type} field, {@code request} or {@code link}, and ISO-8601 times.
 */
public final class Journal {
    /** The default bound on the number of entries. */
    public static final int DEFAULT_CAPACITY = 50_000;

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);

    /** One entry: a {@link Request} or a {@link Link} event. */
    public sealed interface Entry permits Request, Link {
        /** When it happened: a request's arrival, a link event's time. */
        Instant at();

        /** {@code request} or {@code link}, as in the JSON lines. */
        String type();
    }

    /** A request the upstream answered, with what it answered. */
    public record Request(UpstreamExchange exchange) implements Entry {
        public Request {
            Objects.requireNonNull(exchange, "exchange cannot be null");
        }

        @Override
        public Instant at() {
            return exchange.arrived();
        }

        @Override
        public String type() {
            return "request";
        }

        /** The first {@code Idempotency-Key} header, or null. */
        public String idempotencyKey() {
            return header(exchange, "idempotency-key");
        }

        /** The first {@code X-Stainless-Retry-Count} header as sent, or null. */
        public String retryCount() {
            return header(exchange, "x-stainless-retry-count");
        }
    }

    /** A connection event of the link. */
    public record Link(LinkEvent event) implements Entry {
        public Link {
            Objects.requireNonNull(event, "event cannot be null");
        }

        @Override
        public Instant at() {
            return event.at();
        }

        @Override
        public String type() {
            return "link";
        }
    }

    private final int capacity;
    /** Requests keyed by their sequence (a Long), link events by a fresh Object; in recording order. */
    private final LinkedHashMap<Object, Entry> entries;
    private final List<Consumer<Entry>> listeners = new CopyOnWriteArrayList<>();
    private long dropped;

    public Journal() {
        this(DEFAULT_CAPACITY);
    }

    public Journal(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Object, Entry> eldest) {
                if (size() > Journal.this.capacity) {
                    dropped++;
                    return true;
                }
                return false;
            }
        };
    }

    public int capacity() {
        return capacity;
    }

    /** How many entries were dropped because the journal was full. */
    public synchronized long dropped() {
        return dropped;
    }

    /**
     * Records a request; a finished version replaces an unfinished one of the same sequence in
     * place, and an unfinished version never replaces a finished one.
     */
    public void record(UpstreamExchange exchange) {
        Request entry = new Request(exchange);
        synchronized (this) {
            Entry current = entries.get(exchange.sequence());
            if (current instanceof Request previous && previous.exchange().complete() && !exchange.complete()) {
                return;
            }
            if (current != null) {
                entries.replace(exchange.sequence(), entry);
            } else {
                entries.put(exchange.sequence(), entry);
            }
        }
        tell(entry);
    }

    /** Records a link event. */
    public void record(LinkEvent event) {
        Link entry = new Link(event);
        synchronized (this) {
            entries.put(new Object(), entry);
        }
        tell(entry);
    }

    private void tell(Entry entry) {
        for (Consumer<Entry> listener : listeners) {
            try {
                listener.accept(entry);
            } catch (RuntimeException ignored) {
                // a listener cannot disturb the run
            }
        }
    }

    /**
     * Calls {@code listener} with every entry recorded from now on, synchronously on the recording
     * thread (the upstream's serving thread or the link's event loop): keep it cheap. A request whose
     * finished version replaces an earlier one is delivered again. Exceptions are ignored.
     */
    public void onEntry(Consumer<Entry> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener cannot be null"));
    }

    /** A snapshot of every entry, in recording order. */
    public synchronized List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    /** A snapshot of the request entries' exchanges, in recording order. */
    public List<UpstreamExchange> requests() {
        return entries().stream().filter(Request.class::isInstance).map(e -> ((Request) e).exchange()).toList();
    }

    /** A snapshot of the link events, in recording order. */
    public List<LinkEvent> linkEvents() {
        return entries().stream().filter(Link.class::isInstance).map(e -> ((Link) e).event()).toList();
    }

    public synchronized int size() {
        return entries.size();
    }

    public synchronized void clear() {
        entries.clear();
    }

    /** Writes every entry as one JSON object per line ({@code \n}-terminated), in recording order. */
    public void writeJsonLines(Writer out) throws IOException {
        for (Entry entry : entries()) {
            out.write(JSON.writeValueAsString(toJson(entry)));
            out.write('\n');
        }
        out.flush();
    }

    /** {@link #writeJsonLines} into a string. */
    public String toJsonLines() {
        StringWriter out = new StringWriter();
        try {
            writeJsonLines(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** The JSON object of one entry, as written on its line. */
    public static ObjectNode toJson(Entry entry) {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", entry.type());
        if (entry instanceof Request request) {
            UpstreamExchange e = request.exchange();
            node.put("sequence", e.sequence());
            node.put("arrived", e.arrived().toString());
            node.put("connection", e.connection());
            node.put("method", e.method());
            node.put("path", e.path());
            node.set("headers", JSON.valueToTree(e.requestHeaders()));
            node.put("body", e.requestBody());
            node.put("prompt", e.prompt());
            node.put("idempotencyKey", request.idempotencyKey());
            String retryCount = request.retryCount();
            if (retryCount != null && retryCount.trim().matches("\\d{1,9}")) {
                node.put("retryCount", Integer.parseInt(retryCount.trim()));
            } else {
                node.put("retryCount", retryCount);
            }
            node.put("phase", e.phase());
            node.put("fault", e.fault());
            node.put("failureClass", e.failureClass());
            node.put("status", e.status());
            node.set("responseHeaders", JSON.valueToTree(e.responseHeaders()));
            node.put("durationMs", e.duration() == null ? 0.0 : e.duration().toNanos() / 1_000_000.0);
            node.put("streamed", e.streamed());
            node.put("complete", e.complete());
            node.put("clientClosed", e.clientClosed());
        } else if (entry instanceof Link link) {
            LinkEvent event = link.event();
            node.put("at", event.at().toString());
            node.put("proxy", event.proxy());
            node.put("connection", event.connection());
            node.put("kind", event.kind().name());
            node.put("clientPort", event.clientPort());
            node.put("upstreamPort", event.upstreamPort());
        }
        return node;
    }

    private static String header(UpstreamExchange exchange, String name) {
        if (exchange.requestHeaders() == null) {
            return null;
        }
        List<String> values = exchange.requestHeaders().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
