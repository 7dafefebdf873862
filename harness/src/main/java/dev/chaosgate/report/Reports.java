package dev.chaosgate.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the reports of a run into a report directory: {@code report.json}, {@code junit.xml} and
 * {@code report.html} ({@code docs/reports.md} describes them). Existing files of the same names are replaced,
 * each whole or not at all (written beside it, then renamed over it).
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
    /** The three file names, in the order {@link #writeAll} writes them. */
    public static final List<String> FILES = List.of(JSON_FILE, JUNIT_FILE, HTML_FILE);

    private Reports() {
    }

    /**
     * Creates {@code dir} (and its parents) if needed and writes the three reports of {@code run} into it.
     *
     * @throws UncheckedIOException when the directory cannot be created or a file cannot be written; its
     *                              message names the path and the cause, ready to print as one line
     */
    public static ReportFiles writeAll(Path dir, RunResult run) {
        return new ReportFiles(write(dir, JSON_FILE, run), write(dir, JUNIT_FILE, run), write(dir, HTML_FILE, run));
    }

    /**
     * Creates {@code dir} (and its parents) if needed and writes one report of {@code run} into it, whole
     * or not at all: a file that cannot be written (a full disk) keeps what it held before, and no
     * temporary file is left behind.
     *
     * @param fileName {@link #JSON_FILE}, {@link #JUNIT_FILE} or {@link #HTML_FILE}
     * @return the file written
     * @throws UncheckedIOException when the directory cannot be created or the file cannot be written; its
     *                              message names the path and the cause, ready to print as one line
     */
    public static Path write(Path dir, String fileName, RunResult run) {
        String content = switch (fileName) {
            case JSON_FILE -> JsonReport.render(run);
            case JUNIT_FILE -> JunitXmlReport.render(run);
            case HTML_FILE -> HtmlReport.render(run);
            default -> throw new IllegalArgumentException("fileName must be one of " + FILES + ", got '" + fileName + "'");
        };
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the report directory " + dir + ": " + ReportFile.reason(e, dir), e);
        }
        return ReportFile.write(dir.resolve(fileName), content);
    }
}
