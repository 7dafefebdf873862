package dev.chaosgate.sdk;

import dev.chaosgate.verdict.corpus.Corpus;
import dev.chaosgate.verdict.corpus.CorpusClient;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real-SDK tables stay complete and well formed as the catalog grows: {@link Corpus#load} refuses a missing
 * cell, a malformed one or a non-PASS cell without its reason, and every command names files that exist. What
 * the cells say comes from the SDKs' sources (docs/sdk-policies.md), not from here.
 */
class SdkMatrixTablesTest {
    private static final Path DIR = Path.of("src/test/sdk");

    @Test
    void theTablesLoadAsACorpusOfSdkClients() {
        Corpus corpus = Corpus.load(DIR);
        assertThat(corpus.clients()).isNotEmpty().allSatisfy(c -> assertThat(c.kind()).as(c.name()).isEqualTo("sdk"));
        // One plain cell per client and scenario; stream-mode cells (scenario[stream]) come on top.
        assertThat(corpus.cells().stream().filter(c -> !c.streamed()))
                .hasSize(corpus.clients().size() * corpus.scenarios().size());
    }

    @Test
    void everyCommandRunsAFileOfThisDirectory() {
        List<String> problems = new ArrayList<>();
        for (CorpusClient client : Corpus.load(DIR).clients()) {
            for (String word : client.command().split(" ")) {
                if (word.startsWith("harness/src/test/sdk/") && !Files.exists(Path.of("..").resolve(word))) {
                    problems.add(client.name() + " runs " + word + ", which does not exist");
                }
            }
        }
        assertThat(problems).isEmpty();
    }
}
