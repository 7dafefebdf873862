package dev.chaosgate.verdict;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A fluent assertion on a chaosgate {@link Verdict} (see {@link ChaosAssertions}). Describe what the
 * client did ({@link #forPrompt}, {@link #showed}, {@link #withDraft}, or {@link #reported} a whole
 * {@link ClientReport}), then assert: each assertion judges once, throws an {@link AssertionError}
 * carrying {@link Verdict#explain()} on failure, and returns this assertion to chain more.
 */
public final class VerdictAssert {
    private final VerdictSource gateway;
    private String prompt;
    private final List<String> shown = new ArrayList<>();
    private String draft = "";
    private ClientReport report;
    private Verdict verdict;

    VerdictAssert(VerdictSource gateway, Verdict verdict) {
        this.gateway = gateway;
        this.verdict = verdict;
    }

    /** The prompt the user typed. */
    public VerdictAssert forPrompt(String typed) {
        this.prompt = Objects.requireNonNull(typed, "prompt cannot be null");
        changed();
        return this;
    }

    /** Texts the client showed the user, in order (answers, banners, toasts); adds to those given before. */
    public VerdictAssert showed(String... texts) {
        return showed(Arrays.asList(texts));
    }

    /** Texts the client showed the user, in order; adds to those given before. */
    public VerdictAssert showed(List<String> texts) {
        texts.forEach(text -> shown.add(Objects.requireNonNull(text, "a shown text cannot be null")));
        changed();
        return this;
    }

    /** The composer's content at the end ({@code ""} or null when cleared; cleared unless given). */
    public VerdictAssert withDraft(String composer) {
        this.draft = composer == null ? "" : composer;
        changed();
        return this;
    }

    /** The whole report at once (e.g. {@link ClientReport#parse} of a client's stdout), instead of the three above. */
    public VerdictAssert reported(ClientReport clientReport) {
        this.report = Objects.requireNonNull(clientReport, "report cannot be null");
        changed();
        return this;
    }

    /** Passes when the verdict has no finding. */
    public VerdictAssert passes() {
        Verdict judged = verdict();
        if (!judged.passed()) {
            throw new AssertionError(judged.explain());
        }
        return this;
    }

    /** Passes when the verdict has exactly {@code codes} (none: the same as {@link #passes()}). */
    public VerdictAssert hasFindings(FindingCode... codes) {
        Verdict judged = verdict();
        Set<FindingCode> expected = codes.length == 0 ? EnumSet.noneOf(FindingCode.class) : EnumSet.copyOf(Arrays.asList(codes));
        Set<FindingCode> actual = judged.codes();
        if (!actual.equals(expected)) {
            Set<FindingCode> missing = EnumSet.noneOf(FindingCode.class);
            missing.addAll(expected);
            missing.removeAll(actual);
            Set<FindingCode> unexpected = EnumSet.noneOf(FindingCode.class);
            unexpected.addAll(actual);
            unexpected.removeAll(expected);
            throw new AssertionError("expected exactly the findings " + expected + " but got " + actual
                    + (missing.isEmpty() ? "" : "\n  missing: " + missing)
                    + (unexpected.isEmpty() ? "" : "\n  unexpected: " + unexpected)
                    + "\n" + judged.explain());
        }
        return this;
    }

    /** Passes when the verdict has a finding {@code code} (others allowed). */
    public VerdictAssert hasFinding(FindingCode code) {
        Verdict judged = verdict();
        if (!judged.codes().contains(Objects.requireNonNull(code, "code cannot be null"))) {
            throw new AssertionError("expected the finding " + code + " (" + code.summary() + ") but got "
                    + judged.codes() + "\n" + judged.explain());
        }
        return this;
    }

    /** Passes when the verdict has no finding {@code code} (others allowed). */
    public VerdictAssert hasNoFinding(FindingCode code) {
        Verdict judged = verdict();
        if (judged.codes().contains(Objects.requireNonNull(code, "code cannot be null"))) {
            throw new AssertionError("expected no finding " + code + " (" + code.summary() + ") but got "
                    + judged.codes() + "\n" + judged.explain());
        }
        return this;
    }

    /**
     * The verdict asserted on, judged on first use (again after the report changes).
     *
     * @throws IllegalStateException when neither a prompt nor a report was given
     */
    public Verdict verdict() {
        if (verdict == null) {
            ClientReport judgedReport = report;
            if (judgedReport == null) {
                if (prompt == null) {
                    throw new IllegalStateException("say what the client did first: forPrompt(prompt).showed(...).withDraft(...)"
                            + " or reported(ClientReport)");
                }
                judgedReport = ClientReport.of(prompt, shown, draft);
            }
            verdict = gateway.verdict(judgedReport);
        }
        return verdict;
    }

    private void changed() {
        if (gateway == null) {
            throw new IllegalStateException("this assertion is on a verdict already judged; use assertThat(gateway) to describe a report");
        }
        verdict = null;
    }
}
