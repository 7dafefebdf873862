package dev.chaosgate.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.verdict.Attempt;
import dev.chaosgate.verdict.ClientReport;
import dev.chaosgate.verdict.Finding;
import dev.chaosgate.verdict.CrowdVerdict;
import dev.chaosgate.verdict.Verdict;

import java.time.Duration;
import java.util.List;

/**
 * {@code report.json}: the run for tools. The field names and their order are a contract
 * ({@code docs/reports.md}); fields are added, never renamed. Times are whole milliseconds.
 *
 * <pre>{@code
 * { "tool": "chaosgate", "version": "0.1.0", "client": "...", "seed": null, "started": "2025-...Z", "durationMs": 1234,
 *   "summary": { "total": 3, "passed": 1, "failed": 1, "skipped": 1 },
 *   "scenarios": [ { "name": ..., "verdict": "FAIL", "attempts": 1, "findings": [ ... ], "timeline": [ ... ], ..., "stream": false } ] }
 * }</pre>
 */
public final class JsonReport {
    /** The version written in {@code "version"}. */
    public static final String VERSION = "0.1.0";

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {
    }

    /** The report as pretty-printed JSON, ending with a newline. */
    public static String render(RunResult run) {
        try {
            return MAPPER.writeValueAsString(toJson(run)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot print the JSON report", e);
        }
    }

    /** The report as a tree, fields in their documented order. */
    public static ObjectNode toJson(RunResult run) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("tool", "chaosgate");
        root.put("version", VERSION);
        root.put("client", run.client());
        if (run.seed() == null) {
            root.putNull("seed");
        } else {
            root.put("seed", run.seed());
        }
        root.put("started", run.started().toString());
        root.put("durationMs", run.elapsed().toMillis());
        // false while a run is going, and for good when it stopped early: the rows not played are ERROR rows.
        root.put("complete", run.complete());
        root.put("stoppedBecause", run.stoppedBecause());
        ObjectNode summary = root.putObject("summary");
        summary.put("total", run.outcomes().size());
        summary.put("passed", run.count(ScenarioOutcome.Status.PASS));
        summary.put("failed", run.count(ScenarioOutcome.Status.FAIL));
        summary.put("skipped", run.count(ScenarioOutcome.Status.SKIPPED));
        summary.put("errors", run.count(ScenarioOutcome.Status.ERROR));
        ArrayNode scenarios = root.putArray("scenarios");
        run.outcomes().forEach(outcome -> scenarios.add(scenario(outcome)));
        return root;
    }

    private static ObjectNode scenario(ScenarioOutcome outcome) {
        Scenario scenario = outcome.scenario();
        Verdict verdict = outcome.verdict();
        ObjectNode node = MAPPER.createObjectNode();
        node.put("name", scenario.name());
        node.put("description", scenario.description());
        node.put("verdict", outcome.status().name());
        node.put("seed", scenario.seed());
        node.put("durationMs", outcome.elapsed().toMillis());
        node.put("attempts", verdict == null ? 0 : verdict.attempts().size());
        putFindings(node, verdict == null ? List.of() : verdict.findings());
        // What the judges could not judge and why (a message in a language the catalog lacks); never a failure.
        ArrayNode notes = node.putArray("notes");
        (verdict == null ? List.<String>of() : verdict.notes()).forEach(notes::add);
        ArrayNode thread = node.putArray("thread");
        (verdict == null ? List.<String>of() : verdict.report().thread()).forEach(thread::add);
        node.put("expected", Verdict.describe(scenario.expect()));
        // With an anyOf expectation: each alternative tried, and which one the findings are of; else empty.
        ArrayNode alternatives = node.putArray("alternatives");
        if (verdict != null) {
            for (int i = 0; i < verdict.alternatives().size(); i++) {
                Verdict.Alternative alternative = verdict.alternatives().get(i);
                ObjectNode a = alternatives.addObject();
                a.put("expected", Verdict.describe(alternative.expectation()));
                a.put("verdict", alternative.passed() ? "PASS" : "FAIL");
                ArrayNode codes = a.putArray("codes");
                alternative.findings().stream().map(f -> f.code().name()).distinct().forEach(codes::add);
                a.put("judged", i == verdict.closest());
            }
        }
        ArrayNode timeline = node.putArray("timeline");
        for (Attempt attempt : verdict == null ? List.<Attempt>of() : verdict.attempts()) {
            timeline.add(attempt(attempt, verdict));
        }
        node.put("otherCalls", verdict == null ? 0 : verdict.otherCalls().size());
        ArrayNode shown = node.putArray("shown");
        if (verdict != null) {
            verdict.report().shown().forEach(shown::add);
        }
        // The same texts with their message key and when each was on screen (client protocol 2: lines read as they came).
        ArrayNode screen = node.putArray("screen");
        if (verdict != null) {
            ClientReport report = verdict.report();
            for (int i = 0; i < report.shown().size(); i++) {
                ClientReport.Appearance appearance = report.appearances().get(i);
                ObjectNode text = screen.addObject();
                text.put("text", report.shown().get(i));
                text.put("key", report.messageKeys().get(i));
                putMillis(text, "shownMs", report.sinceStart(appearance.shown()).orElse(null));
                putMillis(text, "updatedMs", report.sinceStart(appearance.updated()).orElse(null));
                text.put("partial", appearance.partial());
            }
        }
        node.put("draft", verdict == null ? "" : verdict.report().draft());
        putMillis(node, "clientStoppedAfterMs", verdict == null ? null : verdict.report().stoppedAfter());
        node.put("note", outcome.note());
        ArrayNode output = node.putArray("clientOutput");
        outcome.clientOutput().forEach(output::add);
        // Added last, so readers of the first format see their fields where they were.
        node.put("stream", outcome.mode().streamed());
        ArrayNode stderr = node.putArray("clientStderr");
        outcome.clientStderr().forEach(stderr::add);
        // A row played by several users at once: the aggregate and each user's verdict; null for one user's action.
        if (outcome.crowd() == null) {
            node.putNull("crowd");
        } else {
            node.set("crowd", crowd(outcome.crowd()));
        }
        return node;
    }

    private static ObjectNode crowd(CrowdVerdict crowd) {
        ObjectNode node = MAPPER.createObjectNode();
        CrowdVerdict.Figures figures = crowd.figures();
        node.put("users", figures.users());
        node.put("answered", figures.answered());
        node.put("attempts", figures.attempts());
        node.put("amplification", Math.round(figures.amplification() * 100) / 100.0);
        node.put("maxAmplification", crowd.crowd().maxAmplification());
        node.put("peakLoad", figures.peakLoad());
        node.put("capacity", figures.capacity());
        node.put("loadUnit", figures.loadUnit());
        node.put("turnedAway", figures.turnedAway());
        node.put("overloadLastedMs", figures.overloadLasted().toMillis());
        node.put("retriesAfterWait", figures.retriesAfterWait());
        putMillis(node, "retryWaitSpreadMs", figures.retryWaitSpread());
        node.put("unattributed", figures.unattributed());
        node.put("arrivalMs", crowd.crowd().arrival().toMillis());
        node.put("answerTimeMs", crowd.crowd().answerTime().toMillis());
        putFindings(node, crowd.findings());
        ArrayNode notes = node.putArray("notes");
        crowd.notes().forEach(notes::add);
        ArrayNode users = node.putArray("perUser");
        for (CrowdVerdict.UserVerdict user : crowd.users()) {
            Verdict verdict = user.verdict();
            ObjectNode u = users.addObject();
            u.put("user", user.user());
            u.put("verdict", verdict.passed() ? "PASS" : "FAIL");
            u.put("prompt", verdict.report().prompt());
            u.put("attempts", verdict.attempts().size());
            u.put("answered", user.answered());
            putFindings(u, verdict.findings());
            ArrayNode timeline = u.putArray("timeline");
            verdict.attempts().forEach(a -> timeline.add(attempt(a, verdict)));
            ArrayNode shown = u.putArray("shown");
            verdict.report().shown().forEach(shown::add);
            u.put("draft", verdict.report().draft());
        }
        return node;
    }

    private static ObjectNode attempt(Attempt attempt, Verdict verdict) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("number", attempt.number());
        node.put("offsetMs", attempt.offset().toMillis());
        putMillis(node, "gapMs", attempt.gap());
        node.put("durationMs", attempt.exchange().duration().toMillis());
        node.put("status", attempt.status());
        node.put("http", attempt.exchange().httpVersion());
        node.put("fault", attempt.exchange().fault());
        node.put("failureClass", attempt.failureClass());
        // The one failure rule, with the catalog the verdict was judged against.
        node.put("failed", verdict.failed(attempt));
        node.put("retryable", verdict.retryable(attempt));
        node.put("phase", attempt.exchange().phase());
        putMillis(node, "askedWaitMs", attempt.askedWait());
        node.put("prompt", attempt.prompt());
        return node;
    }

    private static void putMillis(ObjectNode node, String field, Duration value) {
        if (value == null) {
            node.putNull(field);
        } else {
            node.put(field, value.toMillis());
        }
    }

    /** {@code "findings": [{"code", "message", "evidence": [...]}, ...]} on {@code node}. */
    private static void putFindings(ObjectNode node, List<Finding> findings) {
        ArrayNode array = node.putArray("findings");
        for (Finding finding : findings) {
            ObjectNode f = array.addObject();
            f.put("code", finding.code().name());
            f.put("message", finding.message());
            ArrayNode evidence = f.putArray("evidence");
            finding.evidence().forEach(evidence::add);
        }
    }
}
