package dev.chaosgate.cli;

import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.verdict.ClientReport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A client in any language, run once per scenario as {@code /bin/sh -c CMD} with the environment of
 * the client protocol; its stdout is its screen ({@code SHOWN:}, {@code SHOWN[key]:}, {@code DRAFT:} and
 * {@code THREAD:} lines).
 */
final class CommandClient implements ClientUnderTest {
    /** The API key handed to the client: any value works, the fake upstream does not check it. */
    static final String API_KEY = "sk-chaosgate-test-key";
    private static final int STDERR_LINES_KEPT = 20;

    private final String command;
    private final Duration timeout;

    CommandClient(String command, Duration timeout) {
        this.command = command;
        this.timeout = timeout;
    }

    @Override
    public String description() {
        return command;
    }

    /** The environment a client gets (see the client protocol in the README). */
    static Map<String, String> environment(String baseUrl, Scenario scenario, String prompt, boolean streamed) {
        return Map.of(
                "CHAOSGATE_BASE_URL", baseUrl,
                "OPENAI_BASE_URL", baseUrl,
                "OPENAI_API_KEY", API_KEY,
                "CHAOSGATE_SCENARIO", scenario.name(),
                "CHAOSGATE_PROMPT", prompt,
                "CHAOSGATE_STREAM", String.valueOf(streamed));
    }

    @Override
    public ClientRun act(String baseUrl, Scenario scenario, String prompt, boolean streamed) {
        long start = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", command);
        builder.environment().putAll(environment(baseUrl, scenario, prompt, streamed));
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return ClientRun.failedToRun("the client command could not be started (" + e.getMessage()
                    + "); check --client", took(start));
        }
        List<String> stdout = new ArrayList<>();
        List<String> stderr = new ArrayList<>();
        Thread out = drain(process.getInputStream(), stdout, Integer.MAX_VALUE, "client-stdout");
        Thread err = drain(process.getErrorStream(), stderr, STDERR_LINES_KEPT, "client-stderr");
        boolean finished;
        try {
            finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
            out.join(2_000);
            err.join(2_000);
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return ClientRun.failedToRun("interrupted while the client ran", took(start));
        }
        List<String> lines;
        synchronized (stdout) {
            lines = List.copyOf(stdout);
        }
        String stderrTail;
        synchronized (stderr) {
            stderrTail = stderr.isEmpty() ? "" : stderr.get(stderr.size() - 1).strip();
        }
        boolean reported = lines.stream().anyMatch(ClientReport::isReportLine);
        if (!finished) {
            String note = "the client was stopped after " + timeout.toSeconds() + " s (--client-timeout)";
            // Still running at the timeout: it neither answered nor gave up, which the verdict judges as hung.
            ClientReport report = ClientReport.parse(prompt, String.join("\n", lines)).withStoppedAfter(timeout);
            return new ClientRun(report, lines, note, null, took(start));
        }
        int exit = process.exitValue();
        if (exit == 127 || exit == 126) {
            return ClientRun.failedToRun("the client command was not found or cannot be executed (exit code " + exit
                    + (stderrTail.isEmpty() ? "" : ": " + stderrTail) + "); check the command given to --client", took(start));
        }
        if (exit != 0 && !reported) {
            return ClientRun.failedToRun("the client crashed in scenario " + scenario.name() + " (exit code " + exit
                    + (stderrTail.isEmpty() ? "" : ": " + stderrTail) + ") without a SHOWN: or DRAFT: line; run it by hand"
                    + " with CHAOSGATE_BASE_URL set to see why", took(start));
        }
        String note = exit == 0 ? "" : "the client exited with code " + exit
                + (stderrTail.isEmpty() ? "" : " (" + stderrTail + ")");
        return new ClientRun(ClientReport.parse(prompt, String.join("\n", lines)), lines, note, null, took(start));
    }

    private static Duration took(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static Thread drain(InputStream stream, List<String> into, int keep, String name) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    synchronized (into) {
                        into.add(line);
                        if (into.size() > keep) {
                            into.remove(0);
                        }
                    }
                }
            } catch (IOException e) {
                // The process went away; what was read is kept.
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
