package dev.chaosgate.gateway;

import dev.chaosgate.cli.NodeRuntime;
import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.upstream.StreamPacing;
import dev.chaosgate.upstream.UpstreamExchange;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The catalog's mid-answer stream faults meet a real client after it has shown text, whichever API it
 * streams from: the openai npm SDK reads a Chat Completions stream ({@code chat.completions.create}) and a
 * Responses stream ({@code responses.create({stream: true})}, whose first text comes four events in) through
 * the gateway, printing each piece of text as it arrives.
 */
@Timeout(120)
class MidAnswerStreamFaultsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Surefire runs in the harness module directory. */
    private static final Path NODE_CLIENTS = Path.of("src/test/node").toAbsolutePath();

    @BeforeAll
    static void nodeAndTheOpenAiPackageAreThere() {
        NodeRuntime.assumeInstalled();
        assumeTrue(Files.isDirectory(NODE_CLIENTS.resolve("node_modules/openai")),
                "the openai npm package is not installed: run `npm ci --prefix harness/src/test/node` (`.ci/run` does)");
    }

    /** What the probe printed: the pieces of the faulted answer, how it ended, and the whole second answer. */
    record Probe(List<String> pieces, String end, String full, String output) {
        String partial() {
            return String.join("", pieces);
        }
    }

    @ParameterizedTest(name = "{0} through {1}")
    @CsvSource({
            "stream-cut-mid-answer, chat",
            "stream-cut-mid-answer, responses",
            "stream-reset-mid-answer, chat",
            "stream-reset-mid-answer, responses",
            "stream-error-event, chat",
            "stream-error-event, responses",
    })
    void theFaultStrikesAfterTheClientShowedText(String scenario, String api) throws Exception {
        try (ChaosGateway gateway = ChaosGateway.builder().pacing(StreamPacing.immediate())
                .scenario(ScenarioCatalog.builtIn().get(scenario)).start()) {
            Probe probe = probe(gateway, api);
            List<UpstreamExchange> exchanges = gateway.exchanges();
            String timeline = exchanges.stream().map(e -> "#" + e.sequence() + " " + e.path() + " " + e.status() + " "
                    + e.fault() + " " + e.failureClass()).toList() + "\nprobe output:\n" + probe.output();

            assertThat(probe.full()).as("the second answer, in the normal phase, arrives whole\n%s", timeline).isNotBlank();
            assertThat(probe.pieces()).as("pieces of text the %s client printed before the fault\n%s", api, timeline).hasSize(2);
            assertThat(probe.full()).as("what it showed is the start of the answer\n%s", timeline)
                    .startsWith(probe.partial()).isNotEqualTo(probe.partial());
            assertThat(probe.end()).as("the first answer did not complete\n%s", timeline).isNotEqualTo("completed");
            assertThat(exchanges).as("two generation requests\n%s", timeline).hasSize(2);
            assertThat(exchanges.get(0).failureClass()).as("text was sent, so the cut is a stream interruption\n%s", timeline)
                    .isEqualTo("stream_interrupted");
            assertThat(exchanges.get(0).fault()).contains("after 2 text deltas");
            assertThat(exchanges.get(1).fault()).as("the second request is answered normally").isNull();
        }
    }

    private static Probe probe(ChaosGateway gateway, String api) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("node", NODE_CLIENTS.resolve("stream-probe.mjs").toString(), api)
                .redirectErrorStream(true);
        builder.environment().put("OPENAI_BASE_URL", gateway.baseUrl());
        Process node = builder.start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("the probe ends\n%s", output).isTrue();
        List<String> pieces = new ArrayList<>();
        String end = null;
        String full = null;
        for (String line : output.split("\n")) {
            if (line.startsWith("TEXT: ")) {
                pieces.add(JSON.readValue(line.substring(6), String.class));
            } else if (line.startsWith("END: ")) {
                end = line.substring(5);
            } else if (line.startsWith("FULL: ")) {
                full = JSON.readValue(line.substring(6), String.class);
            }
        }
        assertThat(end).as("the probe said how the first answer ended\n%s", output).isNotNull();
        return new Probe(pieces, end, full, output);
    }
}
