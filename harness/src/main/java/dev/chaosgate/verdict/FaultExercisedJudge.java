package dev.chaosgate.verdict;

import java.util.List;

/** {@code FAULT_NOT_EXERCISED}: a green verdict must never be vacuous. */
final class FaultExercisedJudge implements Judge {
    @Override
    public void judge(VerdictCase c, List<Finding> findings) {
        boolean upstreamFaults = c.scenario().phases().stream().anyMatch(p -> p.upstream() != null);
        boolean linkFaults = c.scenario().phases().stream().anyMatch(p -> !p.link().isEmpty());
        if (!upstreamFaults && !linkFaults) {
            return;
        }
        boolean metUpstreamFault = c.attempts().stream().anyMatch(a -> a.exchange().fault() != null);
        boolean metLinkFault = linkFaults && (c.attempts().stream().anyMatch(a -> c.scenario().phases().stream()
                .anyMatch(p -> p.name().equals(a.exchange().phase()) && !p.link().isEmpty()))
                || (c.attempts().isEmpty() && c.linkConnections() > 0));
        if (metUpstreamFault || metLinkFault) {
            return;
        }
        if (c.attempts().isEmpty()) {
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
}
