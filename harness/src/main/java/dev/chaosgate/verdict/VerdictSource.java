package dev.chaosgate.verdict;

/**
 * What judges a client's report against the traffic it saw: a {@code ChaosGateway} playing a
 * scenario. The verdict's assertions ({@link ChaosAssertions}) take this read-only view, so the
 * verdict package never depends on the gateway that uses it.
 */
@FunctionalInterface
public interface VerdictSource {
    /** The verdict on what the client reports, from the traffic recorded since the scenario started. */
    Verdict verdict(ClientReport report);
}
