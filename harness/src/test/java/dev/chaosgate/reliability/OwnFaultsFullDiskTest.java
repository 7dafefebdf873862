package dev.chaosgate.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chaosgate.cli.CliRun;
import dev.chaosgate.cli.ServeRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Faults of our own: a full disk under the report directory and under the recording of {@code serve}.
 * The disk is real: a 256 KiB tmpfs mounted for each test and filled with a file; the test is skipped,
 * saying why, where a tmpfs cannot be mounted (not root, no mount permission, not Linux).
 */
@Timeout(60)
class OwnFaultsFullDiskTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String DISK_FULL = "disk full, no space left on device";

    private Path disk;
    private boolean mounted;

    @BeforeEach
    void mountASmallDisk() throws Exception {
        disk = Files.createTempDirectory("chaosgate-full-disk");
        String problem = run("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", disk.toString());
        mounted = problem == null;
        assumeTrue(mounted, () -> "skipped: a full disk needs a small tmpfs, and `mount -t tmpfs -o size=256k tmpfs "
                + disk + "` failed (needs root and mount permission on Linux): " + problem);
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted && run("umount", disk.toString()) != null) {
            run("umount", "-l", disk.toString());
        }
        Files.deleteIfExists(disk);
    }

    @Test
    void aRunOnAFullDiskStillJudgesSaysOncePerFileAndKeepsTheLastCompleteReports() throws Exception {
        // Given complete reports of an earlier run
        Path reports = disk.resolve("reports");
        CliRun earlier = CliRun.of("run", "access-denied-1020", "--report-dir", reports.toString());
        assertThat(earlier.exit()).as(earlier.toString()).isZero();
        List<byte[]> complete = List.of(read(reports, "report.json"), read(reports, "junit.xml"), read(reports, "report.html"));

        // When the disk is full
        Path filler = fill(disk);
        CliRun run = CliRun.of("run", "access-denied-1020", "quota-exhausted", "--report-dir", reports.toString());

        // Then the run still judges and prints its verdicts
        assertThat(run.out()).contains("[1/2] access-denied-1020").contains("[2/2] quota-exhausted")
                .contains("2 passed, 0 failed, 0 skipped").doesNotContain("reports: ");
        // And says once per file that it could not be written, then that the reports are incomplete: exit code 2
        assertThat(run.exit()).as(run.toString()).isEqualTo(2);
        assertThat(run.errLines()).as(run.toString()).containsExactly(
                "chaosgate run: cannot write the report file " + reports.resolve("report.json") + ": " + DISK_FULL
                        + "; the run goes on and tries again after each scenario (free some space, or choose another directory with --report-dir)",
                "chaosgate run: cannot write the report file " + reports.resolve("junit.xml") + ": " + DISK_FULL
                        + "; the run goes on and tries again after each scenario (free some space, or choose another directory with --report-dir)",
                "chaosgate run: cannot write the report file " + reports.resolve("report.html") + ": " + DISK_FULL
                        + "; the run goes on and tries again after each scenario (free some space, or choose another directory with --report-dir)",
                "chaosgate run: the reports are incomplete: " + reports.resolve("report.json") + ", " + reports.resolve("junit.xml")
                        + ", " + reports.resolve("report.html") + " could not be written (each keeps what it held before, if"
                        + " anything); the verdicts above stand; exit code 2");
        // And the earlier complete reports are still there, whole, with no temporary file beside them
        assertThat(List.of(read(reports, "report.json"), read(reports, "junit.xml"), read(reports, "report.html")))
                .usingElementComparator(Comparator.comparing(bytes -> new String(bytes, StandardCharsets.UTF_8)))
                .isEqualTo(complete);
        assertThat(names(reports)).containsExactlyInAnyOrder("report.json", "junit.xml", "report.html");

        // When space comes back
        Files.delete(filler);
        CliRun after = CliRun.of("run", "quota-exhausted", "--report-dir", reports.toString());

        // Then the reports are written again
        assertThat(after.exit()).as(after.toString()).isZero();
        assertThat(after.err()).isEmpty();
        assertThat(JSON.readTree(reports.resolve("report.json").toFile()).path("scenarios").findValuesAsText("name"))
                .containsExactly("quota-exhausted");
        assertThat(names(reports)).containsExactlyInAnyOrder("report.json", "junit.xml", "report.html");
    }

    @Test
    void serveOnAFullDiskKeepsServingSaysSoAndWritesEverythingOnceSpaceComesBack() throws Exception {
        Path recording = disk.resolve("qa.json");
        try (ServeRun serve = ServeRun.start("--scenario", "bad-gateway-single", "--port", "0", "--console-port", "0",
                "--record", recording.toString())) {
            // Given a recorded first request
            assertThat(chat(serve.baseUrl())).isEqualTo(502);
            await().atMost(Duration.ofSeconds(5)).until(() -> requestSequences(recording).equals(List.of(1)));

            // When the disk fills up, the app's requests are still served
            Path filler = fill(disk);
            for (int i = 0; i < 3; i++) {
                assertThat(chat(serve.baseUrl())).isEqualTo(200);
            }

            // Then serve says once that the recording cannot be written, and the console shows it
            String warning = "chaosgate serve: warning: cannot write the recording to " + recording + " (" + DISK_FULL
                    + "); serving goes on, the run is kept in memory and written as soon as the file can be written again";
            await().atMost(Duration.ofSeconds(5)).until(() -> serve.err.toString().contains(warning));
            assertThat(get(serve.consoleUrl() + "api/state").path("recordingProblem").asText()).isEqualTo(DISK_FULL);
            Thread.sleep(600); // a few more periodic writes fail, and are not said again
            assertThat(serve.err.toString().lines().filter(line -> line.contains("cannot write"))).hasSize(1);
            // And the file still holds the last complete write, with no temporary file beside it
            assertThat(requestSequences(recording)).containsExactly(1);
            assertThat(names(disk)).containsExactlyInAnyOrder("qa.json", filler.getFileName().toString());

            // When space comes back
            Files.delete(filler);

            // Then the next periodic write holds every decision and journal entry recorded meanwhile
            await().atMost(Duration.ofSeconds(5)).until(() -> requestSequences(recording).equals(List.of(1, 2, 3, 4)));
            JsonNode written = JSON.readTree(recording.toFile());
            // One segment: the session was neither reset nor switched.
            assertThat(written.path("segments")).hasSize(1);
            assertThat(written.path("segments").get(0).path("decisions")).hasSize(4);
            assertThat(written.path("segments").get(0).path("journal").findValuesAsText("complete")).containsOnly("true");
            await().atMost(Duration.ofSeconds(5)).until(() -> serve.err.toString().contains(
                    "chaosgate serve: warning: the recording is written to " + recording + " again, with everything so far (4 decisions,"));
            assertThat(get(serve.consoleUrl() + "api/state").path("recordingProblem").isNull()).isTrue();
        }
    }

    @Test
    void serveStoppedOnAFullDiskSaysItsLastWriteFailedAndLeavesTheLastCompleteRecording() throws Exception {
        Path recording = disk.resolve("qa.json");
        ServeRun serve = ServeRun.start("--scenario", "bad-gateway-single", "--port", "0", "--console-port", "0",
                "--record", recording.toString());
        assertThat(chat(serve.baseUrl())).isEqualTo(502);
        await().atMost(Duration.ofSeconds(5)).until(() -> requestSequences(recording).equals(List.of(1)));
        fill(disk);
        assertThat(chat(serve.baseUrl())).isEqualTo(200);

        serve.close();

        assertThat(serve.exit.join()).isZero();
        assertThat(serve.err.toString()).contains("chaosgate serve: warning: cannot write the recording to " + recording
                + " on stop (" + DISK_FULL + "); the file holds the run as last written, at ");
        assertThat(requestSequences(recording)).containsExactly(1);
        assertThat(names(disk)).containsExactlyInAnyOrder("qa.json", "filler");
    }

    @Test
    void serveStartedOnAFullDiskIsAOneLineUsageError() throws Exception {
        fill(disk);
        Path recording = disk.resolve("qa.json");

        ServeRun.Finished result = ServeRun.toEnd("--scenario", "bad-gateway-single", "--port", "0", "--console-port", "0",
                "--record", recording.toString());

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err().lines().toList()).containsExactly("chaosgate serve: cannot write the recording to " + recording
                + " (" + DISK_FULL + "); choose another path with --record");
        assertThat(names(disk)).containsExactly("filler");
    }

    // ---- helpers ----

    /** Fills {@code dir}'s file system with one file until the disk says it is full; returns the file. */
    private static Path fill(Path dir) throws IOException {
        Path filler = dir.resolve("filler");
        byte[] chunk = new byte[16 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            for (int i = 0; i < 1024; i++) {
                out.write(chunk);
                out.flush();
            }
        } catch (IOException full) {
            assertThat(full.getMessage()).contains("No space left on device");
            return filler;
        }
        throw new AssertionError("the disk did not fill up: " + Files.size(filler) + " bytes written");
    }

    private static byte[] read(Path dir, String name) throws IOException {
        return Files.readAllBytes(dir.resolve(name));
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(file -> file.getFileName().toString()).toList();
        }
    }

    /** The sequences of the request entries in the recording file's journal. */
    private static List<Integer> requestSequences(Path recording) throws IOException {
        JsonNode journal = JSON.readTree(recording.toFile()).path("segments").path(0).path("journal");
        return journal.findParents("type").stream().filter(entry -> entry.path("type").asText().equals("request"))
                .map(entry -> entry.path("sequence").asInt()).toList();
    }

    private static int chat(String baseUrl) throws IOException, InterruptedException {
        String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Where is my order?\"}]}";
        return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions")).timeout(Duration.ofSeconds(10))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static JsonNode get(String url) throws IOException, InterruptedException {
        return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    /** Runs a command; null when it succeeded, else what it printed (or why it could not run). */
    private static String run(String... command) throws InterruptedException {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return String.join(" ", command) + " did not end in 10 s";
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return process.exitValue() == 0 ? null : "exit " + process.exitValue() + ": " + output;
        } catch (IOException e) {
            return e.getMessage();
        }
    }
}
