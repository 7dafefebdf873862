package dev.chaosgate.verdict;

import dev.chaosgate.scenario.Phase;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * {@code FAULT_NOT_EXERCISED}: a green verdict must never be vacuous. When nothing met the fault, the message
 * says how far the client got: not to the gateway at all, to the gateway but not to the upstream (its
 * requests passed the link and the upstream read none: the transport is named), or to the upstream without
 * meeting the fault.
 */
final class FaultExercisedJudge implements Judge {
    /** At most this many request heads are named in a message. */
    private static final int HEADS_SHOWN = 3;

    @Override
    public void judge(VerdictCase c, List<Finding> findings) {
        boolean upstreamFaults = c.scenario().phases().stream().anyMatch(p -> p.upstream() != null);
        // Toxics and handshake faults are the link's: every connection of their phase meets them.
        Predicate<Phase> linkFault = p -> !p.link().isEmpty() || p.tls() != null;
        boolean linkFaults = c.scenario().phases().stream().anyMatch(linkFault);
        if (!upstreamFaults && !linkFaults) {
            return;
        }
        // Only the upstream serves an upstream fault: an attempt it never read did not meet one.
        boolean metUpstreamFault = c.attempts().stream().anyMatch(a -> a.reachedUpstream() && a.exchange().fault() != null);
        boolean metLinkFault = linkFaults && (c.attempts().stream().anyMatch(a -> c.scenario().phases().stream()
                .anyMatch(p -> p.name().equals(a.exchange().phase()) && linkFault.test(p)))
                || (c.attempts().isEmpty() && c.linkConnections() > 0));
        if (metUpstreamFault || metLinkFault) {
            return;
        }
        if (!c.attempts().isEmpty() && c.attempts().stream().noneMatch(Attempt::reachedUpstream)) {
            List<Attempt> attempts = c.attempts();
            findings.add(Finding.of(FindingCode.FAULT_NOT_EXERCISED,
                    "the client's requests reached the gateway but the upstream never read one of them, so the scenario"
                            + " tested nothing: " + attempts.size() + " request(s) passed the link ("
                            + transports(attempts.stream().map(Attempt::link).toList()) + ") and "
                            + attempts.get(attempts.size() - 1).exchange().fault(),
                    attempts.stream().map(Attempt::describe).collect(Collectors.joining("; ")),
                    "the gateway could not carry this transport to its upstream: report it with the transport named above"));
        } else if (c.attempts().isEmpty() && c.linkConnections() > 0) {
            findings.add(Finding.of(FindingCode.FAULT_NOT_EXERCISED,
                    "the client reached the gateway (" + c.linkConnections() + " connection(s)) but sent no request for"
                            + " the user's prompt that the upstream answered, so the scenario tested nothing",
                    heads(c.linkRequests()),
                    "generation calls go to the base URL's /chat/completions or /responses (Anthropic's: the origin's"
                            + " /v1/messages; Gemini's: the origin's /v1beta/models/M:generateContent) with the prompt as the last user message; check the path the client appends"
                            + " to the base URL"));
        } else if (c.attempts().isEmpty()) {
            findings.add(Finding.of(FindingCode.FAULT_NOT_EXERCISED,
                    "the client never sent the user's prompt through the gateway, so the scenario tested nothing",
                    "no attempt reached the upstream and the link saw " + c.linkConnections() + " connection(s)",
                    "is the client pointed at the gateway's base URL?"));
        } else {
            findings.add(Finding.of(FindingCode.FAULT_NOT_EXERCISED,
                    "no attempt met the scenario's fault, so the verdict would be vacuous",
                    c.attempts().size() + " attempt(s), all answered normally",
                    "a pooled or cached connection, or a request sent before the scenario started, can bypass the fault"));
        }
    }

    /** The distinct transports of {@code requests}, or a word that none was read. */
    private static String transports(List<LinkRequest> requests) {
        Set<String> seen = new LinkedHashSet<>();
        for (LinkRequest request : requests) {
            if (request != null && request.transport() != null) {
                seen.add(request.transport());
            }
        }
        return seen.isEmpty() ? "transport unknown" : String.join("; ", seen);
    }

    /** What the link saw the client send, for the evidence line. */
    private static String heads(List<LinkRequest> requests) {
        if (requests.isEmpty()) {
            return "the link read no request head on those connections (nothing sent, or not readable)";
        }
        String named = requests.stream().limit(HEADS_SHOWN)
                .map(r -> r.unreadable() ? "a connection the link could not read" : r.method() + " " + r.path()
                        + (r.transport() == null ? "" : " (" + r.transport() + ")"))
                .collect(Collectors.joining(", "));
        return "the link saw " + requests.size() + " request(s): " + named + (requests.size() > HEADS_SHOWN ? ", ..." : "");
    }
}
