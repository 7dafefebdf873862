package dev.chaosgate.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaosgate.journal.Journal;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.upstream.FaultDecision;
import dev.chaosgate.upstream.Faults;
import dev.chaosgate.upstream.RetryAfter;
import dev.chaosgate.upstream.UpstreamFault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The recording file: every kind of answer survives a write and a read; bad files are named with the fix. */
class RecordingTest {
    private static final ScenarioCatalog CATALOG = ScenarioCatalog.builtIn();
    private static final Scenario BROWNOUT = CATALOG.get("brownout-30-percent");

    @TempDir
    Path dir;

    @Test
    void everySingleAnswerAFaultCanServeSurvivesWriteAndRead() throws IOException {
        List<UpstreamFault> answers = List.of(
                Faults.badGateway(),
                Faults.rateLimited().withRetryAfter(RetryAfter.httpDate(Duration.ofSeconds(3))).withRetryAfterMs(1500)
                        .withShouldRetry(true).withHeader("x-extra", "1").withDelay(Duration.ofMillis(250)),
                Faults.overloaded().withRetryAfter(RetryAfter.garbage()),
                Faults.connectionReset(),
                Faults.malformedChunk(),
                Faults.streamStallAfter(3, Duration.ofSeconds(120)),
                Faults.streamNestedErrorAfter(2),
                Faults.streamStall(Duration.ofSeconds(45)),
                Faults.streamCut().afterTextDeltas(7),
                Faults.streamReset().beforeText(),
                Faults.slowAnswer(Duration.ofSeconds(10)));
        Recording recording = Recording.start(BROWNOUT, 77);
        long sequence = 1;
        for (UpstreamFault answer : answers) {
            recording.add(new FaultDecision(sequence++, true, "brownout", answer.label(), answer,
                    Map.of("x-ratelimit-remaining-requests", "0"), FaultDecision.Source.SCENARIO));
        }
        recording.add(new FaultDecision(sequence, false, "recovered", null, null, Map.of(), FaultDecision.Source.PAUSED));
        Path file = dir.resolve("nested/run.json");

        recording.write(file, new Journal());
        Recording read = Recording.read(file, CATALOG);

        assertThat(read.scenario()).isEqualTo(BROWNOUT);
        assertThat(read.seed()).isEqualTo(77);
        assertThat(read.decisions()).isEqualTo(recording.decisions());
        assertThat(Files.readString(file)).as("faults in the scenario syntax, as a phase's upstream: writes them")
                .contains("\"connection\" : \"reset\"").contains("\"slow\" : \"10000ms\"").doesNotContain("\"type\"");
        assertThat(Files.list(file.getParent()).map(p -> p.getFileName().toString()).toList())
                .as("no temporary file left behind").containsExactly("run.json");
    }

    @Test
    void theVersionCountsChangesSoAWriterKnowsWhenThereIsNothingNew() {
        Recording recording = Recording.start(BROWNOUT, 1);
        long before = recording.version();
        recording.add(new FaultDecision(1, true, null, null, null, Map.of(), FaultDecision.Source.SCENARIO));
        assertThat(recording.version()).isEqualTo(before + 1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not JSON            | {\"format\": | not valid JSON",
            "another JSON file   | {\"a\": 1}   | not a chaosgate recording (format must be \"chaosgate-recording/2\" or \"chaosgate-recording/1\")",
            "unknown scenario    | {\"format\":\"chaosgate-recording/1\",\"scenario\":\"nope\",\"seed\":1,\"decisions\":[]} | scenario 'nope' is not in the catalog; run `chaosgate list`",
            "seed missing        | {\"format\":\"chaosgate-recording/1\",\"scenario\":\"full-outage\",\"decisions\":[]} | seed: missing or not a whole number",
            "decisions not list  | {\"format\":\"chaosgate-recording/1\",\"scenario\":\"full-outage\",\"seed\":1,\"decisions\":3} | decisions: missing or not a list",
            "unknown fault type  | {\"format\":\"chaosgate-recording/1\",\"scenario\":\"full-outage\",\"seed\":1,\"decisions\":[{\"fault\":{\"type\":\"boom\"}}]} | decisions[0].fault.type: unknown fault type 'boom'",
            "status out of range | {\"format\":\"chaosgate-recording/1\",\"scenario\":\"full-outage\",\"seed\":1,\"decisions\":[{\"fault\":{\"type\":\"error\",\"status\":99}}]} | decisions[0].fault: status must be 100..599, got 99",
            "two stream points   | {\"format\":\"chaosgate-recording/1\",\"scenario\":\"full-outage\",\"seed\":1,\"decisions\":[{\"fault\":{\"type\":\"stream\",\"kind\":\"CUT\",\"afterEvents\":3,\"beforeText\":true}}]} | decisions[0].fault: a stream fault needs exactly one of afterTextDeltas, beforeText or afterEvents, got beforeText and afterEvents",
            "no stream point     | {\"format\":\"chaosgate-recording/1\",\"scenario\":\"full-outage\",\"seed\":1,\"decisions\":[{\"fault\":{\"type\":\"stream\",\"kind\":\"CUT\"}}]} | decisions[0].fault: a stream fault needs exactly one of afterTextDeltas, beforeText or afterEvents",
            "zero text deltas    | {\"format\":\"chaosgate-recording/1\",\"scenario\":\"full-outage\",\"seed\":1,\"decisions\":[{\"fault\":{\"type\":\"stream\",\"kind\":\"CUT\",\"afterTextDeltas\":0}}]} | decisions[0].fault: afterTextDeltas must be >= 1, got 0",
            "unknown source      | {\"format\":\"chaosgate-recording/1\",\"scenario\":\"full-outage\",\"seed\":1,\"decisions\":[{\"source\":\"X\"}]} | decisions[0].source: unknown source 'X'",
    })
    void aBadFileIsRefusedNamingTheFileAndTheProblem(String description, String content, String expected) throws IOException {
        Path file = Files.writeString(dir.resolve("bad.json"), content);

        assertThatThrownBy(() -> Recording.read(file, CATALOG))
                .isInstanceOf(RecordingException.class)
                .hasMessageStartingWith(file.toString())
                .hasMessageContaining(expected);
    }

    @Test
    void segmentsSurviveWriteAndReadInOrderWithTheirCause() throws IOException {
        Recording first = Recording.start(BROWNOUT, 7);
        first.add(new FaultDecision(1, true, "brownout", "502 cloudflare/502-branded", Faults.badGateway(), Map.of(),
                FaultDecision.Source.SCENARIO));
        Recording afterReset = Recording.start(BROWNOUT, 7, Recording.RESET);
        Recording afterSwitch = Recording.start(CATALOG.get("full-outage"), 3, Recording.SWITCH);
        afterSwitch.add(new FaultDecision(2, true, null, null, null, Map.of(), FaultDecision.Source.SCENARIO));
        Path file = dir.resolve("session.json");

        Recording.write(file, List.of(first, afterReset, afterSwitch), java.util.Arrays.asList(new Journal(), null, new Journal()));
        List<Recording> read = Recording.readSegments(file, CATALOG);

        assertThat(read).extracting(Recording::cause).containsExactly("start", "reset", "switch");
        assertThat(read).extracting(r -> r.scenario().name()).containsExactly("brownout-30-percent", "brownout-30-percent", "full-outage");
        assertThat(read).extracting(Recording::seed).containsExactly(7L, 7L, 3L);
        assertThat(read.get(0).decisions()).isEqualTo(first.decisions());
        assertThat(read.get(2).decisions()).isEqualTo(afterSwitch.decisions());
        assertThat(read.get(0).started()).isEqualTo(first.started());
        assertThatThrownBy(() -> Recording.read(file, CATALOG)).isInstanceOf(RecordingException.class)
                .hasMessage(file + ": holds 3 segments; choose one with --segment N");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no segments         | {\"format\":\"chaosgate-recording/2\"} | segments: missing, empty or not a list",
            "empty segments      | {\"format\":\"chaosgate-recording/2\",\"segments\":[]} | segments: missing, empty or not a list",
            "segment not object  | {\"format\":\"chaosgate-recording/2\",\"segments\":[3]} | segments[0]: not an object",
            "unknown scenario    | {\"format\":\"chaosgate-recording/2\",\"segments\":[{\"scenario\":\"nope\",\"seed\":1,\"decisions\":[]}]} | segments[0].scenario 'nope' is not in the catalog",
            "bad decision        | {\"format\":\"chaosgate-recording/2\",\"segments\":[{\"scenario\":\"full-outage\",\"seed\":1,\"decisions\":[]},{\"scenario\":\"full-outage\",\"seed\":1,\"decisions\":[{\"source\":\"X\"}]}]} | segments[1].decisions[0].source: unknown source 'X'",
            "bad start time      | {\"format\":\"chaosgate-recording/2\",\"segments\":[{\"scenario\":\"full-outage\",\"seed\":1,\"decisions\":[],\"started\":\"yesterday\"}]} | segments[0].started: not an ISO-8601 instant, got 'yesterday'",
    })
    void aBadSegmentIsRefusedNamingItsIndexAndField(String description, String content, String expected) throws IOException {
        Path file = Files.writeString(dir.resolve("bad.json"), content);

        assertThatThrownBy(() -> Recording.readSegments(file, CATALOG))
                .isInstanceOf(RecordingException.class)
                .hasMessageStartingWith(file.toString())
                .hasMessageContaining(expected);
    }

    @Test
    void aFileOfTheFirstFormatIsOneSegment() throws IOException {
        Path file = Files.writeString(dir.resolve("old.json"), "{\"format\":\"chaosgate-recording/1\",\"scenario\":\"full-outage\","
                + "\"seed\":4,\"decisions\":[{\"sequence\":1,\"generation\":true,\"fault\":null}],\"journal\":[]}");

        List<Recording> read = Recording.readSegments(file, CATALOG);

        assertThat(read).singleElement().satisfies(r -> {
            assertThat(r.scenario().name()).isEqualTo("full-outage");
            assertThat(r.cause()).isEqualTo(Recording.START);
            assertThat(r.started()).isNull();
            assertThat(r.decisions()).hasSize(1);
        });
    }

    @Test
    void aMissingFileSaysWhichFileToGive() {
        Path missing = dir.resolve("missing.json");
        assertThatThrownBy(() -> Recording.read(missing, CATALOG))
                .isInstanceOf(RecordingException.class)
                .hasMessage(missing + ": no such file; give the file `chaosgate serve --record` wrote");
    }
}
