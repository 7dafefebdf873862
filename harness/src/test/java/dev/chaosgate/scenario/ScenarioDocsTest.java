package dev.chaosgate.scenario;

import dev.chaosgate.upstream.UpstreamFault;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Keeps {@code docs/scenarios.md} true: its code snippets are copies of catalog files and of marked
 * regions of compiled tests, its catalog table lists every built-in scenario with its description
 * and expectation, and its example errors are rows of {@link InvalidScenarioFilesTest}'s table.
 */
class ScenarioDocsTest {
    static final Path ROOT = Path.of("..");
    static final Path DOC = ROOT.resolve("docs/scenarios.md");
    /** {@code <!-- snippet: PATH -->} or {@code <!-- snippet: PATH#REGION -->}, then a fenced block. */
    private static final Pattern SNIPPET = Pattern.compile("<!-- snippet: ([^#\\s]+)(?:#([\\w-]+))? -->\\n```\\w*\\n(.*?)```", Pattern.DOTALL);
    private static final String TABLE_START = "<!-- catalog-table: generated from the catalog; ScenarioDocsTest prints it when it differs -->";

    private static String doc() throws IOException {
        return Files.readString(DOC);
    }

    @Test
    void everySnippetIsACopyOfItsSource() throws IOException {
        Matcher m = SNIPPET.matcher(doc());
        int count = 0;
        List<String> stale = new ArrayList<>();
        while (m.find()) {
            count++;
            String source = Files.readString(ROOT.resolve(m.group(1)));
            String expected = m.group(2) == null ? source : region(source, m.group(2), m.group(1));
            if (!m.group(3).equals(expected)) {
                stale.add(m.group(1) + (m.group(2) == null ? "" : "#" + m.group(2)) + " should read:\n" + expected);
            }
        }
        assertThat(count).as("snippets in docs/scenarios.md").isGreaterThanOrEqualTo(4);
        assertThat(stale).as("stale snippets").isEmpty();
    }

    @Test
    void theCatalogTableListsEveryScenarioWithItsExpectation() throws IOException {
        String doc = doc();
        int start = doc.indexOf(TABLE_START);
        assertThat(start).as("the catalog table marker").isNotNegative();
        String table = doc.substring(start + TABLE_START.length()).lines().dropWhile(String::isBlank)
                .takeWhile(l -> l.startsWith("|")).collect(Collectors.joining("\n"));
        String expected = catalogTable();
        if (!table.equals(expected)) {
            fail("The catalog table of docs/scenarios.md is out of date; it should read:\n\n" + expected + "\n");
        }
        for (String name : ScenarioCatalog.builtIn().names()) {
            assertThat(doc).contains("`" + name + "`");
        }
    }

    @Test
    void exampleErrorsAreRowsOfTheInvalidFilesTable() throws IOException {
        Pattern error = Pattern.compile("(?m)^\\S*?([\\w-]+\\.yaml):(\\d+):(\\d+): (.*)$");
        Matcher m = error.matcher(doc());
        int count = 0;
        while (m.find()) {
            count++;
            String file = m.group(1);
            int line = Integer.parseInt(m.group(2));
            int column = Integer.parseInt(m.group(3));
            String message = m.group(4);
            assertThat(InvalidScenarioFilesTest.table())
                    .as("docs example error %s:%d:%d", file, line, column)
                    .anyMatch(row -> row.file().equals(file) && row.line() == line && row.column() == column
                            && row.message().equals(message));
        }
        assertThat(count).as("example errors in docs/scenarios.md").isGreaterThanOrEqualTo(3);
    }

    /** The lines between {@code docs:begin NAME} and {@code docs:end NAME} (in any comment style), de-indented. */
    static String region(String source, String name, String file) {
        List<String> lines = source.lines().toList();
        int begin = -1;
        int end = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).trim().matches("(//|#) docs:begin " + Pattern.quote(name))) {
                begin = i;
            } else if (lines.get(i).trim().matches("(//|#) docs:end " + Pattern.quote(name))) {
                end = i;
            }
        }
        if (begin < 0 || end < begin) {
            throw new AssertionError("no region " + name + " in " + file);
        }
        List<String> body = lines.subList(begin + 1, end);
        int indent = body.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return body.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).collect(Collectors.joining("\n")) + "\n";
    }

    /** The catalog table as docs/scenarios.md must show it. */
    static String catalogTable() {
        List<String> rows = new ArrayList<>();
        rows.add("| scenario | what the gateway does | what a good client does |");
        rows.add("|---|---|---|");
        for (Scenario s : ScenarioCatalog.builtIn().all()) {
            rows.add("| [`" + s.name() + "`](../scenarios/src/main/resources/" + ScenarioCatalog.RESOURCE_DIR + s.name() + ".yaml) | "
                    + s.description() + " | " + summary(s) + " |");
        }
        return String.join("\n", rows);
    }

    static String summary(Scenario scenario) {
        if (!scenario.expect().anyOf().isEmpty()) {
            return "either (" + String.join("), or (", scenario.expect().anyOf().stream().map(e -> summary(scenario, e)).toList()) + ")";
        }
        return summary(scenario, scenario.expect());
    }

    private static String summary(Scenario scenario, Expectation e) {
        List<UpstreamFault.ErrorResponse> errors = ScenarioCatalogTest.errors(scenario);
        boolean usable = errors.stream().anyMatch(r -> r.retryAfter() != null && r.retryAfter().honouredDelay().compareTo(Duration.ZERO) > 0)
                || scenario.phases().stream().anyMatch(p -> p.upstream() instanceof UpstreamFault.RateLimitWindow);
        boolean unusable = errors.stream().anyMatch(r -> r.retryAfter() != null && r.retryAfter().honouredDelay().isZero());
        String retryAfter = !e.honourRetryAfter() ? "; caps Retry-After"
                : usable ? "; honours Retry-After" : unusable ? "; own backoff despite the unusable Retry-After" : "";
        String backoff = e.minBackoff().isZero() ? "no minimum backoff" : "≥ " + human(e.minBackoff()) + " apart";
        String text;
        if (e.outcome() == Expectation.Outcome.SUCCEEDS) {
            text = e.retry() ? "succeeds after retrying: ≤ " + e.maxAttempts() + " attempts, " + backoff + retryAfter
                    : "succeeds on the first attempt; no retry";
        } else {
            text = e.retry() ? "gives up after ≤ " + e.maxAttempts() + " attempts, " + backoff + retryAfter + "; guidance `" + e.guidance() + "`"
                    : "no retry; guidance `" + e.guidance() + "`";
        }
        return text + (e.promptSurvives() ? "" : "; the prompt may be lost")
                + (e.userWaitsAtMost() == null ? "" : "; an answer or a message within " + human(e.userWaitsAtMost()));
    }

    private static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
