package dev.chaosgate.verdict.corpus;

/**
 * One client of a corpus, a line of its {@code clients.tsv}.
 *
 * @param name        the column name in the matrix and the key of its cells in {@code expected.tsv}
 * @param kind        {@code good} for a client meant to pass, {@code flawed} for one with a planted flaw, {@code sdk}
 *                    for a thin app around a real SDK, whose expected findings are the SDK's own (counted like a
 *                    flawed client's: a finding the table does not name is a false positive, a named one missed a
 *                    false negative)
 * @param command     the shell command, run from the repository root
 * @param prompt      the prompt the runner sets (CHAOSGATE_PROMPT); empty for chaosgate's default
 * @param description one line: the style, or the flaw
 */
public record CorpusClient(String name, String kind, String command, String prompt, String description) {

    /** Whether the client is meant to pass every scenario it exercises. */
    public boolean good() {
        return kind.equals("good");
    }
}
