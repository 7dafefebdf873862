package dev.chaosgate.verdict;

import dev.chaosgate.link.tls.TlsFault;
import dev.chaosgate.upstream.UpstreamExchange;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Puts what the link saw next to what the upstream saw, so an attempt a link toxic stopped still counts and
 * an attempt both saw counts once.
 *
 * <p><b>Matching.</b> A request head the link saw and a request the upstream received are the same request
 * when they travelled on the same connection (the link's socket to the upstream has the port the upstream
 * records as its client's), with the same method and path, and the upstream's arrival is not before the head
 * passed the link (less {@link #CLOCK_TOLERANCE}); of several candidates, the earliest unmatched one, taking
 * the link's heads oldest first (so kept-alive requests pair in order). An unreadable connection (TLS,
 * HTTP/2) is matched by its port alone.
 *
 * <p><b>Attempts.</b> The upstream's requests grouped into the action keep their link record (when the client
 * gave up on one before its answer ended, its attempt ends there). A generation request the upstream never
 * received, and an unreadable connection that never reached it, is an attempt of its own, as long as no
 * earlier attempt was answered normally (after an answer, such a request is another call, such as a title).
 * Requests that are not generation calls ({@code GET /v1/models}) are never attempts.
 */
final class LinkAttempts {
    /** The link and the upstream run on one clock; this covers the order in which they take their timestamps. */
    static final Duration CLOCK_TOLERANCE = Duration.ofMillis(50);
    /** The failure class of a request the upstream never received: to the client, a connection that failed. */
    static final String NEVER_ARRIVED_CLASS = "connection_failure";
    /** The failure class of a connection on which the client refused the certificate it was shown (a TLS fault's). */
    static final String BAD_CERTIFICATE_CLASS = "tls_certificate";

    private LinkAttempts() {
    }

    /** One attempt in the making: the upstream's record (or one made from the link's), the link's, and which is real. */
    record Entry(UpstreamExchange exchange, LinkRequest link, boolean reachedUpstream) {
        Instant arrived() {
            return exchange.arrived();
        }
    }

    /**
     * @param related      the upstream's requests grouped into the action, oldest first
     * @param all          every request the upstream saw while the action ran
     * @param linkRequests every request the link saw while the action ran
     * @return the attempts of the action, oldest first
     */
    static List<Entry> timeline(List<UpstreamExchange> related, List<UpstreamExchange> all, List<LinkRequest> linkRequests) {
        List<LinkRequest> heads = new ArrayList<>(linkRequests);
        heads.sort(Comparator.comparing(LinkRequest::at));
        List<UpstreamExchange> byArrival = new ArrayList<>(all);
        byArrival.sort(Comparator.comparing(UpstreamExchange::arrived));
        Map<Long, LinkRequest> matched = new HashMap<>();
        Set<Long> taken = new HashSet<>();
        List<LinkRequest> neverArrived = new ArrayList<>();
        for (LinkRequest head : heads) {
            UpstreamExchange same = null;
            for (UpstreamExchange exchange : byArrival) {
                if (!taken.contains(exchange.sequence()) && sameRequest(head, exchange)) {
                    same = exchange;
                    break;
                }
            }
            if (same != null) {
                taken.add(same.sequence());
                matched.put(same.sequence(), head);
            } else if (head.unreadable() || head.isGeneration()) {
                neverArrived.add(head);
            }
        }
        List<Entry> entries = new ArrayList<>();
        for (UpstreamExchange exchange : related) {
            entries.add(new Entry(exchange, matched.get(exchange.sequence()), true));
        }
        for (LinkRequest head : neverArrived) {
            entries.add(new Entry(neverArrived(head), head, false));
        }
        entries.sort(Comparator.comparing(Entry::arrived));
        List<Entry> attempts = new ArrayList<>();
        boolean answered = false;
        for (Entry entry : entries) {
            if (!entry.reachedUpstream() && answered) {
                continue;
            }
            attempts.add(entry);
            answered = answered || (entry.reachedUpstream() && entry.exchange().delivered());
        }
        return attempts;
    }

    static boolean sameRequest(LinkRequest head, UpstreamExchange exchange) {
        if (exchange.connection() != head.upstreamPort() || exchange.arrived().isBefore(head.at().minus(CLOCK_TOLERANCE))) {
            return false;
        }
        return head.unreadable() || (head.method().equals(exchange.method()) && head.path().equals(pathOf(exchange.path())));
    }

    private static String pathOf(String target) {
        int query = target.indexOf('?');
        return query < 0 ? target : target.substring(0, query);
    }

    /** The upstream's side of a request it never received: no status, a connection failure, as long as the link held it. */
    static UpstreamExchange neverArrived(LinkRequest head) {
        Duration held = head.ended() == null ? Duration.ZERO : Duration.between(head.at(), head.ended());
        Optional<TlsFault> tls = head.unreadable() && head.tls() != null ? TlsFault.ofLabel(head.tls()) : Optional.empty();
        String how = tls.isPresent() ? "TLS: " + tls.get().description()
                : head.unreadable() ? "a connection the link could not read"
                : head.ended() == null ? "no answer yet"
                : head.clientGaveUp() ? "the client gave up after " + held.toMillis() + " ms"
                : "the connection was closed after " + held.toMillis() + " ms";
        return new UpstreamExchange(0, head.at(), head.upstreamPort(), head.unreadable() ? "?" : head.method(),
                head.unreadable() ? "?" : head.path(), Map.of(), null, "never reached the upstream (" + how + ")", 0,
                Map.of(), false, held, head.ended() != null, head.phase(),
                tls.filter(TlsFault::badCertificate).isPresent() ? BAD_CERTIFICATE_CLASS : NEVER_ARRIVED_CLASS, null, head.clientGaveUp());
    }
}
