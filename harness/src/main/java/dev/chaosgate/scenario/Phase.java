package dev.chaosgate.scenario;

import dev.chaosgate.link.tls.TlsFault;
import dev.chaosgate.upstream.UpstreamFault;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One stretch of a scenario's timeline: the upstream fault and link toxics in force, for a number of
 * generation requests reaching the upstream or for a duration (the last phase may last for the rest of
 * the run). Other requests (a model list, a warm-up) meet no upstream fault and do not count.
 *
 * @param requests how many generation requests the phase lasts, or null
 * @param duration how long the phase lasts, or null
 * @param upstream the fault every request of the phase meets, or null for normal answers
 * @param link     toxics on the link during the phase
 * @param step     when set, the phase's upstream fault is aimed at that step of the user's action (1 for the
 *                 action's first call, 2 for the call carrying the result of a tool call or continuing an answer
 *                 cut at the length limit, ...): requests of other steps are answered normally and do not count
 *                 toward {@code requests}; null aims at every generation request
 * @param tls      what goes wrong with TLS on connections opened during the phase (an HTTPS gateway's bad
 *                 certificate or broken handshake), or null for none. Requests that meet it never reach the
 *                 upstream, so such a phase lasts a {@code duration} or the rest of the run.
 */
public record Phase(String name, Integer requests, Duration duration, UpstreamFault upstream, List<LinkToxic> link,
                    Integer step, TlsFault tls) {

    /** A phase aimed at every generation request. */
    public Phase(String name, Integer requests, Duration duration, UpstreamFault upstream, List<LinkToxic> link) {
        this(name, requests, duration, upstream, link, null, null);
    }

    /** A phase without a TLS fault. */
    public Phase(String name, Integer requests, Duration duration, UpstreamFault upstream, List<LinkToxic> link, Integer step) {
        this(name, requests, duration, upstream, link, step, null);
    }

    public Phase {
        if (step != null && step < 1) {
            throw new IllegalArgumentException("phase '" + name + "' aims at step " + step + "; steps of an action count from 1");
        }
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
        if (tls != null && requests != null) {
            throw new IllegalArgumentException("phase '" + name + "' has a TLS fault and lasts " + requests + " requests, but requests"
                    + " that meet a TLS fault never reach the upstream to be counted: give it a duration, or make it the last phase");
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
        return new Phase(name, requests, duration, fault, link, step, tls);
    }

    /**
     * This phase with its upstream fault aimed at step {@code actionStep} of the user's action, e.g. {@code 2}:
     * the call that carries a tool's result, or continues an answer cut at the length limit.
     */
    public Phase atStep(int actionStep) {
        return new Phase(name, requests, duration, upstream, link, actionStep, tls);
    }

    public Phase withToxic(LinkToxic toxic) {
        List<LinkToxic> more = new ArrayList<>(link);
        more.add(toxic);
        return new Phase(name, requests, duration, upstream, more, step, tls);
    }

    /** This phase with {@code fault} breaking the TLS of its connections (an HTTPS gateway's). */
    public Phase withTls(TlsFault fault) {
        return new Phase(name, requests, duration, upstream, link, step, fault);
    }

    /** For journals: {@code burst (3 requests): 502 cloudflare/502-branded}. */
    public String label() {
        String length = requests != null ? requests + " requests" : duration != null ? duration.toMillis() + " ms" : "rest";
        String fault = upstream == null ? "normal answers" : upstream.label();
        return name + " (" + length + "): " + fault + (step == null ? "" : " at step " + step)
                + (link.isEmpty() ? "" : " + " + link.size() + " link toxic(s)") + (tls == null ? "" : " + TLS " + tls.label());
    }
}
