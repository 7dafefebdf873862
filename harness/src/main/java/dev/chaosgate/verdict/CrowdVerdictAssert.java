package dev.chaosgate.verdict;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Assertions on a crowd's verdict ({@link ChaosAssertions#assertThat(CrowdVerdict)}): every failure message is the
 * crowd's bug report ({@link CrowdVerdict#explain()}: the figures, the crowd's findings, each failed user's timeline).
 */
public final class CrowdVerdictAssert {
    private final CrowdVerdict verdict;

    CrowdVerdictAssert(CrowdVerdict verdict) {
        this.verdict = verdict;
    }

    /** Passes when neither the crowd nor any user has a finding. */
    public CrowdVerdictAssert passes() {
        if (!verdict.passed()) {
            throw new AssertionError("expected the crowd and each of its users to pass, but got " + verdict.codes() + "\n"
                    + verdict.explain());
        }
        return this;
    }

    /** Passes when the crowd as a whole has exactly {@code codes} (the users' own findings aside). */
    public CrowdVerdictAssert hasCrowdFindings(FindingCode... codes) {
        Set<FindingCode> expected = codes.length == 0 ? EnumSet.noneOf(FindingCode.class) : EnumSet.copyOf(Arrays.asList(codes));
        Set<FindingCode> actual = EnumSet.noneOf(FindingCode.class);
        verdict.findings().forEach(f -> actual.add(f.code()));
        if (!actual.equals(expected)) {
            throw new AssertionError("expected the crowd's findings to be exactly " + expected + " but got " + actual + "\n"
                    + verdict.explain());
        }
        return this;
    }

    /** Passes when the crowd or one of its users has a finding {@code code}. */
    public CrowdVerdictAssert hasFinding(FindingCode code) {
        if (!verdict.codes().contains(Objects.requireNonNull(code, "code cannot be null"))) {
            throw new AssertionError("expected the finding " + code + " (" + code.summary() + ") in the crowd or a user, but got "
                    + verdict.codes() + "\n" + verdict.explain());
        }
        return this;
    }

    /** Passes when neither the crowd nor any user has a finding {@code code}. */
    public CrowdVerdictAssert hasNoFinding(FindingCode code) {
        if (verdict.codes().contains(Objects.requireNonNull(code, "code cannot be null"))) {
            throw new AssertionError("expected no finding " + code + " (" + code.summary() + ") but got " + verdict.codes() + "\n"
                    + verdict.explain());
        }
        return this;
    }

    /** Assertions on one user's verdict, e.g. {@code user("user-3").hasFinding(TOO_MANY_ATTEMPTS)}. */
    public VerdictAssert user(String id) {
        return verdict.users().stream().filter(u -> u.user().equals(id)).findFirst()
                .map(u -> ChaosAssertions.assertThat(u.verdict()))
                .orElseThrow(() -> new AssertionError("no user " + id + " in the crowd; its users: "
                        + verdict.users().stream().map(CrowdVerdict.UserVerdict::user).toList()));
    }

    public CrowdVerdict verdict() {
        return verdict;
    }
}
