package dev.chaosgate.verdict;

/**
 * Entry point of chaosgate's fluent assertions, in the style of AssertJ (without depending on it):
 *
 * <pre>{@code
 * import static dev.chaosgate.verdict.ChaosAssertions.assertThat;
 *
 * assertThat(gateway).forPrompt(prompt).showed(chat.messagesShown()).withDraft(chat.composerText()).passes();
 * assertThat(gateway).reported(ClientReport.parse(prompt, stdout)).hasFindings(FindingCode.NO_RETRY);
 * }</pre>
 *
 * Statically importing both this {@code assertThat} and AssertJ's works: Java picks by argument type.
 */
public final class ChaosAssertions {
    private ChaosAssertions() {
    }

    /** Assertions on the verdict of the scenario {@code gateway} plays, for the report given next. */
    public static VerdictAssert assertThat(VerdictSource gateway) {
        return new VerdictAssert(java.util.Objects.requireNonNull(gateway, "gateway cannot be null"), null);
    }

    /** Assertions on a crowd's verdict: the crowd as a whole and each of its users. */
    public static CrowdVerdictAssert assertThat(CrowdVerdict verdict) {
        return new CrowdVerdictAssert(java.util.Objects.requireNonNull(verdict, "verdict cannot be null"));
    }

    /** Assertions on a verdict already computed. */
    public static VerdictAssert assertThat(Verdict verdict) {
        return new VerdictAssert(null, java.util.Objects.requireNonNull(verdict, "verdict cannot be null"));
    }
}
