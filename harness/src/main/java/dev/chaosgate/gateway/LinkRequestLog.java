package dev.chaosgate.gateway;

import dev.chaosgate.link.LinkConnection;
import dev.chaosgate.link.tls.TlsFault;
import dev.chaosgate.verdict.LinkRequest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the link saw of the client since the scenario started playing: the latest snapshot of each
 * connection (its request heads, how it ended) and when each phase began, so the verdict also counts
 * requests that never reached the upstream, each in the phase it met.
 */
final class LinkRequestLog {
    /** How long a verdict waits for the link to see a client close a connection that got no answer. */
    private static final Duration SETTLE = Duration.ofMillis(200);

    private final Map<Long, LinkConnection> connections;
    private final List<PhaseMark> phaseMarks = new CopyOnWriteArrayList<>();
    /** When the scenario started playing: the link's requests from then on are the action's. */
    private volatile Instant playedAt = Instant.now();

    private record PhaseMark(Instant at, String name) {
    }

    /** Keeps the newest {@code limit} connections. */
    LinkRequestLog(int limit) {
        connections = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, LinkConnection> eldest) {
                return size() > limit;
            }
        });
    }

    /** A connection's latest snapshot. */
    void heard(LinkConnection connection) {
        connections.put(connection.connection(), connection);
    }

    /** A scenario starts playing now, in {@code firstPhase} (null: none yet); returns now. */
    Instant started(String firstPhase) {
        phaseMarks.clear();
        Instant now = Instant.now();
        playedAt = now;
        if (firstPhase != null) {
            phaseMarks.add(new PhaseMark(now, firstPhase));
        }
        return now;
    }

    /** Phase {@code name} began at {@code at} (on the scenario's clock). */
    void phaseBegan(Instant at, String name) {
        phaseMarks.add(new PhaseMark(at, name));
    }

    /**
     * Every HTTP/1.x request head the client sent since the scenario started, and each connection whose
     * bytes the link could not read. A connection's end (and whether the client closed it) belongs to its
     * last request, the one the client was waiting on.
     */
    List<LinkRequest> sinceStarted() {
        // A client that just gave up closed its connection a moment ago; let the link see it before judging.
        long deadline = System.nanoTime() + SETTLE.toNanos();
        List<LinkRequest> requests = collect();
        while (requests.stream().anyMatch(r -> r.ended() == null && r.bytesToClient() == 0) && System.nanoTime() < deadline) {
            UpstreamWaits.pause();
            requests = collect();
        }
        return requests;
    }

    private List<LinkRequest> collect() {
        Instant from = playedAt;
        List<LinkConnection> seen;
        synchronized (connections) {
            seen = new ArrayList<>(connections.values());
        }
        List<LinkRequest> requests = new ArrayList<>();
        for (LinkConnection connection : seen) {
            Instant end = connection.clientClosed() != null ? connection.clientClosed() : connection.closed();
            boolean clientGaveUp = connection.clientClosed() != null;
            if (connection.protocol() == LinkConnection.Protocol.HTTP2) {
                // Carries HTTP/2 streams, each published as a connection of its own: no attempt of its own.
                continue;
            }
            if (connection.requests().isEmpty()) {
                // A connection that met a TLS fault and carried no request: the client tried, and stopped at the handshake.
                boolean brokenTls = connection.tls() != null && TlsFault.ofLabel(connection.tls()).isPresent();
                if ((connection.protocol() == LinkConnection.Protocol.OTHER || brokenTls) && !connection.opened().isBefore(from)) {
                    requests.add(new LinkRequest(connection.opened(), connection.connection(), connection.upstreamPort(), null,
                            null, end, clientGaveUp, connection.bytesToClient(), phaseAt(connection.opened()),
                            brokenTls ? "TLS: " + TlsFault.ofLabel(connection.tls()).orElseThrow().description()
                                    : "not HTTP/1.x (TLS, HTTP/2 or unreadable bytes)", connection.tls()));
                }
                continue;
            }
            for (int i = 0; i < connection.requests().size(); i++) {
                LinkConnection.RequestHead head = connection.requests().get(i);
                if (head.at().isBefore(from)) {
                    continue;
                }
                boolean last = i == connection.requests().size() - 1;
                requests.add(new LinkRequest(head.at(), connection.connection(), connection.upstreamPort(), head.method(),
                        head.path(), last ? end : null, last && clientGaveUp, connection.bytesToClient(), phaseAt(head.at()),
                        head.transport(), connection.tls()));
            }
        }
        return requests;
    }

    /** The phase in force at {@code at}, or null. */
    private String phaseAt(Instant at) {
        String phase = null;
        for (PhaseMark mark : phaseMarks) {
            if (!mark.at().isAfter(at)) {
                phase = mark.name();
            }
        }
        return phase;
    }
}
