package dev.chaosgate.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.upstream.StreamPacing;
import dev.chaosgate.upstream.UpstreamExchange;
import dev.chaosgate.verdict.Attempt;
import dev.chaosgate.verdict.ClientReport;
import dev.chaosgate.verdict.Finding;
import dev.chaosgate.verdict.FindingCode;
import dev.chaosgate.verdict.Verdict;
import dev.chaosgate.verdict.clients.IgnoresRetryAfterClient;
import dev.chaosgate.verdict.clients.NoRetryClient;
import dev.chaosgate.verdict.clients.RawErrorClient;
import dev.chaosgate.verdict.clients.ReferenceClient;
import dev.chaosgate.verdict.clients.WellBehavedReference;
import dev.chaosgate.cli.bundled.WellBehavedClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

/**
 * The three reports of one real run: catalog scenarios played through a real gateway to reference clients, one
 * scenario skipped. The run's files are kept in {@code target/report-samples/} to look at.
 */
class ReportsTest {
    /** Markup and quotes in what the user typed must reach every report as text. */
    private static final String PROMPT = "Compare <b>tea</b> & \"coffee\" for a 'quick' morning";
    private static final String HOSTILE_OUTPUT = "<script>alert(\"pwned & gone\")</script>";
    private static final String CLIENT = "java -jar chat-client.jar --model gpt-4o-mini";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static RunResult run;
    private static Verdict passing;
    private static Verdict noRetry;
    private static Verdict rawError;
    private static Verdict retryAfterIgnored;

    @BeforeAll
    static void playOneRun() {
        Instant started = Instant.now();
        ScenarioCatalog catalog = ScenarioCatalog.builtIn();
        Scenario burst = catalog.get("bad-gateway-burst");
        Scenario denied = catalog.get("access-denied-1020");
        Scenario limited = catalog.get("rate-limited-tokens");
        List<ScenarioOutcome> outcomes = new ArrayList<>();
        passing = play(new WellBehavedReference(), burst, outcomes, List.of("SHOWN: Tea has less caffeine", "DRAFT:"));
        noRetry = play(new NoRetryClient(), burst, outcomes, List.of());
        rawError = play(new RawErrorClient(), denied, outcomes,
                List.of("\u001b[31mSHOWN: Access denied\u001b[0m", HOSTILE_OUTPUT, "DRAFT: " + PROMPT));
        retryAfterIgnored = play(new IgnoresRetryAfterClient(), limited, outcomes, List.of());
        outcomes.add(ScenarioOutcome.skipped(catalog.get("black-hole-timeout"), "skipped: takes 24 s; run it with --all"));
        run = new RunResult(CLIENT, null, started, Duration.between(started, Instant.now()), outcomes);
        Reports.writeAll(Path.of("target", "report-samples"), run);
    }

    private static Verdict play(ReferenceClient client, Scenario scenario, List<ScenarioOutcome> outcomes, List<String> output) {
        long start = System.nanoTime();
        try (ChaosGateway gateway = ChaosGateway.builder().pacing(StreamPacing.immediate()).scenario(scenario).start()) {
            ClientReport report = client.ask(gateway.baseUrl(), PROMPT, false);
            Verdict verdict = gateway.verdict(report);
            outcomes.add(ScenarioOutcome.judged(scenario, verdict, Duration.ofNanos(System.nanoTime() - start),
                    "client: " + client.name(), output));
            return verdict;
        }
    }

    @Test
    void theReferenceRunsGetTheVerdictsTheReportsShow() {
        assertThat(passing.passed()).as(passing.explain()).isTrue();
        assertThat(noRetry.codes()).containsExactly(FindingCode.NO_RETRY);
        assertThat(rawError.codes()).containsExactly(FindingCode.RAW_ERROR_SHOWN);
        assertThat(retryAfterIgnored.codes()).containsExactly(FindingCode.RETRY_AFTER_IGNORED);
    }

    @Test
    void writeAllWritesTheThreeFilesIntoANewDirectory(@TempDir Path tmp) {
        Path dir = tmp.resolve("reports/nested");

        ReportFiles files = Reports.writeAll(dir, run);

        assertThat(files.all()).containsExactly(dir.resolve("report.json"), dir.resolve("junit.xml"), dir.resolve("report.html"));
        assertThat(files.all()).allSatisfy(file -> assertThat(file).isRegularFile().isNotEmptyFile());
    }

    @Test
    void writeAllNamesThePathAndTheCauseWhenTheDirectoryIsAFile(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("reports"), "not a directory");

        assertThatThrownBy(() -> Reports.writeAll(file, run))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("exists and is not a directory");
    }

    @Test
    void writeAllNamesTheFileWhenOneCannotBeWritten(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("reports"));
        Files.createDirectories(dir.resolve("junit.xml"));

        assertThatThrownBy(() -> Reports.writeAll(dir, run))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageStartingWith("cannot write the report file " + dir.resolve("junit.xml") + ": ");
    }

    @Nested
    class JsonFile {
        private final JsonNode root = parse(JsonReport.render(run));

        @Test
        void topLevelFieldsComeInTheirDocumentedOrder() {
            assertThat(names(root)).containsExactly("tool", "version", "client", "seed", "started", "durationMs", "complete", "stoppedBecause",
                    "summary", "scenarios");
            assertThat(root.get("tool").asText()).isEqualTo("chaosgate");
            assertThat(root.get("version").asText()).isEqualTo("0.1.0");
            assertThat(root.get("client").asText()).isEqualTo(CLIENT);
            assertThat(root.get("seed").isNull()).isTrue();
            assertThat(Instant.parse(root.get("started").asText())).isEqualTo(run.started());
            assertThat(root.get("durationMs").asLong()).isEqualTo(run.elapsed().toMillis());
            assertThat(root.get("summary").toString()).isEqualTo("{\"total\":5,\"passed\":1,\"failed\":3,\"skipped\":1,\"errors\":0}");
            assertThat(root.get("complete").asBoolean()).as("a run that played every row").isTrue();
            assertThat(root.get("stoppedBecause").isNull()).isTrue();
        }

        @Test
        void theScreenSaysWhenEachTextWasShownAndWhetherItWasStillGrowing() {
            Instant start = Instant.parse("2026-01-01T00:00:00Z");
            ClientReport report = ClientReport.builder(PROMPT).started(start)
                    .line("SHOWN: Still thinking…", start.plusMillis(300))
                    .line("PARTIAL: Tea has", start.plusMillis(1200))
                    .line("PARTIAL: Tea has less caffeine", start.plusMillis(2500))
                    .build().withStoppedAfter(Duration.ofSeconds(4));
            Verdict timed = new Verdict(passing.scenario(), passing.expectation(), report, passing.attempts(),
                    passing.otherCalls(), List.of(), List.of(), List.of(), null);
            RunResult one = new RunResult(CLIENT, null, Instant.now(), Duration.ZERO, List.of(ScenarioOutcome.judged(
                    ScenarioCatalog.builtIn().get("bad-gateway-burst"), timed, Duration.ZERO, "client: test", List.of())));

            JsonNode scenario = parse(JsonReport.render(one)).get("scenarios").get(0);

            assertThat(scenario.get("screen").toString()).isEqualTo("[{\"text\":\"Still thinking…\",\"key\":\"\",\"shownMs\":300,"
                    + "\"updatedMs\":300,\"partial\":false},{\"text\":\"Tea has less caffeine\",\"key\":\"\",\"shownMs\":1200,"
                    + "\"updatedMs\":2500,\"partial\":true}]");
            assertThat(scenario.get("clientStoppedAfterMs").asLong()).isEqualTo(4000);
            assertThat(HtmlReport.render(one)).contains("<li>Tea has less caffeine <span class=\"muted\">(at 1.2 s, grew until 2.5 s, partial)</span></li>");
            JsonNode untimed = root.get("scenarios").get(0).get("screen").get(0);
            assertThat(names(untimed)).containsExactly("text", "key", "shownMs", "updatedMs", "partial");
            assertThat(untimed.get("shownMs").isNull()).as("the bundled client's texts carry no times").isTrue();
        }

        @Test
        void aVerdictsNotesAndTheMessagesKeptInTheThreadAreWritten() {
            Verdict noted = new Verdict(passing.scenario(), passing.expectation(),
                    ClientReport.builder(PROMPT).shown("Accesso bloccato dal firewall.").keptInThread(PROMPT).build(),
                    passing.attempts(), passing.otherCalls(), List.of(), List.of("guidance not judged: the text reads as Italian"),
                    List.of(), null);
            RunResult one = new RunResult(CLIENT, null, Instant.now(), Duration.ZERO, List.of(ScenarioOutcome.judged(
                    ScenarioCatalog.builtIn().get("bad-gateway-burst"), noted, Duration.ZERO, "client: test", List.of())));
            JsonNode scenario = parse(JsonReport.render(one)).get("scenarios").get(0);
            assertThat(texts(scenario.get("notes"))).containsExactly("guidance not judged: the text reads as Italian");
            assertThat(texts(scenario.get("thread"))).containsExactly(PROMPT);
            assertThat(root.get("scenarios").get(0).get("notes").toString()).isEqualTo("[]");
            // The same in the two other reports: a passed test case still says what was not judged.
            assertThat(HtmlReport.render(one)).contains("<p class=\"note\"><strong>Not judged:</strong> guidance not judged: the text reads as Italian</p>")
                    .contains("Kept in the thread with a Retry action: <q class=\"draft\">" + Html.escape(PROMPT) + "</q>")
                    .doesNotContain("<q class=\"draft\">" + PROMPT);
            assertThat(JunitXmlReport.render(one)).contains("<system-err>client: test\nnote: guidance not judged: the text reads as Italian</system-err>");
        }

        @Test
        void everyScenarioHasTheSameFieldsInTheSameOrder() {
            for (JsonNode scenario : root.get("scenarios")) {
                assertThat(names(scenario)).containsExactly("name", "description", "verdict", "seed", "durationMs", "attempts",
                        "findings", "notes", "thread", "expected", "alternatives", "timeline", "otherCalls", "shown", "screen", "draft", "clientStoppedAfterMs",
                        "note", "clientOutput", "stream", "clientStderr", "crowd");
            }
        }

        @Test
        void aRowOfEachModeIsMarkedInEveryReportAndTheOldShapeStaysAsItWas() {
            dev.chaosgate.scenario.Scenario burst = ScenarioCatalog.builtIn().get("bad-gateway-burst");
            RunResult both = new RunResult(CLIENT, null, Instant.now(), Duration.ZERO, List.of(
                    ScenarioOutcome.judged(burst, dev.chaosgate.scenario.StreamMode.NOT_STREAMED, passing, Duration.ZERO, "", List.of()),
                    ScenarioOutcome.judged(burst, dev.chaosgate.scenario.StreamMode.STREAMED, noRetry, Duration.ZERO, "", List.of())));

            JsonNode rows = parse(JsonReport.render(both)).get("scenarios");
            assertThat(rows.findValuesAsText("name")).containsExactly("bad-gateway-burst", "bad-gateway-burst");
            assertThat(rows.findValues("stream")).extracting(JsonNode::asBoolean).containsExactly(false, true);
            assertThat(JunitXmlReport.render(both)).contains("name=\"bad-gateway-burst\" ")
                    .contains("name=\"bad-gateway-burst [stream]\" ");
            assertThat(HtmlReport.render(both)).contains(">bad-gateway-burst</a>").contains(">bad-gateway-burst [stream]</a>")
                    .contains("bad-gateway-burst [stream]</h2>").contains("2 rows (1 scenario) in ");
            // An outcome made the way it was before modes existed is in the scenario's own mode.
            assertThat(ScenarioOutcome.judged(burst, passing, Duration.ZERO, "", List.of()).mode())
                    .isEqualTo(dev.chaosgate.scenario.StreamMode.NOT_STREAMED);
            ScenarioOutcome streamOnly = ScenarioOutcome.skipped(ScenarioCatalog.builtIn().get("stream-cut-mid-answer"), "not now");
            assertThat(streamOnly.mode()).isEqualTo(dev.chaosgate.scenario.StreamMode.STREAMED);
            assertThat(streamOnly.label())
                    .isEqualTo("stream-cut-mid-answer");
        }

        @Test
        void aFailedScenarioCarriesItsFindingsAndTimeline() {
            JsonNode scenario = root.get("scenarios").get(1);

            assertThat(scenario.get("name").asText()).isEqualTo("bad-gateway-burst");
            assertThat(scenario.get("verdict").asText()).isEqualTo("FAIL");
            assertThat(scenario.get("seed").asLong()).isEqualTo(2);
            assertThat(scenario.get("attempts").asInt()).isEqualTo(noRetry.attempts().size()).isEqualTo(1);
            JsonNode finding = scenario.get("findings").get(0);
            assertThat(names(finding)).containsExactly("code", "message", "evidence");
            assertThat(finding.get("code").asText()).isEqualTo("NO_RETRY");
            assertThat(finding.get("message").asText()).isEqualTo(noRetry.findings().get(0).message());
            assertThat(texts(finding.get("evidence"))).isEqualTo(noRetry.findings().get(0).evidence());
            assertThat(scenario.get("expected").asText()).isEqualTo(Verdict.describe(noRetry.expectation()))
                    .startsWith("retry, at most 3 attempts, backing off");
            JsonNode first = scenario.get("timeline").get(0);
            assertThat(names(first)).containsExactly("number", "offsetMs", "gapMs", "durationMs", "status", "http", "fault",
                    "failureClass", "failed", "retryable", "phase", "askedWaitMs", "prompt");
            assertThat(first.get("number").asInt()).isEqualTo(1);
            assertThat(first.get("offsetMs").asLong()).isZero();
            assertThat(first.get("gapMs").isNull()).isTrue();
            assertThat(first.get("status").asInt()).isEqualTo(502);
            assertThat(first.get("http").asText()).as("a plain HTTP/1.1 client").isEqualTo("1.1");
            assertThat(first.get("fault").asText()).isEqualTo(noRetry.attempts().get(0).exchange().fault());
            assertThat(first.get("failureClass").asText()).isEqualTo("bad_gateway");
            assertThat(first.get("phase").asText()).isEqualTo("burst");
            assertThat(first.get("prompt").asText()).isEqualTo(PROMPT);
        }

        @Test
        void aPassedScenarioShowsEveryAttemptWithItsWait() {
            JsonNode scenario = root.get("scenarios").get(0);

            assertThat(scenario.get("verdict").asText()).isEqualTo("PASS");
            assertThat(scenario.get("findings")).isEmpty();
            assertThat(scenario.get("attempts").asInt()).isEqualTo(passing.attempts().size()).isEqualTo(3);
            assertThat(scenario.get("timeline")).extracting(a -> a.get("status").asInt()).containsExactly(502, 502, 200);
            assertThat(scenario.get("timeline")).extracting(a -> a.get("phase").asText()).containsExactly("burst", "burst", "recovered");
            assertThat(scenario.get("timeline").get(1).get("gapMs").asLong()).isEqualTo(passing.attempts().get(1).gap().toMillis());
            assertThat(scenario.get("timeline").get(2).get("fault").isNull()).isTrue();
            assertThat(texts(scenario.get("shown"))).isEqualTo(passing.report().shown());
            assertThat(scenario.get("draft").asText()).isEmpty();
            assertThat(scenario.get("note").asText()).isEqualTo("client: well-behaved");
            assertThat(texts(scenario.get("clientOutput"))).containsExactly("SHOWN: Tea has less caffeine", "DRAFT:");
        }

        @Test
        void theWaitARetryAfterAskedForIsInTheTimeline() {
            JsonNode timeline = root.get("scenarios").get(3).get("timeline");

            assertThat(timeline.get(0).get("status").asInt()).isEqualTo(429);
            assertThat(timeline.get(0).get("askedWaitMs").asLong()).isEqualTo(2000);
            assertThat(timeline.get(1).get("gapMs").asLong()).isLessThan(2000);
        }

        @Test
        void aSkippedScenarioHasItsReasonAndNoAttempts() {
            JsonNode scenario = root.get("scenarios").get(4);

            assertThat(scenario.get("name").asText()).isEqualTo("black-hole-timeout");
            assertThat(scenario.get("verdict").asText()).isEqualTo("SKIPPED");
            assertThat(scenario.get("attempts").asInt()).isZero();
            assertThat(scenario.get("findings")).isEmpty();
            assertThat(scenario.get("timeline")).isEmpty();
            assertThat(scenario.get("note").asText()).isEqualTo("skipped: takes 24 s; run it with --all");
            assertThat(scenario.get("expected").asText()).isNotBlank();
        }

        @Test
        void aRunSeedIsANumber() {
            RunResult seeded = new RunResult(CLIENT, 42L, run.started(), run.elapsed(), run.outcomes());

            assertThat(parse(JsonReport.render(seeded)).get("seed").isNumber()).isTrue();
            assertThat(parse(JsonReport.render(seeded)).get("seed").asLong()).isEqualTo(42);
        }
    }

    @Nested
    class JunitXmlFile {
        private final Document xml = parseXml(JunitXmlReport.render(run));

        @Test
        void oneSuiteCountsTestsFailuresAndSkips() {
            Element suite = xml.getDocumentElement();

            assertThat(suite.getTagName()).isEqualTo("testsuite");
            assertThat(suite.getAttribute("name")).isEqualTo("chaosgate");
            assertThat(suite.getAttribute("tests")).isEqualTo("5");
            assertThat(suite.getAttribute("failures")).isEqualTo("3");
            assertThat(suite.getAttribute("skipped")).isEqualTo("1");
            assertThat(suite.getAttribute("errors")).isEqualTo("0");
            assertThat(Double.parseDouble(suite.getAttribute("time"))).isEqualTo(run.elapsed().toMillis() / 1000.0, offset(0.001));
            assertThat(suite.getAttribute("timestamp")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d");
        }

        @Test
        void eachScenarioIsATestcaseOfTheClient() {
            NodeList cases = xml.getElementsByTagName("testcase");

            assertThat(cases.getLength()).isEqualTo(5);
            Element first = (Element) cases.item(0);
            assertThat(first.getAttribute("classname")).isEqualTo("chaosgate.java-jar-chat-client-jar-model-gpt-4o-mini");
            assertThat(first.getAttribute("name")).isEqualTo("bad-gateway-burst");
            assertThat(first.getAttribute("time")).matches("\\d+\\.\\d{3}");
            assertThat(first.getElementsByTagName("failure").getLength()).isZero();
        }

        @Test
        void aFailedVerdictIsAFailureTypedByItsCodesWithTheExplanation() {
            Element failure = (Element) xml.getElementsByTagName("failure").item(0);

            assertThat(failure.getAttribute("type")).isEqualTo("NO_RETRY");
            assertThat(failure.getAttribute("message")).isEqualTo("NO_RETRY: " + noRetry.findings().get(0).message())
                    .doesNotContain("\n");
            assertThat(failure.getTextContent()).isEqualTo(noRetry.explain());
            Element raw = (Element) xml.getElementsByTagName("failure").item(1);
            assertThat(raw.getAttribute("type")).isEqualTo("RAW_ERROR_SHOWN");
        }

        @Test
        void aSkippedScenarioSaysWhy() {
            Element skipped = (Element) xml.getElementsByTagName("skipped").item(0);

            assertThat(skipped.getAttribute("message")).isEqualTo("skipped: takes 24 s; run it with --all");
            assertThat(((Element) skipped.getParentNode()).getAttribute("name")).isEqualTo("black-hole-timeout");
        }

        @Test
        void clientOutputIsKeptAsTextEvenWithMarkupAndTerminalEscapes() {
            Element rawCase = (Element) xml.getElementsByTagName("testcase").item(2);
            String out = rawCase.getElementsByTagName("system-out").item(0).getTextContent();

            assertThat(out).contains(HOSTILE_OUTPUT).contains("\\u001b[31mSHOWN: Access denied");
            assertThat(JunitXmlReport.render(run)).doesNotContain(HOSTILE_OUTPUT);
        }
    }

    @Nested
    class HtmlPage {
        private final String html = HtmlReport.render(run);

        @Test
        void isOnePageWithATitleAndTheRunCounts() {
            assertThat(html).startsWith("<!DOCTYPE html>").contains("<title>chaosgate: 3 failed – " + CLIENT + "</title>");
            assertThat(html).contains("1 passed").contains("3 failed").contains("1 skipped");
        }

        @Test
        void hasOneTimelinePerJudgedScenarioAndNoneForTheSkippedOne() {
            assertThat(count(html, "<svg")).isEqualTo(4);
            assertThat(html).contains("skipped: takes 24 s; run it with --all");
        }

        @Test
        void summaryLinksToEveryScenarioSection() {
            for (int i = 0; i < run.outcomes().size(); i++) {
                String anchor = "s" + (i + 1) + "-" + run.outcomes().get(i).scenario().name();
                assertThat(html).contains("href=\"#" + anchor + "\"").contains("id=\"" + anchor + "\"");
            }
        }

        @Test
        void showsTheFindingsAndTheWaitsThatExplainThem() {
            assertThat(html).contains("NO_RETRY", "RAW_ERROR_SHOWN", "RETRY_AFTER_IGNORED");
            assertThat(html).contains(escaped(noRetry.findings().get(0).message()));
            assertThat(html).contains("waited " + passing.attempts().get(1).gap().toMillis() + " ms");
            assertThat(html).contains("asked 2000 ms");
        }

        @Test
        void escapesEveryTextFromTheClient() {
            assertThat(html).doesNotContain(HOSTILE_OUTPUT).doesNotContain("<script").doesNotContain("<b>tea</b>");
            assertThat(html).contains("&lt;script&gt;alert(&quot;pwned &amp; gone&quot;)&lt;/script&gt;");
            assertThat(html).contains("Compare &lt;b&gt;tea&lt;/b&gt; &amp; &quot;coffee&quot; for a &#39;quick&#39; morning");
            assertThat(html).doesNotContain("\u001b").doesNotContain("[31m").contains("SHOWN: Access denied");
        }

        @Test
        void loadsNothingFromOutsideThePage() {
            assertThat(html).doesNotContainPattern("(?i)\\b(src|href)\\s*=\\s*[\"']?(https?:)?//");
            assertThat(html).doesNotContainPattern("(?i)<(script|link|img|iframe|object)\\b");
            assertThat(html).doesNotContainPattern("(?i)url\\(|@import");
            Matcher links = Pattern.compile("href=\"([^\"]*)\"").matcher(html);
            while (links.find()) {
                assertThat(links.group(1)).startsWith("#");
            }
        }
    }

    @Nested
    class Timeline {
        @Test
        void noAttemptSaysSoInsteadOfAnEmptyChart() {
            String svg = TimelineSvg.render(List.of(), List.of());

            assertThat(svg).startsWith("<svg").contains("no attempt reached the upstream");
        }

        @Test
        void twelveAttemptsOverTwentyFiveSecondsStayInsideTheFixedWidth() {
            List<Attempt> attempts = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                Duration offset = Duration.ofMillis(i * 2_150L);
                attempts.add(attempt(i + 1, offset, i == 0 ? null : Duration.ofMillis(2_140), Duration.ofMillis(10),
                        i < 11 ? "cloudflare/502-branded" : null, i < 11 ? 502 : 200, i < 6 ? "down" : "still-down",
                        i == 3 ? Duration.ofSeconds(5) : null));
            }

            String svg = TimelineSvg.render(attempts, List.of(Finding.of(FindingCode.RETRY_AFTER_IGNORED,
                    "attempt 5 came 2140 ms after attempt 4's answer, which asked for 5000 ms")));

            assertThat(count(svg, "<rect")).isEqualTo(12 + 2);
            assertThat(numbers(svg, "x")).allSatisfy(x -> assertThat(x).isBetween(0.0, (double) TimelineSvg.WIDTH));
            assertThat(numbers(svg, "x1")).allSatisfy(x -> assertThat(x).isBetween(0.0, (double) TimelineSvg.WIDTH));
            assertThat(svg).contains(">25 s<", ">down<", ">still-down<", "asked 5000 ms", "RETRY_AFTER_IGNORED");
        }

        @Test
        void aFindingMarksTheAttemptItsMessageNamesFirst() {
            Map<Integer, List<String>> marks = TimelineSvg.findingMarks(List.of(
                    Finding.of(FindingCode.NO_BACKOFF, "attempt 3 came 2 ms after attempt 2 failed"),
                    Finding.of(FindingCode.TOO_MANY_ATTEMPTS, "10 attempts where the budget is 4")));

            assertThat(marks).containsOnly(Map.entry(3, List.of("NO_BACKOFF")));
        }

        @Test
        void ticksAreRoundSteps() {
            assertThat(TimeAxis.fitting(25_000, 0, 800).ticks()).containsExactly(0.0, 5_000.0, 10_000.0, 15_000.0, 20_000.0, 25_000.0);
            assertThat(TimeAxis.fitting(730, 0, 800).ticks()).hasSize(9).endsWith(800.0);
            assertThat(TimeAxis.fitting(0, 0, 800).ticks()).endsWith(10.0);
        }
    }

    private static Attempt attempt(int number, Duration offset, Duration gap, Duration took, String fault, int status,
                                   String phase, Duration askedWait) {
        UpstreamExchange exchange = new UpstreamExchange(number, Instant.EPOCH.plus(offset), 50_000, "POST", "/v1/chat/completions",
                Map.of(), "{}", fault, status, Map.of(), false, took, true, phase, fault == null ? null : "bad_gateway", PROMPT);
        return new Attempt(number, offset, gap, exchange, askedWait, null);
    }

    private static String escaped(String text) {
        return Html.escape(text);
    }

    private static List<Double> numbers(String svg, String attribute) {
        List<Double> values = new ArrayList<>();
        Matcher m = Pattern.compile("\\s" + attribute + "=\"(-?[0-9.]+)\"").matcher(svg);
        while (m.find()) {
            values.add(Double.parseDouble(m.group(1)));
        }
        return values;
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("report.json does not parse: " + e.getMessage() + "\n" + json, e);
        }
    }

    private static Document parseXml(String xml) {
        try {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new AssertionError("junit.xml does not parse: " + e.getMessage() + "\n" + xml, e);
        }
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}
