package dev.chaosgate.scenario;

import dev.chaosgate.upstream.UpstreamFault;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One stretch of a scenario's timeline: the upstream fault and link toxics in force, for a number of
 * requests reaching the upstream or for a duration (the last phase may last for the rest of the run).
 *
 * @param requests how many upstream requests the phase lasts, or null
 * @param duration how long the phase lasts, or null
 * @param upstream the fault every request of the phase meets, or null for normal answers
 * @param link     toxics on the link during the phase
 */
public record Phase(String name, Integer requests, Duration duration, UpstreamFault upstream, List<LinkToxic> link) {

    public Phase {
        Objects.requireNonNull(name, "name cannot be null");
        if (requests != null && duration != null) {
            throw new IllegalArgumentException("phase '" + name + "' sets both requests and duration; a phase lasts one or the other");
        }
        if (requests != null && requests < 1) {
            throw new IllegalArgumentException("phase '" + name + "' must last at least 1 request, got " + requests);
        }
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            throw new IllegalArgumentException("phase '" + name + "' must last more than 0, got " + duration);
        }
        link = List.copyOf(link);
        Set<String> names = new HashSet<>();
        for (LinkToxic toxic : link) {
            if (!names.add(toxic.name())) {
                throw new IllegalArgumentException("phase '" + name + "' has two link toxics named '" + toxic.name() + "'");
            }
        }
    }

    /** A phase lasting {@code count} upstream requests. */
    public static Phase requests(String name, int count) {
        return new Phase(name, count, null, null, List.of());
    }

    /** A phase lasting {@code duration}. */
    public static Phase lasting(String name, Duration duration) {
        return new Phase(name, null, duration, null, List.of());
    }

    /** A phase lasting for the rest of the run. */
    public static Phase rest(String name) {
        return new Phase(name, null, null, null, List.of());
    }

    public boolean openEnded() {
        return requests == null && duration == null;
    }

    public Phase serving(UpstreamFault fault) {
        return new Phase(name, requests, duration, fault, link);
    }

    public Phase withToxic(LinkToxic toxic) {
        List<LinkToxic> more = new ArrayList<>(link);
        more.add(toxic);
        return new Phase(name, requests, duration, upstream, more);
    }

    /** For journals: {@code burst (3 requests): 502 cloudflare/502-branded}. */
    public String label() {
        String length = requests != null ? requests + " requests" : duration != null ? duration.toMillis() + " ms" : "rest";
        String fault = upstream == null ? "normal answers" : upstream.label();
        return name + " (" + length + "): " + fault + (link.isEmpty() ? "" : " + " + link.size() + " link toxic(s)");
    }
}
