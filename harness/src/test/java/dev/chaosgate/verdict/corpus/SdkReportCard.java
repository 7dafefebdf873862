package dev.chaosgate.verdict.corpus;

import dev.chaosgate.verdict.FindingCode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The SDK resilience report card: every real SDK of the SDK corpus judged against the whole catalog, written from one
 * full matrix run ({@code scripts/sdk-report-card}) as {@code docs/sdk-report-card.md} and a standalone
 * {@code docs/sdk-report-card.html}. Per SDK: its version, what it handles and what the app around it must add (from
 * the findings it got); per scenario: chaosgate's verdict, and whether it is the one the SDK's published policy gives
 * ({@code expected.tsv}, derived from the SDK's source, never from chaosgate). A cell that differs is marked, so the
 * card never hides a disagreement.
 */
public final class SdkReportCard {
    /** What an app around the SDK must add when the SDK gets this finding (the finding's own fix, in a few words). */
    private static final Map<String, String> APP_MUST_ADD = Map.ofEntries(
            Map.entry("NO_RETRY", "retry transient failures (5xx, resets, 429 with a wait) itself"),
            Map.entry("NO_BACKOFF", "wait between retries (exponential backoff with jitter)"),
            Map.entry("TOO_MANY_ATTEMPTS", "cap the attempts of one action"),
            Map.entry("RETRY_AFTER_IGNORED", "honour Retry-After (wait at least what it asks)"),
            Map.entry("RETRIED_NON_RETRYABLE", "stop on errors a retry cannot fix (quota, request too large,"
                    + " x-should-retry: false, a stream already answered)"),
            Map.entry("CLIENT_HUNG", "a request timeout of its own (the SDK's default waits minutes)"),
            Map.entry("USER_KEPT_WAITING", "an idle timeout between stream events"),
            Map.entry("PROMPT_LOST", "keep the prompt when an answer fails or is cut"),
            Map.entry("TRUNCATION_UNDETECTED", "treat a stream that ends without its end marker as cut"),
            Map.entry("NO_GUIDANCE", "tell the user what happened and what to do"),
            Map.entry("WRONG_GUIDANCE", "tell the user the right thing for this failure"),
            Map.entry("RAW_ERROR_SHOWN", "never show the raw error body"),
            Map.entry("PROMPT_CHANGED", "send the user's prompt unchanged on a retry"),
            Map.entry("TLS_VERIFICATION_DISABLED", "keep certificate verification on"));

    private final Corpus corpus;
    private final List<CellResult> results;
    private final LocalDate date;
    private final String command;

    public SdkReportCard(Corpus corpus, List<CellResult> results, LocalDate date, String command) {
        this.corpus = corpus;
        this.results = List.copyOf(results);
        this.date = date;
        this.command = command;
    }

    /** Writes {@code sdk-report-card.md} and {@code sdk-report-card.html} into {@code directory}. */
    public void writeTo(Path directory) {
        try {
            Files.writeString(directory.resolve("sdk-report-card.md"), markdown(), StandardCharsets.UTF_8);
            Files.writeString(directory.resolve("sdk-report-card.html"), html(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report card into " + directory, e);
        }
    }

    /** The SDKs that were judged, in the order of clients.tsv. */
    List<CorpusClient> clients() {
        return corpus.clients().stream().filter(c -> results.stream().anyMatch(r -> r.cell().client().equals(c))).toList();
    }

    /** Scenario rows, each stream-mode row under its plain one. */
    List<String> rows() {
        List<String> rows = new ArrayList<>();
        for (String scenario : corpus.scenarios()) {
            for (String id : List.of(scenario, scenario + MatrixCell.STREAM_SUFFIX)) {
                if (corpus.cells().stream().anyMatch(c -> c.scenarioId().equals(id))) {
                    rows.add(id);
                }
            }
        }
        return rows;
    }

    private Optional<CellResult> result(CorpusClient client, String scenarioId) {
        return results.stream().filter(r -> r.cell().client().equals(client) && r.cell().scenarioId().equals(scenarioId)).findFirst();
    }

    private Optional<MatrixCell> cell(CorpusClient client, String scenarioId) {
        return corpus.cells().stream().filter(c -> c.client().equals(client) && c.scenarioId().equals(scenarioId)).findFirst();
    }

    /** The cell as the card writes it: PASS, the codes, "not judged" for a skip, and a mark where policy differs. */
    String cellText(CorpusClient client, String scenarioId) {
        Optional<MatrixCell> cell = cell(client, scenarioId);
        if (cell.isEmpty()) {
            return "";
        }
        if (cell.get().expected().kind() == ExpectedVerdict.Kind.SKIP) {
            return "not judged";
        }
        Optional<CellResult> result = result(client, scenarioId);
        if (result.isEmpty()) {
            return "not run";
        }
        String text = result.get().error() ? "ERROR" : result.get().codes().isEmpty() ? "PASS"
                : result.get().codes().stream().map(MatrixReport::abbreviate).collect(Collectors.joining("+"));
        return result.get().matches() ? text : text + " (policy: " + cell.get().expected() + ")";
    }

    /** One SDK's summary: cells judged, passed, and what the app must add with the scenarios that show it. */
    record Summary(CorpusClient client, int judged, int passed, int differ, Map<String, List<String>> byCode) {
        String handles() {
            return passed + " of " + judged;
        }
    }

    Summary summary(CorpusClient client) {
        int judged = 0;
        int passed = 0;
        int differ = 0;
        Map<String, List<String>> byCode = new TreeMap<>();
        for (CellResult result : results) {
            if (!result.cell().client().equals(client)) {
                continue;
            }
            judged++;
            if (!result.matches()) {
                differ++;
            }
            if (!result.error() && result.codes().isEmpty()) {
                passed++;
            }
            for (String code : result.codes()) {
                byCode.computeIfAbsent(code, c -> new ArrayList<>()).add(result.cell().scenarioId());
            }
        }
        return new Summary(client, judged, passed, differ, byCode);
    }

    private static String advice(String code) {
        return APP_MUST_ADD.getOrDefault(code, describe(code));
    }

    /**
     * What the app must add for {@code code}, found on {@code scenarios}: a client hangs for different reasons, and the
     * fix follows the reason (a server that never answers, a Retry-After it waits out whatever it asks, a stream that
     * broke off and that the SDK never completes).
     */
    static String advice(String code, List<String> scenarios) {
        if (!code.equals("CLIENT_HUNG")) {
            return advice(code);
        }
        Set<String> causes = new LinkedHashSet<>();
        for (String scenario : scenarios) {
            String id = scenario.replace("[stream]", "");
            causes.add(id.startsWith("retry-after") ? "a cap on how long it waits for a server's Retry-After"
                    : id.startsWith("stream-cut") ? "an end to the action when a stream breaks off before its end event"
                    + " (the SDK never completes it)"
                    : advice(code));
        }
        return String.join("; ", causes);
    }

    private static String describe(String code) {
        try {
            return FindingCode.valueOf(code).summary();
        } catch (IllegalArgumentException e) {
            return code;
        }
    }

    /**
     * The SDK part of a client's description: its text up to the first comma outside parentheses, or the first colon
     * outside them that starts a sentence ({@code maxRetries: 0} is part of the SDK's settings).
     */
    static String sdk(CorpusClient client) {
        String description = client.description();
        int depth = 0;
        for (int i = 0; i < description.length(); i++) {
            char c = description.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth = Math.max(0, depth - 1);
            } else if (depth == 0 && (c == ',' || c == ':' && startsWords(description, i + 1))) {
                return description.substring(0, i).strip();
            }
        }
        return description.strip();
    }

    private static boolean startsWords(String text, int from) {
        String rest = text.substring(from).stripLeading();
        return !rest.isEmpty() && Character.isLetter(rest.charAt(0));
    }

    private int differing() {
        return (int) results.stream().filter(r -> !r.matches()).count();
    }

    public String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("# SDK resilience report card\n\n");
        out.append("<!-- Generated by ").append(command).append("; do not edit by hand. -->\n\n");
        out.append("Every real SDK chaosgate judges, played against the whole scenario catalog on ").append(date)
                .append(". Each SDK runs inside the same thin, careful chat app (docs/sdk-policies.md: one call with the")
                .append(" SDK's defaults, no retry loop of its own, errors mapped to plain messages, the prompt kept), so what")
                .append(" it gets wrong is what the SDK does. Every verdict below is chaosgate's, from the latest run of each cell; each was")
                .append(" also derived beforehand from the SDK's published retry policy and source (docs/sdk-policies.md)")
                .append(differing() == 0 ? ", and all " + results.size() + " agree."
                        : ", and " + differing() + " of " + results.size() + " differ: those cells say what the policy gives.")
                .append("\n\nRegenerate: `").append(command).append("` (runs every cell; 30 to 50 minutes on 2 cores).\n\n");
        out.append("## Per SDK\n\n| client | SDK | scenarios passed | what the app must add |\n|---|---|---|---|\n");
        for (CorpusClient client : clients()) {
            Summary summary = summary(client);
            String adds = summary.byCode().isEmpty() ? "nothing the catalog found"
                    : summary.byCode().entrySet().stream().map(e -> advice(e.getKey(), e.getValue()) + " (`" + e.getKey() + "`: "
                            + e.getValue().size() + ")").collect(Collectors.joining("; "));
            out.append("| `").append(client.name()).append("` | ").append(sdk(client)).append(" | ")
                    .append(summary.handles()).append(" | ").append(adds).append(" |\n");
        }
        out.append("\n## Per scenario\n\nPASS, or the findings (").append(legend()).append("); \"not judged\": a cell whose")
                .append(" verdict is not derived yet (the reason is in harness/src/test/sdk/expected.tsv). `[stream]`: the")
                .append(" same scenario with the answer asked for as a stream.\n\n");
        List<CorpusClient> clients = clients();
        out.append("| scenario |");
        clients.forEach(c -> out.append(" `").append(c.name()).append("` |"));
        out.append("\n|---|");
        clients.forEach(c -> out.append("---|"));
        out.append('\n');
        for (String row : rows()) {
            out.append("| ").append(row).append(" |");
            for (CorpusClient client : clients) {
                out.append(' ').append(cellText(client, row)).append(" |");
            }
            out.append('\n');
        }
        return out.toString();
    }

    private String legend() {
        TreeSet<String> codes = new TreeSet<>();
        results.forEach(r -> codes.addAll(r.codes()));
        return codes.stream().map(c -> MatrixReport.abbreviate(c) + " = " + c).collect(Collectors.joining(", "));
    }

    public String html() {
        StringBuilder out = new StringBuilder();
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>chaosgate SDK resilience report card</title>\n<style>\n")
                .append("body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}")
                .append("th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}")
                .append("td.pass{background:#e6f4ea}td.fail{background:#fce8e6}td.skip{color:#777}td.differs{outline:2px solid #b00}")
                .append("th{background:#f3f3f3;position:sticky;top:0}\n</style>\n</head>\n<body>\n");
        out.append("<h1>SDK resilience report card</h1>\n<p>Every real SDK chaosgate judges, against the whole scenario catalog, on ")
                .append(date).append(". Regenerate with <code>").append(escape(command)).append("</code>. ")
                .append(differing() == 0 ? "All " + results.size() + " verdicts agree with the SDKs' published policies."
                        : differing() + " of " + results.size() + " verdicts differ from the SDKs' policies (outlined).")
                .append("</p>\n<h2>Per SDK</h2>\n<table>\n<tr><th>client</th><th>SDK</th><th>scenarios passed</th><th>what the app must add</th></tr>\n");
        for (CorpusClient client : clients()) {
            Summary summary = summary(client);
            out.append("<tr><td><code>").append(escape(client.name())).append("</code></td><td>").append(escape(sdk(client)))
                    .append("</td><td>").append(summary.handles()).append("</td><td>");
            if (summary.byCode().isEmpty()) {
                out.append("nothing the catalog found");
            } else {
                out.append("<ul>");
                summary.byCode().forEach((code, scenarios) -> out.append("<li>").append(escape(advice(code, scenarios))).append(" (<code>")
                        .append(code).append("</code>: ").append(escape(String.join(", ", scenarios))).append(")</li>"));
                out.append("</ul>");
            }
            out.append("</td></tr>\n");
        }
        out.append("</table>\n<h2>Per scenario</h2>\n<table>\n<tr><th>scenario</th>");
        List<CorpusClient> clients = clients();
        clients.forEach(c -> out.append("<th>").append(escape(c.name())).append("</th>"));
        out.append("</tr>\n");
        for (String row : rows()) {
            out.append("<tr><td>").append(escape(row)).append("</td>");
            for (CorpusClient client : clients) {
                String text = cellText(client, row);
                String kind = text.startsWith("PASS") ? "pass" : text.equals("not judged") || text.isEmpty() ? "skip" : "fail";
                boolean differs = text.contains("(policy:");
                Optional<CellResult> result = result(client, row);
                String title = result.map(r -> r.codes().stream().map(c -> c + ": " + describe(c)).collect(Collectors.joining("\n")))
                        .orElse("");
                out.append("<td class=\"").append(kind).append(differs ? " differs" : "").append("\" title=\"")
                        .append(escape(title)).append("\">").append(escape(text)).append("</td>");
            }
            out.append("</tr>\n");
        }
        out.append("</table>\n</body>\n</html>\n");
        return out.toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
