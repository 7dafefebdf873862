package dev.chaosgate.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the reports of a run into a report directory: {@code report.json}, {@code junit.xml} and
 * {@code report.html} ({@code docs/reports.md} describes them). Existing files of the same names are replaced.
 *
 * <pre>{@code
 * ReportFiles files = Reports.writeAll(Path.of("target/chaosgate"), run);
 * }</pre>
 *
 * @see JsonReport
 * @see JunitXmlReport
 * @see HtmlReport
 */
public final class Reports {
    public static final String JSON_FILE = "report.json";
    public static final String JUNIT_FILE = "junit.xml";
    public static final String HTML_FILE = "report.html";

    private Reports() {
    }

    /**
     * Creates {@code dir} (and its parents) if needed and writes the three reports of {@code run} into it.
     *
     * @throws UncheckedIOException when the directory cannot be created or a file cannot be written; its
     *                              message names the path and the cause, ready to print as one line
     */
    public static ReportFiles writeAll(Path dir, RunResult run) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the report directory " + dir + ": " + ReportFile.reason(e, dir), e);
        }
        return new ReportFiles(
                ReportFile.write(dir.resolve(JSON_FILE), JsonReport.render(run)),
                ReportFile.write(dir.resolve(JUNIT_FILE), JunitXmlReport.render(run)),
                ReportFile.write(dir.resolve(HTML_FILE), HtmlReport.render(run)));
    }
}
