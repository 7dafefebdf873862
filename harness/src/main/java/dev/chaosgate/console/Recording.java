package dev.chaosgate.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chaosgate.fixtures.HttpHeader;
import dev.chaosgate.journal.Journal;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.upstream.FaultDecision;
import dev.chaosgate.upstream.UpstreamFault;
import dev.chaosgate.upstream.live.LiveAnswer;
import dev.chaosgate.upstream.live.Redaction;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
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
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One recorded stretch of a run of a scenario (a segment of a serve session's recording): every decision
 * the upstream took, with the exact answer it served. {@code chaosgate serve --replay FILE} serves the
 * decisions again in order, so what a QA person met can be met again, whatever the random draws, windows
 * or timing that chose the faults the first time.
 *
 * <p>A serve session's file holds every segment of the session: the first from the start, then one more
 * after each Reset or Switch. File format ({@value #FORMAT}), one JSON object:
 * <pre>{@code
 * {"format": "chaosgate-recording/2", "recorded": "2026-11-22T10:04:00Z",
 *  "segments": [{"segment": 1, "started": "2026-11-22T10:00:00Z", "cause": "start",
 *                "scenario": "brownout-30-percent", "seed": 7,
 *                "decisions": [{"sequence": 1, "generation": true, "phase": "brownout", "label": "502 cloudflare/502-branded (30%)",
 *                               "source": "SCENARIO", "values": {}, "fault": {"type": "error", "status": 502, ...}}, ...],
 *                "answers": [{"sequence": 2, "method": "POST", "path": "/v1/chat/completions", "requestSha256": "…",
 *                             "status": 200, "streamed": true, "complete": true, "reached": true,
 *                             "headers": [{"name": "content-type", "value": "text/event-stream"}], "body": "data: …"}],
 *                "journal": [ ...the journal's entries, as in its JSON lines export... ]},
 *               {"segment": 2, "cause": "reset", ...}]}
 * }</pre>
 * A file of the first format ({@value #FORMAT_1}: one object with {@code scenario}, {@code seed},
 * {@code decisions} and {@code journal}) is read as one segment. {@code answers} is there only for a live run
 * ({@code serve --upstream}): the real API's answers, each to the request of the decision with its {@code sequence};
 * a body that is not UTF-8 is in {@code bodyBase64}.
 */
public final class Recording {
    public static final String FORMAT = "chaosgate-recording/2";
    /** The format before segments: one recording per file. */
    public static final String FORMAT_1 = "chaosgate-recording/1";
    /** Why a segment started: the session started, or QA pressed Reset or switched scenario. */
    public static final String START = "start";
    public static final String RESET = "reset";
    public static final String SWITCH = "switch";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Scenario scenario;
    private final long seed;
    private final String cause;
    private final Instant started;
    private final List<FaultDecision> decisions = new ArrayList<>();
    /** The real API's answers of a live run, by their request's sequence. */
    private final Map<Long, LiveAnswer> answers = new LinkedHashMap<>();
    /** Bumped on every change, so a writer can tell whether there is anything new to save. */
    private long version;

    private Recording(Scenario scenario, long seed, String cause, Instant started, List<FaultDecision> decisions) {
        this.scenario = Objects.requireNonNull(scenario, "scenario cannot be null");
        this.seed = seed;
        this.cause = Objects.requireNonNull(cause, "cause cannot be null");
        this.started = started;
        this.decisions.addAll(decisions);
    }

    /** An empty recording of a run of {@code scenario} with {@code seed}, from the start of a session. */
    public static Recording start(Scenario scenario, long seed) {
        return start(scenario, seed, START);
    }

    /** An empty recording of {@code scenario} with {@code seed}, started for {@code cause} ({@link #START}, {@link #RESET}, {@link #SWITCH}). */
    public static Recording start(Scenario scenario, long seed, String cause) {
        return new Recording(scenario, seed, cause, Instant.now(), List.of());
    }

    /** Why this segment started: {@link #START}, {@link #RESET} or {@link #SWITCH}. */
    public String cause() {
        return cause;
    }

    /** When this segment started, or null when the file did not say (the first format). */
    public Instant started() {
        return started;
    }

    public synchronized void add(FaultDecision decision) {
        decisions.add(Objects.requireNonNull(decision, "decision cannot be null"));
        version++;
    }

    public synchronized List<FaultDecision> decisions() {
        return List.copyOf(decisions);
    }

    /** Records the real API's answer to the request of the decision with the same sequence (live mode). */
    public synchronized void add(LiveAnswer answer) {
        answers.put(Objects.requireNonNull(answer, "answer cannot be null").sequence(), answer);
        version++;
    }

    /** The real API's answers recorded in a live run, in the order their requests finished; empty otherwise. */
    public synchronized List<LiveAnswer> answers() {
        return List.copyOf(answers.values());
    }

    /** Whether this segment holds the decision for the request of {@code sequence}. */
    public synchronized boolean decided(long sequence) {
        for (int i = decisions.size() - 1; i >= 0; i--) {
            if (decisions.get(i).sequence() == sequence) {
                return true;
            }
        }
        return false;
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
     * Writes this recording and {@code journal} (null: none) to {@code file} as a file of one segment,
     * replacing it whole (see {@link #write(Path, List, List)}).
     *
     * @throws IOException naming the file when it cannot be written
     */
    public void write(Path file, Journal journal) throws IOException {
        write(file, List.of(this), java.util.Collections.singletonList(journal));
    }

    /**
     * Writes {@code segments}, each with the journal of the same index (null: none), to {@code file},
     * replacing it whole: the text goes to a temporary file beside it first, so a crash or a full disk
     * mid-write leaves the last complete recording in place; a temporary file that could not be written
     * whole is deleted.
     *
     * @throws IOException naming the file when it cannot be written
     */
    public static void write(Path file, List<Recording> segments, List<Journal> journals) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("recorded", Instant.now().toString());
        ArrayNode list = root.putArray("segments");
        for (int i = 0; i < segments.size(); i++) {
            ObjectNode segment = list.addObject();
            segment.put("segment", i + 1);
            segments.get(i).fill(segment, i < journals.size() ? journals.get(i) : null);
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

    private void fill(ObjectNode node, Journal journal) {
        if (started != null) {
            node.put("started", started.toString());
        }
        node.put("cause", cause);
        node.put("scenario", scenario.name());
        node.put("seed", seed);
        ArrayNode list = node.putArray("decisions");
        for (FaultDecision decision : decisions()) {
            ObjectNode entry = list.addObject();
            entry.put("sequence", decision.sequence());
            entry.put("generation", decision.generation());
            entry.put("phase", decision.phase());
            entry.put("label", decision.label());
            entry.put("source", decision.source().name());
            ObjectNode values = entry.putObject("values");
            decision.values().forEach(values::put);
            if (decision.fault() == null) {
                entry.putNull("fault");
            } else {
                entry.set("fault", FaultJson.write(decision.fault()));
            }
        }
        List<LiveAnswer> live = answers();
        if (!live.isEmpty()) {
            ArrayNode list2 = node.putArray("answers");
            for (LiveAnswer answer : live) {
                list2.add(answerJson(answer));
            }
        }
        ArrayNode entries = node.putArray("journal");
        if (journal != null) {
            for (Journal.Entry entry : journal.entries()) {
                entries.add(Journal.toJson(entry));
            }
        }
    }

    /** A real answer as the file holds it: its body as text when it is UTF-8, else in base64 ({@code bodyBase64}). */
    private static ObjectNode answerJson(LiveAnswer answer) {
        ObjectNode node = JSON.createObjectNode();
        node.put("sequence", answer.sequence());
        node.put("method", answer.method());
        node.put("path", answer.path());
        node.put("requestSha256", answer.requestSha256());
        node.put("status", answer.status());
        node.put("streamed", answer.streamed());
        node.put("complete", answer.complete());
        node.put("reached", answer.reached());
        ArrayNode headers = node.putArray("headers");
        for (HttpHeader header : answer.headers()) {
            headers.addObject().put("name", header.name()).put("value", Redaction.headerValue(header.name(), header.value()));
        }
        String text = utf8(answer.body());
        if (text != null) {
            node.put("body", text);
        } else {
            node.put("bodyBase64", Base64.getEncoder().encodeToString(answer.body()));
        }
        return node;
    }

    /** The bytes as text when they are valid UTF-8 (so they come back the same), else null. */
    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static LiveAnswer answer(JsonNode node, String where) {
        if (!node.isObject()) {
            throw new RecordingException(where + ": not an object");
        }
        for (String field : List.of("sequence", "status")) {
            if (!node.path(field).canConvertToLong()) {
                throw new RecordingException(where + "." + field + ": missing or not a whole number");
            }
        }
        for (String field : List.of("method", "path", "requestSha256")) {
            if (!node.path(field).isTextual()) {
                throw new RecordingException(where + "." + field + ": missing or not text");
            }
        }
        List<HttpHeader> headers = new ArrayList<>();
        JsonNode list = node.path("headers");
        for (int i = 0; i < list.size(); i++) {
            try {
                headers.add(new HttpHeader(list.get(i).path("name").asText(), list.get(i).path("value").asText()));
            } catch (IllegalArgumentException e) {
                throw new RecordingException(where + ".headers[" + i + "]: " + e.getMessage());
            }
        }
        byte[] body;
        if (node.path("body").isTextual()) {
            body = node.get("body").asText().getBytes(StandardCharsets.UTF_8);
        } else if (node.path("bodyBase64").isTextual()) {
            try {
                body = Base64.getDecoder().decode(node.get("bodyBase64").asText());
            } catch (IllegalArgumentException e) {
                throw new RecordingException(where + ".bodyBase64: not base64 (" + e.getMessage() + ")");
            }
        } else {
            throw new RecordingException(where + ": no body or bodyBase64");
        }
        return new LiveAnswer(node.get("sequence").asLong(), node.get("method").asText(), node.get("path").asText(),
                node.get("requestSha256").asText(), node.get("status").asInt(), headers, body,
                node.path("streamed").asBoolean(false), node.path("complete").asBoolean(true), node.path("reached").asBoolean(true));
    }

    /**
     * Reads the only segment of a recording written by {@link #write}; its scenario is looked up in
     * {@code catalog}.
     *
     * @throws RecordingException naming the file, the field and the fix, also when the file holds several
     *                            segments ({@link #readSegments} reads them all)
     */
    public static Recording read(Path file, ScenarioCatalog catalog) {
        List<Recording> segments = readSegments(file, catalog);
        if (segments.size() != 1) {
            throw new RecordingException(file + ": holds " + segments.size() + " segments; choose one with --segment N");
        }
        return segments.get(0);
    }

    /**
     * Reads every segment of a recording written by {@link #write} (a file of the first format is one
     * segment); their scenarios are looked up in {@code catalog}.
     *
     * @throws RecordingException naming the file, the field and the fix
     */
    public static List<Recording> readSegments(Path file, ScenarioCatalog catalog) {
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
        String format = root == null || !root.isObject() ? "" : root.path("format").asText();
        if (FORMAT_1.equals(format)) {
            return List.of(segment(root, file + ": ", catalog));
        }
        if (!FORMAT.equals(format)) {
            throw new RecordingException(file + ": not a chaosgate recording (format must be \"" + FORMAT + "\" or \""
                    + FORMAT_1 + "\"); give the file `chaosgate serve --record` wrote");
        }
        JsonNode list = root.path("segments");
        if (!list.isArray() || list.isEmpty()) {
            throw new RecordingException(file + ": segments: missing, empty or not a list");
        }
        List<Recording> segments = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!list.get(i).isObject()) {
                throw new RecordingException(file + ": segments[" + i + "]: not an object");
            }
            segments.add(segment(list.get(i), file + ": segments[" + i + "].", catalog));
        }
        return List.copyOf(segments);
    }

    /** One segment; {@code where} prefixes every field named in an error ({@code run.json: segments[1].}). */
    private static Recording segment(JsonNode node, String where, ScenarioCatalog catalog) {
        String name = node.path("scenario").asText("");
        Scenario scenario = catalog.find(name).orElseThrow(() -> new RecordingException(where + "scenario '" + name
                + "' is not in the catalog; run `chaosgate list` for the scenarios this chaosgate knows"));
        if (!node.path("seed").canConvertToLong()) {
            throw new RecordingException(where + "seed: missing or not a whole number");
        }
        List<FaultDecision> decisions = new ArrayList<>();
        JsonNode list = node.path("decisions");
        if (!list.isArray()) {
            throw new RecordingException(where + "decisions: missing or not a list");
        }
        for (int i = 0; i < list.size(); i++) {
            decisions.add(decision(list.get(i), where + "decisions[" + i + "]"));
        }
        Instant started = null;
        if (node.hasNonNull("started")) {
            try {
                started = Instant.parse(node.get("started").asText());
            } catch (java.time.format.DateTimeParseException e) {
                throw new RecordingException(where + "started: not an ISO-8601 instant, got '" + node.get("started").asText() + "'");
            }
        }
        Recording segment = new Recording(scenario, node.get("seed").asLong(), node.path("cause").asText(START), started, decisions);
        JsonNode answers = node.path("answers");
        if (!answers.isMissingNode() && !answers.isArray()) {
            throw new RecordingException(where + "answers: not a list");
        }
        for (int i = 0; i < answers.size(); i++) {
            segment.answers.put(answers.get(i).path("sequence").asLong(), answer(answers.get(i), where + "answers[" + i + "]"));
        }
        return segment;
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
