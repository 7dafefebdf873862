package dev.chaosgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stderr kept of a client and the line that says why it failed, from the shapes real runtimes print. */
class ClientStderrTest {

    @Test
    void aNodeModuleNotFoundIsTheCauseNotTheVersionBanner() {
        // The shape Node.js 20 prints for an ES module import of a package that is not installed.
        List<String> stderr = List.of(
                "node:internal/modules/esm/resolve:873",
                "  throw new ERR_MODULE_NOT_FOUND(packageName, fileURLToPath(base), null);",
                "        ^",
                "",
                "Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'openai' imported from /app/client.mjs",
                "    at packageResolve (node:internal/modules/esm/resolve:873:9)",
                "    at moduleResolve (node:internal/modules/esm/resolve:946:18)",
                "  code: 'ERR_MODULE_NOT_FOUND'",
                "}",
                "",
                "Node.js v20.20.2");

        assertThat(ClientStderr.cause(stderr))
                .isEqualTo("Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'openai' imported from /app/client.mjs");
    }

    @Test
    void aPythonTracebacksLastLineIsTheCause() {
        List<String> stderr = List.of(
                "Traceback (most recent call last):",
                "  File \"/app/client.py\", line 1, in <module>",
                "    import openai",
                "ModuleNotFoundError: No module named 'openai'");

        assertThat(ClientStderr.cause(stderr)).isEqualTo("ModuleNotFoundError: No module named 'openai'");
    }

    @Test
    void aJavaExceptionIsFoundAboveItsStackFrames() {
        List<String> stderr = new ArrayList<>(List.of("Exception in thread \"main\" java.net.ConnectException: Connection refused"));
        for (int i = 0; i < 40; i++) {
            stderr.add("\tat com.example.Client.call(Client.java:" + i + ")");
        }

        assertThat(ClientStderr.cause(stderr)).isEqualTo("Exception in thread \"main\" java.net.ConnectException: Connection refused");
    }

    @Test
    void withoutAnErrorWordTheLastMeaningfulLineIsTheCause() {
        assertThat(ClientStderr.cause(List.of("starting", "stream: boom", ""))).isEqualTo("stream: boom");
        assertThat(ClientStderr.cause(List.of())).isEmpty();
        assertThat(ClientStderr.cause(List.of("", "   "))).isEmpty();
    }

    @Test
    void theTailKeepsTheLastTwentyLinesAndAtMostFourKilobytes() {
        List<String> many = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            many.add("line " + i);
        }
        assertThat(ClientStderr.tail(many)).hasSize(ClientStderr.MAX_LINES).startsWith("line 31").endsWith("line 50");

        List<String> wide = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            wide.add(String.valueOf((char) ('a' + i)).repeat(1000));
        }
        List<String> kept = ClientStderr.tail(wide);
        assertThat(kept.stream().mapToInt(line -> line.length() + 1).sum()).isLessThanOrEqualTo(ClientStderr.MAX_BYTES);
        assertThat(kept).hasSize(4).endsWith("j".repeat(1000));

        List<String> huge = List.of("x".repeat(100_000) + " the end");
        assertThat(ClientStderr.tail(huge)).singleElement().satisfies(line -> assertThat(line).endsWith("the end")
                .hasSizeLessThanOrEqualTo(ClientStderr.MAX_BYTES));
        assertThat(ClientStderr.tail(List.of("boom", "", ""))).containsExactly("boom");
    }
}
