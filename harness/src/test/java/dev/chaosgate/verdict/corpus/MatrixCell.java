package dev.chaosgate.verdict.corpus;

/**
 * One (client, scenario, mode) cell of a corpus's expected table.
 *
 * @param scenario the catalog scenario's name
 * @param streamed true for a cell written {@code scenario[stream]}: the client is asked to stream
 *                 ({@code chaosgate run --stream true}); false for the plain name, played as {@code chaosgate run}
 *                 plays a named scenario (streamed only when its faults exist only in a stream)
 * @param why      the table's justification (may be empty for PASS)
 * @param line     the line in {@code expected.tsv}, for messages
 */
public record MatrixCell(CorpusClient client, String scenario, boolean streamed, ExpectedVerdict expected, String why, int line) {
    /** The suffix of a stream-mode cell's scenario column. */
    public static final String STREAM_SUFFIX = "[stream]";

    /** The scenario column as written: {@code bad-gateway-burst} or {@code bad-gateway-burst[stream]}. */
    public String scenarioId() {
        return scenario + (streamed ? STREAM_SUFFIX : "");
    }

    public String id() {
        return client.name() + " x " + scenarioId();
    }
}
