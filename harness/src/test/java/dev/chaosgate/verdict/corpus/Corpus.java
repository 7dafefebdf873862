package dev.chaosgate.verdict.corpus;

import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.scenario.StreamMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A corpus directory: {@code clients.tsv} (name, kind, command, prompt, description), {@code expected.tsv}
 * (client, scenario, expected verdict, why) with one line for every client and every catalog scenario (plus, optionally,
 * stream-mode cells written {@code scenario[stream]}: the client asked to stream), and
 * optionally {@code fast.tsv} (client, scenario): the cells the default build runs. Lines starting with
 * {@code #} and blank lines are comments. Every problem is reported with its file, line and the fix.
 */
public record Corpus(Path dir, List<CorpusClient> clients, List<String> scenarios, List<MatrixCell> cells,
                     List<MatrixCell> fastCells) {

    public static final String CLIENTS = "clients.tsv";
    public static final String EXPECTED = "expected.tsv";
    public static final String FAST = "fast.tsv";

    public String name() {
        return dir.getFileName().toString();
    }

    public static Corpus load(Path dir) {
        List<String> scenarios = ScenarioCatalog.builtIn().all().stream().map(Scenario::name).toList();
        Map<String, CorpusClient> clients = new LinkedHashMap<>();
        for (Row row : rows(dir.resolve(CLIENTS), 5)) {
            String kind = row.field(1);
            if (!kind.equals("good") && !kind.equals("flawed") && !kind.equals("sdk")) {
                throw row.problem("kind is '" + kind + "': write good, flawed or sdk");
            }
            if (row.field(0).isEmpty() || row.field(2).isEmpty()) {
                throw row.problem("a client needs a name and a command");
            }
            if (clients.putIfAbsent(row.field(0), new CorpusClient(row.field(0), kind, row.field(2),
                    row.field(3).equals("-") ? "" : row.field(3), row.field(4))) != null) {
                throw row.problem("client '" + row.field(0) + "' is listed twice");
            }
        }
        Map<String, MatrixCell> cells = new LinkedHashMap<>();
        for (Row row : rows(dir.resolve(EXPECTED), 3)) {
            CorpusClient client = client(clients, row);
            String scenario = scenario(scenarios, row);
            boolean streamed = streamed(row);
            ExpectedVerdict expected;
            try {
                expected = ExpectedVerdict.parse(row.field(2));
            } catch (IllegalArgumentException e) {
                throw row.problem(e.getMessage());
            }
            if (expected.kind() != ExpectedVerdict.Kind.PASS && row.field(3).isEmpty()) {
                throw row.problem("a " + expected.kind() + " cell needs a one-line justification in the 4th column");
            }
            MatrixCell cell = new MatrixCell(client, scenario, streamed, expected, row.field(3), row.line());
            if (cells.putIfAbsent(cell.id(), cell) != null) {
                throw row.problem("the cell " + cell.id() + " is listed twice");
            }
        }
        List<String> missing = new ArrayList<>();
        for (CorpusClient client : clients.values()) {
            for (String scenario : scenarios) {
                if (!cells.containsKey(client.name() + " x " + scenario)) {
                    missing.add(client.name() + " x " + scenario);
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(dir.resolve(EXPECTED) + ": " + missing.size() + " cell(s) missing, e.g. "
                    + missing.stream().limit(5).collect(Collectors.joining(", "))
                    + "; every client needs a line for every catalog scenario (SKIP:<reason> where it does not apply)");
        }
        List<MatrixCell> fast = new ArrayList<>();
        if (Files.exists(dir.resolve(FAST))) {
            for (Row row : rows(dir.resolve(FAST), 2)) {
                String id = client(clients, row).name() + " x " + scenario(scenarios, row) + (streamed(row) ? MatrixCell.STREAM_SUFFIX : "");
                MatrixCell cell = cells.get(id);
                if (cell == null) {
                    throw row.problem("the cell " + id + " has no line in " + EXPECTED + "; add it there with its expected verdict");
                }
                if (cell.expected().kind() == ExpectedVerdict.Kind.SKIP) {
                    throw row.problem("the cell " + cell.id() + " is a SKIP in " + EXPECTED + "; choose a cell that runs");
                }
                fast.add(cell);
            }
        } else {
            // No choice made: the first cell that runs of each client, so every client is started once.
            for (CorpusClient client : clients.values()) {
                cells.values().stream().filter(c -> c.client().equals(client) && c.expected().kind() != ExpectedVerdict.Kind.SKIP)
                        .findFirst().ifPresent(fast::add);
            }
        }
        return new Corpus(dir, List.copyOf(clients.values()), scenarios, List.copyOf(cells.values()), List.copyOf(fast));
    }

    private static CorpusClient client(Map<String, CorpusClient> clients, Row row) {
        CorpusClient client = clients.get(row.field(0));
        if (client == null) {
            throw row.problem("no client '" + row.field(0) + "' in " + CLIENTS + " (clients: " + String.join(", ", clients.keySet()) + ")");
        }
        return client;
    }

    /** The scenario's name, without a {@code [stream]} suffix. */
    private static String scenario(List<String> scenarios, Row row) {
        String name = row.field(1);
        if (name.endsWith(MatrixCell.STREAM_SUFFIX)) {
            name = name.substring(0, name.length() - MatrixCell.STREAM_SUFFIX.length()).strip();
        } else if (name.contains("[")) {
            throw row.problem("'" + row.field(1) + "': the only mode a cell can name is " + MatrixCell.STREAM_SUFFIX
                    + ", right after the scenario (bad-gateway-burst" + MatrixCell.STREAM_SUFFIX + ")");
        }
        if (!scenarios.contains(name)) {
            throw row.problem("'" + name + "' is not a catalog scenario (see `chaosgate list`)");
        }
        return name;
    }

    /** Whether the scenario column asks for the stream mode; a scenario whose faults exist only in streams is streamed anyway. */
    private static boolean streamed(Row row) {
        if (!row.field(1).endsWith(MatrixCell.STREAM_SUFFIX)) {
            return false;
        }
        String name = row.field(1).substring(0, row.field(1).length() - MatrixCell.STREAM_SUFFIX.length()).strip();
        if (StreamMode.streamOnly(ScenarioCatalog.builtIn().get(name))) {
            throw row.problem("'" + name + "' is always played streamed (its faults exist only in a stream): write it without "
                    + MatrixCell.STREAM_SUFFIX);
        }
        return true;
    }

    /**
     * The cells selected by client names and scenario columns (empty sets select all): {@code bad-gateway-burst}
     * selects that plain cell, {@code bad-gateway-burst[stream]} its stream-mode cell.
     */
    public static List<MatrixCell> select(List<MatrixCell> cells, Set<String> clients, Set<String> scenarios) {
        return cells.stream().filter(c -> clients.isEmpty() || clients.contains(c.client().name()))
                .filter(c -> scenarios.isEmpty() || scenarios.contains(c.scenarioId())).toList();
    }

    private record Row(Path file, int line, String[] fields) {
        String field(int index) {
            return index < fields.length ? fields[index].strip() : "";
        }

        IllegalArgumentException problem(String what) {
            return new IllegalArgumentException(file + ":" + line + ": " + what);
        }
    }

    private static List<Row> rows(Path file, int minFields) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(file + " cannot be read (" + e.getMessage() + "); a corpus directory holds "
                    + CLIENTS + " and " + EXPECTED, e);
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i);
            if (text.isBlank() || text.startsWith("#")) {
                continue;
            }
            Row row = new Row(file, i + 1, text.split("\t", -1));
            if (row.fields().length < minFields) {
                throw row.problem("expected at least " + minFields + " tab-separated fields, found " + row.fields().length);
            }
            rows.add(row);
        }
        return rows;
    }
}
