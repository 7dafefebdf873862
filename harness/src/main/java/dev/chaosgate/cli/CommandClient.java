package dev.chaosgate.cli;

import dev.chaosgate.upstream.Provider;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.verdict.ClientReport;
import dev.chaosgate.verdict.ClientReportBuilder;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A client in any language, run once per scenario as {@code /bin/sh -c CMD} with the environment of
 * the client protocol (version {@value #PROTOCOL_VERSION}); its stdout is its screen ({@code SHOWN:},
 * {@code SHOWN[key]:}, {@code PARTIAL:}, {@code DRAFT:} and {@code THREAD:} lines), read as the lines arrive so
 * that a client stopped at its timeout is judged on what it had shown.
 */
final class CommandClient implements ClientUnderTest {
    /** The API key handed to the client: any value works, the fake upstream does not check it. */
    static final String API_KEY = "sk-chaosgate-test-key";
    /** The client protocol's version, in {@code CHAOSGATE_PROTOCOL}: 2 added PARTIAL lines, CHAOSGATE_ORIGIN and timed lines. */
    static final int PROTOCOL_VERSION = 2;
    /** Stderr lines read and held while the client runs; {@link ClientStderr#tail} cuts them to what reports keep. */
    private static final int STDERR_LINES_READ = 200;

    private final String command;
    private final Duration timeout;

    private final Provider provider;

    CommandClient(String command, Duration timeout) {
        this(command, timeout, Provider.OPENAI);
    }

    /** A client that speaks {@code provider}'s wire: told so in {@code CHAOSGATE_PROVIDER}. */
    CommandClient(String command, Duration timeout, Provider provider) {
        this.command = command;
        this.timeout = timeout;
        this.provider = provider;
    }

    @Override
    public String description() {
        return command;
    }

    /** The environment a client gets (see the client protocol in the README). */
    static Map<String, String> environment(String baseUrl, Scenario scenario, String prompt, boolean streamed) {
        return environment(baseUrl, scenario, prompt, streamed, SINGLE_USER);
    }

    /** The environment of user {@code user}: {@code CHAOSGATE_USER} names it (send it as the X-Chaosgate-User header). */
    static Map<String, String> environment(String baseUrl, Scenario scenario, String prompt, boolean streamed, String user) {
        return Map.of(
                "CHAOSGATE_USER", user,
                "CHAOSGATE_BASE_URL", baseUrl,
                "OPENAI_BASE_URL", baseUrl,
                "CHAOSGATE_ORIGIN", origin(baseUrl),
                "OPENAI_API_KEY", API_KEY,
                "CHAOSGATE_SCENARIO", scenario.name(),
                "CHAOSGATE_PROMPT", prompt,
                "CHAOSGATE_STREAM", String.valueOf(streamed),
                "CHAOSGATE_PROTOCOL", String.valueOf(PROTOCOL_VERSION),
                // Python block-buffers stdout on a pipe: a killed client would lose the lines it printed
                "PYTHONUNBUFFERED", "1");
    }

    /** The base URL without its {@code /v1} path, for SDKs that append {@code /v1/...} themselves. */
    static String origin(String baseUrl) {
        String url = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        return url.endsWith("/v1") ? url.substring(0, url.length() - 3) : url;
    }

    /**
     * How a client is told to trust an HTTPS gateway's authority ({@code caCertificate}, a PEM file): the
     * variables OpenSSL-based clients (Python, curl, Ruby), Node and requests read, and chaosgate's own.
     */
    static Map<String, String> tlsEnvironment(java.nio.file.Path caCertificate) {
        String path = caCertificate.toAbsolutePath().toString();
        return Map.of("CHAOSGATE_CA_CERT", path, "SSL_CERT_FILE", path, "NODE_EXTRA_CA_CERTS", path, "REQUESTS_CA_BUNDLE", path);
    }

    @Override
    public ClientRun act(String baseUrl, java.nio.file.Path caCertificate, Scenario scenario, String prompt, boolean streamed,
                         String user) {
        long start = System.nanoTime();
        Instant started = Instant.now();
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", command);
        builder.environment().putAll(environment(baseUrl, scenario, prompt, streamed, user));
        if (caCertificate != null) {
            builder.environment().putAll(tlsEnvironment(caCertificate));
        }
        builder.environment().put("CHAOSGATE_PROVIDER", provider.id());
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return ClientRun.failedToRun("the client command could not be started (" + e.getMessage()
                    + "); check --client", took(start));
        }
        TimedLines out = TimedLines.read(process.getInputStream(), Integer.MAX_VALUE, "client-stdout");
        TimedLines err = TimedLines.read(process.getErrorStream(), STDERR_LINES_READ, "client-stderr");
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
            return ClientRun.crashed("interrupted while the client ran", took(start), List.of(), List.of());
        }
        List<TimedLines.Line> timed = out.lines();
        List<String> lines = kept(timed);
        List<String> stderrRead = err.lines().stream().map(TimedLines.Line::text).toList();
        List<String> stderr = ClientStderr.tail(stderrRead);
        // The line that says why, not the last one: a crashed Node.js client's last line is its version. Looked for in
        // all lines read, as a long stack trace can push the cause out of the tail.
        String stderrTail = ClientStderr.cause(stderrRead);
        boolean reported = lines.stream().anyMatch(ClientReport::isReportLine);
        if (!finished) {
            String note = "the client was stopped after " + timeout.toSeconds() + " s (--client-timeout)";
            // Still running at the timeout: it neither answered nor gave up, which the verdict judges as hung,
            // on the texts it had shown by then.
            ClientReport report = report(prompt, started, timed).withStoppedAfter(timeout);
            return new ClientRun(report, lines, note, took(start), stderr);
        }
        int exit = process.exitValue();
        if (exit == 127 || exit == 126) {
            return new ClientRun(null, lines, "", "the client command was not found or cannot be executed (exit code " + exit
                    + (stderrTail.isEmpty() ? "" : ": " + stderrTail) + "); check the command given to --client", took(start),
                    stderr, true);
        }
        if (exit != 0 && !reported) {
            return ClientRun.crashed("the client crashed in scenario " + scenario.name() + " (exit code " + exit
                    + (stderrTail.isEmpty() ? "" : ": " + stderrTail) + ") without a SHOWN: or DRAFT: line; "
                    + (stderr.isEmpty() ? "run it by hand with CHAOSGATE_BASE_URL set to see why"
                    : "the reports keep the last lines of its stderr"), took(start), lines, stderr);
        }
        String note = exit == 0 ? "" : "the client exited with code " + exit
                + (stderrTail.isEmpty() ? "" : " (" + stderrTail + ")");
        return new ClientRun(report(prompt, started, timed), lines, note, took(start), stderr);
    }

    /** The report of the lines as they arrived: each text with the time it was shown. */
    static ClientReport report(String prompt, Instant started, List<TimedLines.Line> lines) {
        ClientReportBuilder builder = ClientReport.builder(prompt).started(started);
        lines.forEach(line -> builder.line(line.text(), line.at()));
        return builder.build();
    }

    /**
     * The stdout lines kept for the reports: a run of PARTIAL lines (a streamed answer printed once per delta) is kept
     * as its last line, the text it grew to.
     */
    static List<String> kept(List<TimedLines.Line> lines) {
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i).text();
            boolean replacedByNext = i + 1 < lines.size() && text.startsWith("PARTIAL:")
                    && lines.get(i + 1).text().startsWith("PARTIAL:");
            if (!replacedByNext) {
                kept.add(text);
            }
        }
        return List.copyOf(kept);
    }

    private static Duration took(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
