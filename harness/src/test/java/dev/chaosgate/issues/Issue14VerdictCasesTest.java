package dev.chaosgate.issues;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chaosgate.cli.CliRun;
import dev.chaosgate.cli.NodeRuntime;
import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.testsupport.ParallelSafe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cases of issue 14 about expectations, end to end: {@code chaosgate run --client} plays a catalog
 * scenario against a small client (a Node script with tunable habits, or a shell line with curl) and
 * the verdict in report.json is checked. Each rule has a client where it fires and one where it must not.
 */
@ParallelSafe
@Timeout(120)
class Issue14VerdictCasesTest {
    static final Path NODE_CLIENTS = Path.of("src/test/node").toAbsolutePath();
    static final String CLIENT = "node " + NODE_CLIENTS.resolve("tunable-client.mjs");
    static final String PROMPT = "Why do gateways answer 502 now and then";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeAll
    static void nodeIsThere() {
        NodeRuntime.assumeInstalled();
    }

    /** A chat request with curl and no timeout of its own, for clients that must hang. */
    static String curlChat() {
        return "curl -s -o /dev/null -X POST \"$OPENAI_BASE_URL/chat/completions\" -H 'content-type: application/json'"
                + " -d \"{\\\"model\\\":\\\"gpt-4o-mini\\\",\\\"messages\\\":[{\\\"role\\\":\\\"user\\\",\\\"content\\\":\\\"$CHAOSGATE_PROMPT\\\"}]}\"";
    }

    JsonNode run(String scenario, String client, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("run", scenario, "--report-dir", dir.toString(), "--prompt", PROMPT,
                "--client", client));
        args.addAll(List.of(more));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertThat(run.exit()).as(run.toString()).isIn(0, 1);
        JsonNode verdict = JSON.readTree(dir.resolve("report.json").toFile()).path("scenarios").get(0);
        assertThat(verdict).as(run.toString()).isNotNull();
        return verdict;
    }

    static List<String> codes(JsonNode verdict) {
        return verdict.path("findings").findValuesAsText("code");
    }

    static String messages(JsonNode verdict) {
        return String.join("\n", verdict.path("findings").findValuesAsText("message"));
    }

    @Nested
    class RetryAfterHugeAcceptsTwoGoodBehaviours {
        @Test
        void givingUpAtOnceWithGuidanceToWaitPasses() throws IOException {
            JsonNode verdict = run("retry-after-huge", CLIENT + " --retries 2 --refuse-wait-over 60");

            assertThat(verdict.path("verdict").asText()).as(verdict.toString()).isEqualTo("PASS");
            assertThat(verdict.path("attempts").asInt()).isEqualTo(1);
            JsonNode alternatives = verdict.path("alternatives");
            assertThat(alternatives).hasSize(2);
            assertThat(alternatives.get(0).path("codes").findValuesAsText("codes")).isEmpty();
            assertThat(alternatives.get(0).path("verdict").asText()).isEqualTo("FAIL");
            assertThat(alternatives.get(1).path("verdict").asText()).isEqualTo("PASS");
            assertThat(alternatives.get(1).path("judged").asBoolean()).isTrue();
        }

        @Test
        void aRetryAfterACappedWaitPasses() throws IOException {
            JsonNode verdict = run("retry-after-huge", CLIENT + " --retries 2 --cap-wait 800");

            assertThat(verdict.path("verdict").asText()).as(verdict.toString()).isEqualTo("PASS");
            assertThat(verdict.path("attempts").asInt()).isEqualTo(2);
            assertThat(verdict.path("alternatives").get(0).path("verdict").asText()).isEqualTo("PASS");
        }

        @Test
        void givingUpWithoutSayingWhyFailsOnTheClosestAlternativeAndNamesBoth() throws IOException {
            JsonNode verdict = run("retry-after-huge", curlChat() + "; echo 'SHOWN: Oops.'; echo \"DRAFT: $CHAOSGATE_PROMPT\"");

            assertThat(verdict.path("verdict").asText()).isEqualTo("FAIL");
            JsonNode alternatives = verdict.path("alternatives");
            assertThat(alternatives.get(0).path("verdict").asText()).isEqualTo("FAIL");
            assertThat(alternatives.get(0).path("codes").toString()).contains("NO_RETRY");
            assertThat(alternatives.get(1).path("verdict").asText()).isEqualTo("FAIL");
            // The gave-up alternative is closer (only the guidance is wrong), so NO_RETRY is not the verdict.
            assertThat(alternatives.get(1).path("judged").asBoolean()).isTrue();
            assertThat(codes(verdict)).isNotEmpty().doesNotContain("NO_RETRY");
        }

        @Test
        void aClientSleepingTheWholeThirtyOneYearsIsHungNotAQuitter() throws IOException {
            JsonNode verdict = run("retry-after-huge", curlChat() + "; sleep 600", "--client-timeout", "3");

            assertThat(codes(verdict)).containsExactly("CLIENT_HUNG");
            assertThat(messages(verdict)).contains("still running after attempt 1's answer (503, which asked to wait 999999999 s)")
                    .contains("stopped after 3 s (run --client-timeout)");
        }
    }

    @Nested
    class SlowFirstByte {
        @Test
        void aClientWhoseOwnTimeoutAbandonsTheTenSecondAnswerIsToldSo() throws IOException {
            JsonNode verdict = run("slow-first-byte", CLIENT + " --timeout 6000 --retries 1");

            assertThat(codes(verdict)).as(verdict.toString()).containsExactly("SLOW_ANSWER_ABANDONED");
            assertThat(messages(verdict)).contains("abandoned attempt 1 while its answer was still coming"
                            + " (this scenario's service answers after 10.0 s) and sent attempt 2 ")
                    .contains("paying for the generation twice");
        }

        @Test
        void aClientThatGivesUpAtItsTimeoutWithoutRetryingIsToldSoToo() throws IOException {
            JsonNode verdict = run("slow-first-byte", CLIENT + " --timeout 3000");

            assertThat(codes(verdict)).as(verdict.toString()).containsExactly("SLOW_ANSWER_ABANDONED");
            assertThat(messages(verdict)).contains("abandoned attempt 1").contains("the user got no answer");
        }

        @Test
        void aClientThatWaitsForTheAnswerPasses() throws IOException {
            JsonNode verdict = run("slow-first-byte", CLIENT + " --timeout 20000 --retries 1");

            assertThat(verdict.path("verdict").asText()).as(verdict.toString()).isEqualTo("PASS");
            assertThat(verdict.path("attempts").asInt()).isEqualTo(1);
        }
    }

    @Nested
    class ClientsThatNeverTimeOut {
        @Test
        void originHangsOnceWithoutATimeoutIsHung() throws IOException {
            JsonNode verdict = run("origin-hangs-once", CLIENT + " --retries 1", "--client-timeout", "3");

            assertThat(codes(verdict)).containsExactly("CLIENT_HUNG");
            assertThat(messages(verdict)).contains("still waiting on attempt 1").doesNotContain("gave up");
            assertThat(verdict.path("clientStoppedAfterMs").asLong()).isEqualTo(3000);
        }

        @Test
        void streamStallWithoutAnIdleTimeoutIsHung() throws IOException {
            JsonNode verdict = run("stream-stall", CLIENT + " --stream chat", "--client-timeout", "3");

            assertThat(codes(verdict)).containsExactly("CLIENT_HUNG");
        }

        @Test
        void aBlackHoleWithoutATimeoutIsHung() throws IOException {
            JsonNode verdict = run("black-hole-timeout", CLIENT + " --retries 1", "--client-timeout", "3");

            assertThat(codes(verdict)).containsExactly("CLIENT_HUNG");
            // the link saw the request it holds, so the finding names the attempt the client was still waiting on
            assertThat(messages(verdict)).contains("still waiting on attempt 1").doesNotContain("gave up");
        }

        @Test
        void aClientThatGotItsAnswerButDidNotExitIsNotHung() throws IOException {
            JsonNode verdict = run("origin-hangs-once", CLIENT + " --timeout 1500 --retries 1; sleep 600", "--client-timeout", "6");

            assertThat(verdict.path("verdict").asText()).as(verdict.toString()).isEqualTo("PASS");
            assertThat(verdict.path("note").asText()).contains("the client was stopped after 6 s");
        }

        @Test
        void originHangsOnceWithAShortTimeoutIsNotHung() throws IOException {
            JsonNode verdict = run("origin-hangs-once", CLIENT + " --timeout 1500 --retries 1", "--client-timeout", "30");

            assertThat(verdict.path("verdict").asText()).as(verdict.toString()).isEqualTo("PASS");
            assertThat(verdict.path("attempts").asInt()).isEqualTo(2);
        }
    }

    @Nested
    class UserKeptWaiting {
        /** origin-hangs-once with a limit a test can exceed in seconds rather than minutes. */
        Path hangsWithTwoSecondLimit() throws IOException {
            return Files.writeString(dir.resolve("hangs-quick.yaml"), """
                    name: hangs-quick
                    description: The first request hangs for an hour; the user may wait 2 s.
                    phases:
                      - name: hung
                        requests: 1
                        upstream:
                          slow: 1h
                      - name: healthy
                    expect:
                      outcome: succeeds
                      retry: true
                      maxAttempts: 2
                      userWaitsAtMost: 2s
                    """);
        }

        @Test
        void aClientSittingInsideItsOwnLongTimeoutKeepsTheUserWaiting() throws IOException {
            JsonNode verdict = run(hangsWithTwoSecondLimit().toString(), CLIENT + " --timeout 4000 --retries 1");

            assertThat(codes(verdict)).as(verdict.toString()).containsExactly("USER_KEPT_WAITING");
            assertThat(messages(verdict)).contains("the user waited 4.").contains("for an answer (attempt 2)")
                    .contains("where this scenario allows 2.0 s").contains("between attempt 1 and attempt 2");
        }

        @Test
        void aClientWhoseTimeoutFitsTheLimitPasses() throws IOException {
            JsonNode verdict = run(hangsWithTwoSecondLimit().toString(), CLIENT + " --timeout 800 --retries 1");

            assertThat(verdict.path("verdict").asText()).as(verdict.toString()).isEqualTo("PASS");
        }
    }

    @Nested
    class StreamsThatFailBeforeAnyText {
        /**
         * The catalog scenario {@code name} with its fault moved before any text ({@code beforeText: true}), as a
         * scenario file of its own: the catalog's stream scenarios strike after text was shown.
         */
        String beforeText(String name) throws IOException {
            String yaml = new String(ScenarioCatalog.class.getResourceAsStream("/" + ScenarioCatalog.RESOURCE_DIR + name + ".yaml")
                    .readAllBytes(), StandardCharsets.UTF_8);
            assertThat(yaml).contains("      afterTextDeltas: 2\n");
            String renamed = name + "-before-text";
            Path file = dir.resolve(renamed + ".yaml");
            Files.writeString(file, yaml.replace("name: " + name + "\n", "name: " + renamed + "\n")
                    .replace("      afterTextDeltas: 2\n", "      beforeText: true\n"));
            return file.toString();
        }

        @Test
        void aResponsesClientRetryingAStreamCutBeforeItsFirstWordPasses() throws IOException {
            JsonNode verdict = run(beforeText("stream-cut-mid-answer"), CLIENT + " --stream responses --retries 2");

            assertThat(verdict.path("verdict").asText()).as(verdict.toString()).isEqualTo("PASS");
            assertThat(verdict.path("attempts").asInt()).isEqualTo(2);
            assertThat(verdict.path("timeline").get(0).path("failureClass").asText()).isEqualTo("connection_failure");
        }

        @Test
        void aResponsesClientRetryingAResetBeforeItsFirstWordPasses() throws IOException {
            JsonNode verdict = run(beforeText("stream-reset-mid-answer"), CLIENT + " --stream responses --retries 2");

            assertThat(verdict.path("verdict").asText()).as(verdict.toString()).isEqualTo("PASS");
            assertThat(verdict.path("attempts").asInt()).isEqualTo(2);
            assertThat(verdict.path("timeline").get(0).path("failureClass").asText()).isEqualTo("connection_failure");
        }

        @Test
        void aResponsesClientMeetsTheCatalogsCutAfterTextAndStops() throws IOException {
            JsonNode verdict = run("stream-cut-mid-answer", CLIENT + " --stream responses --retries 2");

            assertThat(verdict.path("verdict").asText()).as(verdict.toString()).isEqualTo("PASS");
            assertThat(verdict.path("attempts").asInt()).as("text was shown: no replay").isEqualTo(1);
            assertThat(verdict.path("timeline").get(0).path("failureClass").asText()).isEqualTo("stream_interrupted");
        }

        @Test
        void aResponsesClientReplayingTheCatalogsCutAfterTextIsCaught() throws IOException {
            JsonNode verdict = run("stream-cut-mid-answer", CLIENT + " --stream responses --retries 2 --replay-streams");

            assertThat(codes(verdict)).as(verdict.toString()).containsExactly("RETRIED_NON_RETRYABLE");
        }

        @Test
        void aChatClientReplayingAStreamAfterTextWasShownIsCaught() throws IOException {
            JsonNode verdict = run("stream-cut-mid-answer", CLIENT + " --stream chat --retries 2 --replay-streams");

            assertThat(codes(verdict)).as(verdict.toString()).containsExactly("RETRIED_NON_RETRYABLE");
            assertThat(verdict.path("timeline").get(0).path("failureClass").asText()).isEqualTo("stream_interrupted");
            assertThat(verdict.path("findings").get(0).path("evidence").get(0).asText())
                    .isEqualTo("stream_interrupted is not retryable (guidance catalog)");
        }

        @Test
        void aChatClientThatStopsAndMarksTheCutPasses() throws IOException {
            JsonNode verdict = run("stream-cut-mid-answer", CLIENT + " --stream chat --retries 2");

            assertThat(verdict.path("verdict").asText()).as(verdict.toString()).isEqualTo("PASS");
            assertThat(verdict.path("attempts").asInt()).isEqualTo(1);
        }
    }

    @Test
    void aRunSeedLeavesTheScenarioItsOwnFaultSchedule() throws IOException {
        CliRun run = CliRun.of("run", "brownout-30-percent", "--seed", "7", "--report-dir", dir.toString());

        assertThat(run.exit()).as(run.toString()).isZero();
        JsonNode verdict = JSON.readTree(dir.resolve("report.json").toFile()).path("scenarios").get(0);
        assertThat(verdict.path("seed").asLong()).isEqualTo(41);
        assertThat(verdict.path("timeline").get(0).path("status").asInt()).as("the first request meets the 502").isEqualTo(502);
    }
}
