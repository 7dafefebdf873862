package dev.chaosgate.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chaosgate.journal.Journal;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.upstream.FaultDecision;
import dev.chaosgate.upstream.UpstreamFault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One recorded run of a scenario: every decision the upstream took, with the exact answer it
 * served, and the journal. {@code chaosgate serve --replay FILE} serves the decisions again in
 * order, so what a QA person met can be met again, whatever the random draws, windows or timing
 * that chose the faults the first time.
 *
 * <p>File format ({@value #FORMAT}), one JSON object:
 * <pre>{@code
 * {"format": "chaosgate-recording/1", "scenario": "brownout-30-percent", "seed": 7, "recorded": "2026-11-22T10:00:00Z",
 *  "decisions": [{"sequence": 1, "generation": true, "phase": "brownout", "label": "502 cloudflare/502-branded (30%)",
 *                 "source": "SCENARIO", "values": {}, "fault": {"type": "error", "status": 502, ...}}, ...],
 *  "journal": [ ...the journal's entries, as in its JSON lines export... ]}
 * }</pre>
 */
public final class Recording {
    public static final String FORMAT = "chaosgate-recording/1";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Scenario scenario;
    private final long seed;
    private final List<FaultDecision> decisions = new ArrayList<>();
    /** Bumped on every change, so a writer can tell whether there is anything new to save. */
    private long version;

    private Recording(Scenario scenario, long seed, List<FaultDecision> decisions) {
        this.scenario = Objects.requireNonNull(scenario, "scenario cannot be null");
        this.seed = seed;
        this.decisions.addAll(decisions);
    }

    /** An empty recording of a run of {@code scenario} with {@code seed}. */
    public static Recording start(Scenario scenario, long seed) {
        return new Recording(scenario, seed, List.of());
    }

    public synchronized void add(FaultDecision decision) {
        decisions.add(Objects.requireNonNull(decision, "decision cannot be null"));
        version++;
    }

    public synchronized List<FaultDecision> decisions() {
        return List.copyOf(decisions);
    }

    /** Changes so far (decisions added); equal versions mean nothing new to write. */
    public synchronized long version() {
        return version;
    }

    public Scenario scenario() {
        return scenario;
    }

    public long seed() {
        return seed;
    }

    /**
     * Writes the recording and {@code journal} (null: none) to {@code file}, replacing it whole: the
     * text goes to a temporary file beside it first, so a crash or a full disk mid-write leaves the last
     * complete recording in place; a temporary file that could not be written whole is deleted.
     *
     * @throws IOException naming the file when it cannot be written
     */
    public void write(Path file, Journal journal) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("scenario", scenario.name());
        root.put("seed", seed);
        root.put("recorded", Instant.now().toString());
        ArrayNode list = root.putArray("decisions");
        for (FaultDecision decision : decisions()) {
            ObjectNode node = list.addObject();
            node.put("sequence", decision.sequence());
            node.put("generation", decision.generation());
            node.put("phase", decision.phase());
            node.put("label", decision.label());
            node.put("source", decision.source().name());
            ObjectNode values = node.putObject("values");
            decision.values().forEach(values::put);
            if (decision.fault() == null) {
                node.putNull("fault");
            } else {
                node.set("fault", FaultJson.write(decision.fault()));
            }
        }
        ArrayNode entries = root.putArray("journal");
        if (journal != null) {
            for (Journal.Entry entry : journal.entries()) {
                entries.add(Journal.toJson(entry));
            }
        }
        Path absolute = file.toAbsolutePath();
        Path parent = absolute.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path temporary = absolute.resolveSibling(absolute.getFileName() + ".tmp");
        try {
            // NOFOLLOW_LINKS: a link planted as the temporary file is refused, not written through.
            Files.writeString(temporary, JSON.writeValueAsString(root) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
            try {
                Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // what matters is the write's failure
            }
            throw e;
        }
    }

    /**
     * Reads a recording written by {@link #write}; its scenario is looked up in {@code catalog}.
     *
     * @throws RecordingException naming the file, the field and the fix
     */
    public static Recording read(Path file, ScenarioCatalog catalog) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new RecordingException(file + ": no such file; give the file `chaosgate serve --record` wrote");
        } catch (IOException e) {
            throw new RecordingException(file + ": cannot be read (" + e.getMessage() + ")");
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new RecordingException(file + ":" + e.getLocation().getLineNr() + ":" + e.getLocation().getColumnNr()
                    + ": not valid JSON (" + e.getOriginalMessage() + "); give the file `chaosgate serve --record` wrote");
        }
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())) {
            throw new RecordingException(file + ": not a chaosgate recording (format must be \"" + FORMAT
                    + "\"); give the file `chaosgate serve --record` wrote");
        }
        String name = root.path("scenario").asText("");
        Scenario scenario = catalog.find(name).orElseThrow(() -> new RecordingException(file + ": scenario '" + name
                + "' is not in the catalog; run `chaosgate list` for the scenarios this chaosgate knows"));
        if (!root.path("seed").canConvertToLong()) {
            throw new RecordingException(file + ": seed: missing or not a whole number");
        }
        List<FaultDecision> decisions = new ArrayList<>();
        JsonNode list = root.path("decisions");
        if (!list.isArray()) {
            throw new RecordingException(file + ": decisions: missing or not a list");
        }
        for (int i = 0; i < list.size(); i++) {
            decisions.add(decision(list.get(i), file + ": decisions[" + i + "]"));
        }
        return new Recording(scenario, root.get("seed").asLong(), decisions);
    }

    private static FaultDecision decision(JsonNode node, String where) {
        if (!node.isObject()) {
            throw new RecordingException(where + ": not an object");
        }
        FaultDecision.Source source;
        try {
            source = FaultDecision.Source.valueOf(node.path("source").asText("SCENARIO").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new RecordingException(where + ".source: unknown source '" + node.path("source").asText()
                    + "'; expected SCENARIO, INJECTED, PAUSED or REPLAY");
        }
        Map<String, String> values = new LinkedHashMap<>();
        node.path("values").properties().forEach(e -> values.put(e.getKey(), e.getValue().asText()));
        JsonNode fault = node.get("fault");
        UpstreamFault served = fault == null || fault.isNull() ? null : FaultJson.read(fault, where + ".fault");
        return new FaultDecision(node.path("sequence").asLong(0), node.path("generation").asBoolean(true),
                textOrNull(node, "phase"), textOrNull(node, "label"), served, values, source);
    }

    private static String textOrNull(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
