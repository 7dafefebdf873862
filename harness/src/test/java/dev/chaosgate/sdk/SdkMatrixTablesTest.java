package dev.chaosgate.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.scenario.ScenarioCatalog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The real-SDK tables stay complete and well formed as the catalog grows: every client of clients.tsv has
 * one expected cell per single-user catalog scenario, each with a reason, and every command names files
 * that exist. What the cells say comes from the SDKs' sources (docs/sdk-policies.md), not from here.
 */
class SdkMatrixTablesTest {
    private static final Path DIR = Path.of("src/test/sdk");
    private static final Pattern EXPECTED = Pattern.compile("PASS|FAIL:[A-Z_]+(\\+[A-Z_]+)*|SKIP:.+");

    @Test
    void everyClientHasOneWellFormedCellPerSingleUserScenario() throws IOException {
        Set<String> clients = new LinkedHashSet<>();
        rows("clients.tsv", 5, "name").values().forEach(cells -> clients.add(cells[0]));
        Set<String> scenarios = new TreeSet<>();
        for (Scenario scenario : ScenarioCatalog.builtIn().all()) {
            if (!scenario.tags().contains("load")) {
                scenarios.add(scenario.name());
            }
        }
        List<String> problems = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Map.Entry<String, String[]> row : rows("expected.tsv", 4, "client").entrySet()) {
            String[] cells = row.getValue();
            String where = "expected.tsv " + row.getKey();
            if (!clients.contains(cells[0])) problems.add(where + ": client '" + cells[0] + "' is not in clients.tsv");
            if (!scenarios.contains(cells[1])) problems.add(where + ": '" + cells[1] + "' is not a single-user catalog scenario");
            if (!EXPECTED.matcher(cells[2]).matches()) problems.add(where + ": '" + cells[2] + "' is not PASS, FAIL:CODE+CODE or SKIP:reason");
            if (cells[3].isBlank()) problems.add(where + ": no reason in the why column");
            if (!seen.add(cells[0] + " x " + cells[1])) problems.add(where + ": a second cell for " + cells[0] + " x " + cells[1]);
        }
        for (String client : clients) {
            for (String scenario : scenarios) {
                if (!seen.contains(client + " x " + scenario)) problems.add("expected.tsv: no cell for " + client + " x " + scenario);
            }
        }
        assertThat(problems).as("the real-SDK tables in %s", DIR).isEmpty();
    }

    @Test
    void everyCommandRunsAFileOfThisDirectory() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String[]> row : rows("clients.tsv", 5, "name").entrySet()) {
            String[] cells = row.getValue();
            assertThat(cells[1]).as("kind of %s", cells[0]).isEqualTo("sdk");
            for (String word : cells[2].split(" ")) {
                if (word.startsWith("harness/src/test/sdk/") && !Files.exists(Path.of("..").resolve(word))) {
                    problems.add("clients.tsv " + row.getKey() + ": " + cells[0] + " runs " + word + ", which does not exist");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    /** Rows by "line N", without comments, blank lines and the header row; each must have {@code columns} cells. */
    private static Map<String, String[]> rows(String file, int columns, String header) throws IOException {
        Map<String, String[]> rows = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(DIR.resolve(file), StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] cells = line.split("\t", -1);
            assertThat(cells).as("%s line %d: tab-separated cells", file, i + 1).hasSize(columns);
            if (!cells[0].equals(header)) {
                rows.put("line " + (i + 1), cells);
            }
        }
        return rows;
    }
}
