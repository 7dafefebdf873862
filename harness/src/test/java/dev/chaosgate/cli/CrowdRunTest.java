package dev.chaosgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code chaosgate run} with a crowd: N real client processes (or the bundled client on N threads) against one
 * gateway over loopback, one verdict per user and the crowd's aggregate. The flawed crowds run
 * {@code src/test/node/crowd-client.mjs} (Node's own fetch, no dependencies), whose waits are exact, so what the
 * judges see is the client's habit and not the scheduling of many processes on a busy machine.
 */
class CrowdRunTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CROWD_CLIENT = "node " + NodeClientRunTest.NODE_CLIENTS.resolve("crowd-client.mjs");

    @TempDir
    Path dir;

    /**
     * A 503 with Retry-After 2 for every request of the first 1.5 s, then answers: every first attempt fails (the users
     * start within the 1.5 s), and a retry after the wait asked meets an answer.
     */
    private Path burstScenario() throws IOException {
        return Files.writeString(dir.resolve("crowd-burst.yaml"), """
                name: crowd-burst
                description: A 503 with Retry-After 2 for 1.5 s, then normal answers.
                phases:
                  - name: down
                    duration: 1500ms
                    upstream:
                      status: 503
                      retryAfter: 2
                  - name: up
                expect:
                  outcome: succeeds
                  retry: true
                  maxAttempts: 3
                  honourRetryAfter: true
                crowd:
                  users: 5
                  arrival: together
                """);
    }

    /**
     * Overload with a Retry-After of 8 s: long beside the scheduling noise of eight Node processes waking together on a
     * busy machine (a few hundred ms), so a retry that waits exactly what was asked is told from one with jitter.
     */
    private Path herdScenario() throws IOException {
        return Files.writeString(dir.resolve("crowd-herd.yaml"), """
                name: crowd-herd
                description: A 503 with Retry-After 8 for every request beyond 2 in flight.
                phases:
                  - name: overloaded
                    upstream:
                      overload:
                        maxInFlight: 2
                        retryAfter: 8
                expect:
                  outcome: succeeds
                  retry: true
                  maxAttempts: 3
                  honourRetryAfter: true
                crowd:
                  users: 10
                  arrival: together
                  answerTime: 100ms
                """);
    }

    @Test
    void allPlaysBothCrowdScenariosAndTheBundledClientPassesThemWithTwentyUsers() throws IOException {
        CliRun run = CliRun.of("run", "--all", "--tag", "load", "--stream", "false", "--report-dir", dir.toString());

        assertThat(run.out()).as(run.toString()).doesNotContain("SKIPPED").contains("2 passed, 0 failed, 0 skipped");
        assertThat(run.exit()).as(run.toString()).isZero();
        JsonNode rows = JSON.readTree(dir.resolve("report.json").toFile()).path("scenarios");
        assertThat(rows.findValuesAsText("name")).containsExactly("overloaded-under-concurrency", "rate-limit-window");
        for (JsonNode row : rows) {
            JsonNode crowd = row.path("crowd");
            String what = row.path("name").asText() + ": " + crowd;
            assertThat(crowd.path("users").asInt()).as(what).isEqualTo(20);
            assertThat(crowd.path("perUser")).as(what).hasSize(20);
            crowd.path("perUser").forEach(user -> assertThat(user.path("verdict").asText()).as(what).isEqualTo("PASS"));
            assertThat(crowd.path("findings")).as(what).isEmpty();
            // Not vacuous: the crowd met the fault, and enough users retried after a Retry-After for the herd rule to judge.
            assertThat(crowd.path("turnedAway").asInt()).as(what).isPositive();
            assertThat(crowd.path("retriesAfterWait").asInt()).as(what).isGreaterThanOrEqualTo(6);
            assertThat(crowd.path("retryWaitSpreadMs").asLong()).as("the bundled client's jitter spreads its retries: " + what)
                    .isGreaterThanOrEqualTo(50);
            assertThat(crowd.path("amplification").asDouble()).as(what).isLessThanOrEqualTo(3.0);
            assertThat(crowd.path("unattributed").asInt()).as(what).isZero();
        }
        assertThat(Files.readString(dir.resolve("junit.xml"))).contains("crowd: 20 users").contains("user-20: PASS");
        assertThat(Files.readString(dir.resolve("report.html"))).contains("<h3>Crowd</h3>").contains("<table class=\"users\">");
    }

    @Test
    void aNaiveCrowdFailsWithTheAggregateFindingAndPerUserFindings() throws IOException {
        NodeRuntime.assumeInstalled();

        // The scenario's own crowd of 20: two slots and a queue of eight take ten of them, the rest are turned away.
        CliRun run = CliRun.of("run", "overloaded-under-concurrency", "--report-dir", dir.toString(),
                "--client", CROWD_CLIENT + " naive");

        assertThat(run.exit()).as(run.toString()).isEqualTo(RunCommand.EXIT_FAILED);
        JsonNode crowd = JSON.readTree(dir.resolve("report.json").toFile()).path("scenarios").get(0).path("crowd");
        assertThat(crowd.path("findings").findValuesAsText("code")).as(run.toString()).contains("RETRY_AMPLIFICATION");
        assertThat(crowd.path("amplification").asDouble()).as(run.toString()).isGreaterThan(3.0)
                .isEqualTo(Math.round(100.0 * crowd.path("attempts").asInt() / 20) / 100.0);
        int overBudget = 0;
        for (JsonNode user : crowd.path("perUser")) {
            List<String> codes = user.path("findings").findValuesAsText("code");
            if (user.path("attempts").asInt() > 3) {
                overBudget++;
                assertThat(codes).as(user.toString()).contains("TOO_MANY_ATTEMPTS", "RETRY_AFTER_IGNORED");
            } else if (user.path("attempts").asInt() == 1) {
                assertThat(codes).as("a user answered at once did nothing wrong: " + user).isEmpty();
            }
        }
        assertThat(overBudget).as(run.toString()).isPositive();
        assertThat(run.out()).contains("RETRY_AMPLIFICATION: the crowd made").contains("users failed:");
    }

    @Test
    void aCrowdThatHonoursRetryAfterWithoutJitterIsToldItsRetriesSynchronise() throws IOException {
        NodeRuntime.assumeInstalled();

        CliRun run = CliRun.of("run", herdScenario().toString(), "--report-dir", dir.toString(),
                "--client", "CROWD_MAX_ATTEMPTS=2 " + CROWD_CLIENT + " no-jitter");

        JsonNode crowd = JSON.readTree(dir.resolve("report.json").toFile()).path("scenarios").get(0).path("crowd");
        assertThat(crowd.path("findings").findValuesAsText("code")).as(run.toString()).containsExactly("RETRIES_SYNCHRONISED");
        assertThat(crowd.path("retriesAfterWait").asInt()).as(run.toString()).isGreaterThanOrEqualTo(6);
        assertThat(crowd.path("retryWaitSpreadMs").asLong()).as(run.toString()).isLessThan(400);
        for (JsonNode user : crowd.path("perUser")) {
            assertThat(user.path("findings").findValuesAsText("code")).as("each user honoured Retry-After: " + user)
                    .doesNotContain("RETRY_AFTER_IGNORED", "TOO_MANY_ATTEMPTS");
        }
        assertThat(run.exit()).isEqualTo(RunCommand.EXIT_FAILED);
    }

    @Test
    void identicalPromptsAreJudgedPerUserAndOneUsersRetryStormIsNotMixedIntoTheOthers() throws IOException {
        NodeRuntime.assumeInstalled();

        CliRun run = CliRun.of("run", burstScenario().toString(), "--identical-prompts", "--report-dir", dir.toString(),
                "--client", "CROWD_NAIVE_USER=user-2 " + CROWD_CLIENT);

        JsonNode crowd = JSON.readTree(dir.resolve("report.json").toFile()).path("scenarios").get(0).path("crowd");
        assertThat(crowd.path("unattributed").asInt()).as(run.toString()).isZero();
        List<String> prompts = new ArrayList<>();
        crowd.path("perUser").forEach(user -> prompts.add(user.path("prompt").asText()));
        assertThat(prompts).as("one prompt for all").hasSize(5).containsOnly(RunCommand.DEFAULT_PROMPT);
        List<String> users = new ArrayList<>();
        for (JsonNode user : crowd.path("perUser")) {
            List<String> codes = user.path("findings").findValuesAsText("code");
            users.add(user.path("user").asText());
            if (user.path("user").asText().equals("user-2")) {
                assertThat(user.path("attempts").asInt()).as(run.toString()).isEqualTo(8);
                assertThat(codes).as(user.toString()).contains("TOO_MANY_ATTEMPTS", "RETRY_AFTER_IGNORED");
            } else {
                // Its own two attempts (the 503, then the answer after Retry-After), none of user-2's eight.
                assertThat(user.path("attempts").asInt()).as(user.toString()).isEqualTo(2);
                assertThat(codes).as(user.toString()).doesNotContain("TOO_MANY_ATTEMPTS", "RETRY_AFTER_IGNORED");
                assertThat(user.path("verdict").asText()).as(user.toString()).isEqualTo("PASS");
            }
        }
        assertThat(users).containsExactly("user-1", "user-2", "user-3", "user-4", "user-5");
        assertThat(crowd.path("attempts").asInt()).as("every request of the crowd, each judged for one user").isEqualTo(8 + 4 * 2);
    }

    @Test
    void identicalPromptsWithoutAUserMarkerAreJudgedForNobodyRatherThanMixed() throws IOException {
        NodeRuntime.assumeInstalled();

        CliRun run = CliRun.of("run", burstScenario().toString(), "--identical-prompts", "--report-dir", dir.toString(),
                "--client", "CROWD_NO_MARKER=1 " + CROWD_CLIENT + " no-jitter");

        JsonNode crowd = JSON.readTree(dir.resolve("report.json").toFile()).path("scenarios").get(0).path("crowd");
        assertThat(crowd.path("unattributed").asInt()).as(run.toString()).isEqualTo(crowd.path("attempts").asInt()).isPositive();
        assertThat(crowd.path("notes").get(0).asText()).contains("could not be told apart by user").contains("X-Chaosgate-User");
        assertThat(crowd.path("findings").findValuesAsText("code")).as("the crowd met the fault, whoever sent the requests")
                .doesNotContain("FAULT_NOT_EXERCISED");
        for (JsonNode user : crowd.path("perUser")) {
            assertThat(user.path("attempts").asInt()).as("no user got another's attempts: " + user).isZero();
        }
        assertThat(run.out()).contains("note: ").contains("could not be told apart");
    }

    @Test
    void aCrowdTooSmallToMeetTheFaultIsToldItTestedNothing() throws IOException {
        // Three users and a limit of 3 requests per window: every request is answered.
        CliRun run = CliRun.of("run", "rate-limit-window", "--users", "3", "--report-dir", dir.toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(RunCommand.EXIT_FAILED);
        JsonNode crowd = JSON.readTree(dir.resolve("report.json").toFile()).path("scenarios").get(0).path("crowd");
        assertThat(crowd.path("findings").findValuesAsText("code")).as(run.toString()).containsExactly("FAULT_NOT_EXERCISED");
        assertThat(crowd.path("turnedAway").asInt()).isZero();
        assertThat(crowd.path("answered").asInt()).isEqualTo(3);
    }
}
