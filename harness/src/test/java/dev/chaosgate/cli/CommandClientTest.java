package dev.chaosgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.scenario.ScenarioCatalog;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The client protocol as a command sees it: its environment in, its screen out. */
@Timeout(30)
class CommandClientTest {
    private static final Scenario STREAMED = ScenarioCatalog.builtIn().get("stream-cut-mid-answer");

    @Test
    void theClientGetsTheProtocolEnvironment() {
        CommandClient client = new CommandClient("echo \"SHOWN: $CHAOSGATE_BASE_URL|$OPENAI_BASE_URL|$OPENAI_API_KEY\";"
                + " echo \"SHOWN: $CHAOSGATE_SCENARIO|$CHAOSGATE_STREAM\"; echo \"DRAFT: $CHAOSGATE_PROMPT\"", Duration.ofSeconds(10));

        ClientUnderTest.ClientRun run = client.act("http://127.0.0.1:1234/v1", STREAMED, "Why 502?", true);

        assertThat(run.problem()).isNull();
        assertThat(run.report().shown()).containsExactly(
                "http://127.0.0.1:1234/v1|http://127.0.0.1:1234/v1|" + CommandClient.API_KEY,
                "stream-cut-mid-answer|true");
        assertThat(run.report().draft()).isEqualTo("Why 502?");
        assertThat(run.report().prompt()).isEqualTo("Why 502?");
        assertThat(run.stdout()).hasSize(3);
        assertThat(run.note()).isEmpty();
    }

    @Test
    void otherStdoutLinesAreKeptButIgnoredByTheReport() {
        CommandClient client = new CommandClient("echo debug: starting; echo 'SHOWN: hello'; echo 'DRAFT:'", Duration.ofSeconds(10));

        ClientUnderTest.ClientRun run = client.act("http://127.0.0.1:1/v1", STREAMED, "p", false);

        assertThat(run.report().shown()).containsExactly("hello");
        assertThat(run.report().draft()).isEmpty();
        assertThat(run.stdout()).containsExactly("debug: starting", "SHOWN: hello", "DRAFT:");
    }

    @Test
    void theClientReadsNothingFromStdinAndDoesNotHang() {
        CommandClient client = new CommandClient("cat; echo 'DRAFT: p'", Duration.ofSeconds(10));

        ClientUnderTest.ClientRun run = client.act("http://127.0.0.1:1/v1", STREAMED, "p", false);

        assertThat(run.problem()).isNull();
        assertThat(run.took()).isLessThan(Duration.ofSeconds(5));
    }
}
