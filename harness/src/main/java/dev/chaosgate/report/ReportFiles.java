package dev.chaosgate.report;

import java.nio.file.Path;
import java.util.List;

/**
 * The files {@link Reports#writeAll} wrote for one run.
 *
 * @param json     {@code report.json}, for tools ({@link JsonReport})
 * @param junitXml {@code junit.xml}, for CI servers ({@link JunitXmlReport})
 * @param html     {@code report.html}, for people ({@link HtmlReport})
 */
public record ReportFiles(Path json, Path junitXml, Path html) {

    /** The three paths, in the order above. */
    public List<Path> all() {
        return List.of(json, junitXml, html);
    }
}
