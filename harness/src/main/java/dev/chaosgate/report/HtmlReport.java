package dev.chaosgate.report;

import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.verdict.Attempt;
import dev.chaosgate.verdict.Finding;
import dev.chaosgate.verdict.FindingCode;
import dev.chaosgate.verdict.CrowdVerdict;
import dev.chaosgate.verdict.Verdict;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * {@code report.html}: the run for people, in one self-contained file (inline CSS and SVG; no script, font or
 * other file fetched), so it can be attached to a CI build or mailed. A header with the client and the counts, a
 * summary table linking to one section per scenario: what the gateway did, what a good client does, the verdict
 * and its findings, what the client showed, and a timeline of the attempts ({@link TimelineSvg}).
 */
public final class HtmlReport {
    private static final DateTimeFormatter STARTED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT);

    private HtmlReport() {
    }

    public static String render(RunResult run) {
        StringBuilder html = new StringBuilder(16_384);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(Html.escape(title(run))).append("</title>\n")
                .append("<style>\n").append(HtmlStyle.CSS).append("</style>\n</head>\n<body>\n");
        header(html, run);
        summary(html, run);
        legend(html);
        for (int i = 0; i < run.outcomes().size(); i++) {
            section(html, run.outcomes().get(i), i);
        }
        html.append("<footer>chaosgate ").append(JsonReport.VERSION)
                .append(" · the same run as data: report.json · for CI: junit.xml</footer>\n</body>\n</html>\n");
        return html.toString();
    }

    private static String title(RunResult run) {
        long failed = run.count(ScenarioOutcome.Status.FAIL);
        String state = !run.complete() ? "incomplete" : failed > 0 ? failed + " failed"
                : run.count(ScenarioOutcome.Status.ERROR) > 0 ? "errors" : run.judged() == 0 ? "no scenarios ran" : "all passed";
        return "chaosgate: " + state + " – " + run.client();
    }

    private static void header(StringBuilder html, RunResult run) {
        long passed = run.count(ScenarioOutcome.Status.PASS);
        long failed = run.count(ScenarioOutcome.Status.FAIL);
        long skipped = run.count(ScenarioOutcome.Status.SKIPPED);
        long errors = run.count(ScenarioOutcome.Status.ERROR);
        // Green only over verdicts that passed: a run that judged nothing, or stopped early, is not a pass.
        String headline = run.headline();
        String css = switch (headline) {
            case "PASSED" -> "pass";
            case "NO SCENARIOS RAN" -> "skip";
            default -> "fail";
        };
        html.append("<header id=\"top\">\n<h1>chaosgate report <span class=\"badge big ").append(css).append("\">")
                .append(headline).append("</span></h1>\n");
        if (!run.complete()) {
            html.append("<p class=\"banner\"><strong>This run is incomplete:</strong> ").append(Html.escape(run.stoppedBecause()))
                    .append(". ").append(errors).append(errors == 1 ? " row was" : " rows were")
                    .append(" not judged (ERROR below); the verdicts shown are those reached before it stopped.</p>\n");
        } else if (run.judged() == 0) {
            html.append("<p class=\"banner\"><strong>No scenarios ran:</strong> every row was skipped, so nothing was judged.</p>\n");
        }
        html.append("<p class=\"client\">Client under test: <code>").append(Html.escape(run.client())).append("</code></p>\n");
        html.append("<p class=\"counts\"><span class=\"count pass\">").append(passed).append(" passed</span> ")
                .append("<span class=\"count ").append(failed > 0 ? "fail" : "zero").append("\">").append(failed).append(" failed</span> ")
                .append("<span class=\"count skip\">").append(skipped).append(" skipped</span> ")
                .append(errors == 0 ? "" : "<span class=\"count fail\">" + errors + " not judged</span> ")
                .append("<span class=\"meta\">").append(size(run)).append(" in ")
                .append(human(run.elapsed())).append(" · started ")
                .append(STARTED.format(run.started().truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC)))
                .append(" · seed ").append(run.seed() == null ? "per scenario" : run.seed()).append("</span></p>\n</header>\n");
    }

    /** {@code 5 scenarios}, or {@code 74 rows (40 scenarios)} when scenarios were played in both modes. */
    private static String size(RunResult run) {
        long scenarios = run.outcomes().stream().map(o -> o.scenario().name()).distinct().count();
        return scenarios == run.outcomes().size() ? scenarios + " scenarios"
                : run.outcomes().size() + " rows (" + scenarios + (scenarios == 1 ? " scenario)" : " scenarios)");
    }

    private static void summary(StringBuilder html, RunResult run) {
        html.append("<table class=\"summary\">\n<thead><tr><th class=\"num\">#</th><th>Scenario</th><th>Verdict</th>")
                .append("<th class=\"num\">Attempts</th><th>Findings</th><th class=\"num\">Duration</th></tr></thead>\n<tbody>\n");
        for (int i = 0; i < run.outcomes().size(); i++) {
            ScenarioOutcome outcome = run.outcomes().get(i);
            Verdict verdict = outcome.verdict();
            html.append("<tr><td class=\"num\">").append(i + 1).append("</td><td><a href=\"#").append(anchor(outcome, i))
                    .append("\">").append(Html.escape(outcome.label())).append("</a></td><td>").append(badge(outcome))
                    .append("</td><td class=\"num\">").append(verdict == null ? "–" : String.valueOf(verdict.attempts().size()))
                    .append("</td><td>").append(verdict == null ? "<span class=\"muted\">" + Html.escape(outcome.note()) + "</span>" : codes(verdict))
                    .append("</td><td class=\"num\">").append(verdict == null ? "–" : human(outcome.elapsed())).append("</td></tr>\n");
        }
        html.append("</tbody>\n</table>\n");
    }

    private static void legend(StringBuilder html) {
        html.append("<details class=\"howto\" open><summary>How to read a timeline</summary>\n<p>Each row is one attempt of the ")
                .append("user's action (the client sending the prompt), in order. Time runs left to right from the moment the ")
                .append("first attempt reached the gateway. A bar spans from the attempt's arrival to the end of the answer; ")
                .append("its colour says what the gateway did:</p>\n");
        legendSwatches(html);
        html.append("<p>Between two rows, <span class=\"key waited\">waited N ms</span> is how long the client waited ")
                .append("after the previous answer ended before it tried again; <span class=\"key asked\">asked N ms</span> ")
                .append("is how long that answer told it to wait (Retry-After). A <em>waited</em> line shorter than the ")
                .append("<em>asked</em> line means the client came back too early. Shaded bands behind the rows are the ")
                .append("scenario's phases. A finding code under an attempt number marks the attempt the finding is about. ")
                .append("Hover a bar for its details.</p>\n</details>\n");
    }

    private static void legendSwatches(StringBuilder html) {
        html.append("<p class=\"legend\">");
        for (OutcomeColour colour : OutcomeColour.values()) {
            html.append("<span><i style=\"background:").append(colour.fill()).append("\"></i>")
                    .append(Html.escape(colour.meaning())).append("</span> ");
        }
        html.append("</p>\n");
    }

    private static void section(StringBuilder html, ScenarioOutcome outcome, int index) {
        Scenario scenario = outcome.scenario();
        Verdict verdict = outcome.verdict();
        html.append("<section class=\"scenario ").append(outcome.status().name().toLowerCase(Locale.ROOT)).append("\" id=\"")
                .append(anchor(outcome, index)).append("\">\n<h2>").append(badge(outcome)).append(' ')
                .append(Html.escape(outcome.label())).append("</h2>\n");
        html.append("<p class=\"description\">").append(Html.escape(scenario.description())).append("</p>\n");
        html.append("<p class=\"muted\">").append(outcome.mode().streamed() ? "The client was asked for streamed answers"
                : "The client was asked for whole answers, not streamed").append(" (CHAOSGATE_STREAM=")
                .append(outcome.mode().streamed()).append(").</p>\n");
        if (!scenario.situation().isEmpty()) {
            html.append("<p class=\"situation\">").append(Html.escape(scenario.situation())).append("</p>\n");
        }
        html.append("<dl class=\"facts\">\n<dt>A good client here</dt><dd>");
        if (scenario.expect().anyOf().isEmpty()) {
            html.append(Html.escape(Verdict.describe(scenario.expect())));
        } else {
            // Each good behaviour accepted, with how the client fared against it when it was judged.
            html.append("any of:<ol class=\"alternatives\">");
            for (int i = 0; i < scenario.expect().anyOf().size(); i++) {
                html.append("<li>").append(Html.escape(Verdict.describe(scenario.expect().anyOf().get(i))));
                if (verdict != null && i < verdict.alternatives().size()) {
                    Verdict.Alternative tried = verdict.alternatives().get(i);
                    html.append(" <span class=\"muted\">(").append(tried.passed() ? "passed" : "failed: " + String.join(", ",
                            tried.findings().stream().map(f -> f.code().name()).distinct().toList()))
                            .append(i == verdict.closest() && !tried.passed() ? "; the closest, its findings are shown" : "")
                            .append(")</span>");
                }
                html.append("</li>");
            }
            html.append("</ol>");
        }
        html.append("</dd>\n");
        if (verdict == null) {
            html.append("<dt>Verdict</dt><dd>").append(outcome.status() == ScenarioOutcome.Status.ERROR ? "not judged: " : "not played: ")
                    .append(Html.escape(outcome.note().isEmpty() ? "no reason given" : outcome.note())).append("</dd>\n</dl>\n");
            stderr(html, outcome, true);
            if (!outcome.clientOutput().isEmpty()) {
                html.append("<details><summary>Client output</summary><pre>")
                        .append(Html.escape(String.join("\n", outcome.clientOutput()))).append("</pre></details>\n");
            }
            html.append(backLink());
            return;
        }
        html.append("<dt>Verdict</dt><dd>").append(verdictLine(outcome)).append("</dd>\n</dl>\n");
        if (outcome.crowd() != null) {
            crowd(html, outcome);
            return;
        }
        findings(html, verdict);
        html.append("<h3>Timeline</h3>\n<div class=\"chart\">")
                .append(TimelineSvg.render(verdict.attempts(), verdict.findings(), verdict.catalog())).append("</div>\n");
        if (!verdict.attempts().isEmpty()) {
            legendSwatches(html);
        }
        attemptsTable(html, verdict);
        shown(html, verdict);
        if (!outcome.note().isEmpty()) {
            html.append("<p class=\"note\"><strong>Client run:</strong> ").append(Html.escape(outcome.note())).append("</p>\n");
        }
        stderr(html, outcome, false);
        if (!outcome.clientOutput().isEmpty()) {
            html.append("<details class=\"output\"><summary>Client output (").append(outcome.clientOutput().size())
                    .append(outcome.clientOutput().size() == 1 ? " line" : " lines").append(")</summary>\n<pre>")
                    .append(Html.escape(String.join("\n", outcome.clientOutput()))).append("</pre></details>\n");
        }
        html.append(backLink());
    }

    /**
     * A row played by several users: the crowd's figures and findings, a table with one line per user, and each
     * user's own verdict (findings, timeline, what it saw) folded, the failed ones first and open.
     */
    private static void crowd(StringBuilder html, ScenarioOutcome outcome) {
        CrowdVerdict crowd = outcome.crowd();
        html.append("<h3>Crowd</h3>\n<p class=\"crowd\">").append(Html.escape(crowd.figures().summary())).append("</p>\n");
        if (!crowd.findings().isEmpty()) {
            findings(html, crowd.combined().withFindings(crowd.findings()));
        }
        for (String note : crowd.notes()) {
            html.append("<p class=\"note\"><strong>Note:</strong> ").append(Html.escape(note)).append("</p>\n");
        }
        html.append("<table class=\"users\">\n<thead><tr><th>User</th><th>Verdict</th><th>Attempts</th><th>Answered</th>")
                .append("<th>Findings</th></tr></thead>\n<tbody>\n");
        for (CrowdVerdict.UserVerdict user : crowd.users()) {
            html.append("<tr><td>").append(Html.escape(user.user())).append("</td><td>")
                    .append(user.verdict().passed() ? "<strong class=\"pass\">PASS</strong>" : "<strong class=\"fail\">FAIL</strong>")
                    .append("</td><td class=\"num\">").append(user.verdict().attempts().size()).append("</td><td>")
                    .append(user.answered() ? "yes" : "no").append("</td><td>").append(Html.escape(codes(user.verdict())))
                    .append("</td></tr>\n");
        }
        html.append("</tbody>\n</table>\n");
        List<CrowdVerdict.UserVerdict> ordered = new java.util.ArrayList<>(crowd.failedUsers());
        crowd.users().stream().filter(u -> u.verdict().passed()).forEach(ordered::add);
        for (CrowdVerdict.UserVerdict user : ordered) {
            Verdict verdict = user.verdict();
            html.append("<details class=\"user\"").append(verdict.passed() ? "" : " open").append("><summary>")
                    .append(Html.escape(user.user())).append(": ").append(verdict.passed() ? "PASS" : "FAIL " + Html.escape(codes(verdict)))
                    .append("</summary>\n");
            findings(html, verdict);
            html.append("<div class=\"chart\">").append(TimelineSvg.render(verdict.attempts(), verdict.findings(), verdict.catalog()))
                    .append("</div>\n");
            attemptsTable(html, verdict);
            shown(html, verdict);
            html.append("</details>\n");
        }
        if (!outcome.note().isEmpty()) {
            html.append("<p class=\"note\"><strong>Client run:</strong> ").append(Html.escape(outcome.note())).append("</p>\n");
        }
        stderr(html, outcome, false);
        if (!outcome.clientOutput().isEmpty()) {
            html.append("<details class=\"output\"><summary>Client output (").append(outcome.clientOutput().size())
                    .append(outcome.clientOutput().size() == 1 ? " line" : " lines").append(")</summary>\n<pre>")
                    .append(Html.escape(String.join("\n", outcome.clientOutput()))).append("</pre></details>\n");
        }
        html.append(backLink());
    }

    private static String verdictLine(ScenarioOutcome outcome) {
        Verdict verdict = outcome.verdict();
        int n = verdict.findings().size();
        return (verdict.passed() ? "<strong class=\"pass\">PASS</strong>: the client behaved as a good client does"
                : "<strong class=\"fail\">FAIL</strong>: " + n + (n == 1 ? " finding" : " findings"))
                + " · " + verdict.attempts().size() + (verdict.attempts().size() == 1 ? " attempt" : " attempts")
                + " · seed " + outcome.scenario().seed() + " · " + human(outcome.elapsed());
    }

    private static void findings(StringBuilder html, Verdict verdict) {
        if (verdict.findings().isEmpty()) {
            return;
        }
        html.append("<h3>Findings</h3>\n");
        for (Finding finding : verdict.findings()) {
            html.append("<div class=\"finding\"><p><code class=\"code\">").append(finding.code().name())
                    .append("</code> <span class=\"what\">").append(Html.escape(finding.code().summary())).append("</span></p>\n")
                    .append("<p>").append(Html.escape(finding.message())).append("</p>\n");
            if (!finding.evidence().isEmpty()) {
                html.append("<ul class=\"evidence\">");
                for (String fact : finding.evidence()) {
                    html.append("<li>").append(Html.escape(fact)).append("</li>");
                }
                html.append("</ul>\n");
            }
            html.append("</div>\n");
        }
    }

    /** The timeline's facts as text, for copying into a bug report and for readers who cannot see the colours. */
    private static void attemptsTable(StringBuilder html, Verdict verdict) {
        if (verdict.attempts().isEmpty()) {
            html.append("<p class=\"muted\">No attempt of the action reached the upstream (a link fault may have stopped them).</p>\n");
        } else {
            html.append("<details class=\"attempts\"><summary>Attempts as text</summary>\n<table>\n<thead><tr><th>#</th>")
                    .append("<th>Arrived</th><th>Waited</th><th>Took</th><th>Status</th><th>Gateway served</th><th>Phase</th>")
                    .append("<th>Asked to wait</th><th>Prompt</th></tr></thead>\n<tbody>\n");
            for (Attempt attempt : verdict.attempts()) {
                html.append("<tr><td class=\"num\">").append(attempt.number())
                        .append("</td><td class=\"num\">+").append(attempt.offset().toMillis()).append(" ms")
                        .append("</td><td class=\"num\">").append(attempt.gap() == null ? "–" : attempt.gap().toMillis() + " ms")
                        .append("</td><td class=\"num\">").append(attempt.exchange().duration().toMillis()).append(" ms")
                        .append("</td><td class=\"num\">").append(attempt.status() == 0 ? "none" : attempt.status())
                        .append("</td><td>").append(attempt.failed()
                                ? Html.escape(attempt.exchange().fault()) + (verdict.failed(attempt) && !verdict.retryable(attempt)
                                ? " <span class=\"muted\">(not retryable)</span>" : "") + (attempt.failureClass() == null ? "" : " <span class=\"muted\">("
                                + Html.escape(attempt.failureClass()) + ")</span>")
                                : "answer" + (attempt.exchange().streamed() ? " (stream)" : ""))
                        .append("</td><td>").append(Html.escape(attempt.exchange().phase() == null ? "" : attempt.exchange().phase()))
                        .append("</td><td class=\"num\">").append(attempt.askedWait() == null ? "" : attempt.askedWait().toMillis() + " ms")
                        .append("</td><td class=\"prompt\">").append(Html.escape(attempt.prompt())).append("</td></tr>\n");
            }
            html.append("</tbody>\n</table>\n</details>\n");
        }
        if (!verdict.otherCalls().isEmpty()) {
            html.append("<p class=\"muted\">").append(verdict.otherCalls().size())
                    .append(" other call(s) that were not attempts of the action (model lists, title generation…) were ignored.</p>\n");
        }
    }

    private static void shown(StringBuilder html, Verdict verdict) {
        html.append("<h3>What the user saw</h3>\n");
        html.append("<p class=\"muted\">The user typed: <q>").append(Html.escape(verdict.report().prompt())).append("</q></p>\n");
        if (verdict.report().shown().isEmpty()) {
            html.append("<p class=\"shown none\">Nothing was shown to the user.</p>\n");
        } else {
            html.append("<ol class=\"shown\">");
            for (int i = 0; i < verdict.report().shown().size(); i++) {
                // when it was on screen, after the client started ("at 1.2 s, grew until 3.0 s, partial"), when known
                String when = verdict.report().when(i);
                html.append("<li>").append(Html.escape(verdict.report().shown().get(i)))
                        .append(when.isEmpty() ? "" : " <span class=\"muted\">(" + Html.escape(when) + ")</span>").append("</li>");
            }
            html.append("</ol>\n");
        }
        String draft = verdict.report().draft();
        html.append("<p>Composer at the end: ").append(draft.isEmpty() ? "<em>empty</em>"
                : "<q class=\"draft\">" + Html.escape(draft) + "</q>").append("</p>\n");
        for (String kept : verdict.report().thread()) {
            // A failed message the chat kept with a Retry action keeps the prompt like the composer does.
            html.append("<p>Kept in the thread with a Retry action: <q class=\"draft\">").append(Html.escape(kept)).append("</q></p>\n");
        }
        for (String note : verdict.notes()) {
            html.append("<p class=\"note\"><strong>Not judged:</strong> ").append(Html.escape(note)).append("</p>\n");
        }
    }

    /** The tail of the client's stderr: open when it is why the row was not judged. */
    private static void stderr(StringBuilder html, ScenarioOutcome outcome, boolean open) {
        if (outcome.clientStderr().isEmpty()) {
            return;
        }
        html.append("<details class=\"stderr\"").append(open ? " open" : "").append("><summary>The client's stderr (last ")
                .append(outcome.clientStderr().size()).append(" lines)</summary><pre>")
                .append(Html.escape(String.join("\n", outcome.clientStderr()))).append("</pre></details>\n");
    }

    private static String badge(ScenarioOutcome outcome) {
        String css = switch (outcome.status()) {
            case PASS -> "pass";
            case FAIL, ERROR -> "fail";
            case SKIPPED -> "skip";
        };
        return "<span class=\"badge " + css + "\">" + outcome.status().name() + "</span>";
    }

    private static String codes(Verdict verdict) {
        return verdict.codes().stream().map(FindingCode::name).map(code -> "<code class=\"code\">" + code + "</code>")
                .collect(Collectors.joining(" "));
    }

    /** Scenario names are lower-case words and dashes; the index keeps anchors unique when a run repeats a scenario. */
    private static String anchor(ScenarioOutcome outcome, int index) {
        return "s" + (index + 1) + "-" + outcome.scenario().name();
    }

    private static String backLink() {
        return "<p class=\"back\"><a href=\"#top\">↑ back to the summary</a></p>\n</section>\n";
    }

    /** {@code 830 ms}, {@code 4.2 s}, {@code 2 min 05 s}. */
    static String human(Duration duration) {
        long ms = duration.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        return String.format(Locale.ROOT, "%d min %02d s", ms / 60_000, (ms / 1000) % 60);
    }
}
