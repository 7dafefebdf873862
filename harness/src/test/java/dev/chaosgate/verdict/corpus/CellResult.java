package dev.chaosgate.verdict.corpus;

import java.time.Duration;
import java.util.List;
import java.util.SortedSet;

/**
 * What chaosgate said about one cell.
 *
 * @param verdict     PASS, FAIL, or ERROR when the run itself failed (the client could not start, crashed
 *                    without reporting, or the reports were missing)
 * @param codes       the finding codes (empty on PASS)
 * @param explanation the findings with their evidence and the timeline, as the report holds them
 * @param output      the client's stdout lines (its screen)
 */
public record CellResult(MatrixCell cell, String verdict, SortedSet<String> codes, String explanation,
                         List<String> output, Duration elapsed) {

    public boolean error() {
        return verdict.equals("ERROR");
    }

    public boolean matches() {
        return !error() && cell.expected().matches(codes);
    }

    /** The verdict as the table writes it. */
    public String actual() {
        return error() ? "ERROR" : codes.isEmpty() ? "PASS" : "FAIL:" + String.join("+", codes);
    }
}
