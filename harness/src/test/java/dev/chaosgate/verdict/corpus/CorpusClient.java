package dev.chaosgate.verdict.corpus;

/**
 * One client of a corpus, a line of its {@code clients.tsv}.
 *
 * @param name        the column name in the matrix and the key of its cells in {@code expected.tsv}
 * @param good        true for a client meant to pass, false for one with a planted flaw
 * @param command     the shell command, run from the repository root
 * @param prompt      the prompt the runner sets (CHAOSGATE_PROMPT); empty for chaosgate's default
 * @param description one line: the style, or the flaw
 */
public record CorpusClient(String name, boolean good, String command, String prompt, String description) {
}
