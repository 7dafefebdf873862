package dev.chaosgate.verdict.corpus;

/**
 * One (client, scenario) cell of a corpus's expected table.
 *
 * @param why  the table's justification (may be empty for PASS)
 * @param line the line in {@code expected.tsv}, for messages
 */
public record MatrixCell(CorpusClient client, String scenario, ExpectedVerdict expected, String why, int line) {
    public String id() {
        return client.name() + " x " + scenario;
    }
}
