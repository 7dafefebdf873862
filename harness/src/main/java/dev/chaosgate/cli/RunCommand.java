package dev.chaosgate.cli;

import dev.chaosgate.upstream.Provider;
import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.gateway.ChaosGatewayBuilder;
import dev.chaosgate.report.Reports;
import dev.chaosgate.report.RunResult;
import dev.chaosgate.report.ScenarioOutcome;
import dev.chaosgate.scenario.Crowd;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.scenario.ScenarioLoader;
import dev.chaosgate.scenario.StreamMode;
import dev.chaosgate.scenario.StreamSelection;
import dev.chaosgate.upstream.StreamPacing;
import dev.chaosgate.verdict.Finding;
import dev.chaosgate.verdict.FindingCode;
import dev.chaosgate.verdict.Verdict;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * {@code chaosgate run}: plays scenarios against a client, one gateway each, and judges it. Without
 * {@code --client} it judges the bundled well-behaved reference client, the demonstration to run first.
 */
@Command(name = "run",
        mixinStandardHelpOptions = true,
        version = "chaosgate 0.1.0",
        sortOptions = false,
        exitCodeOnInvalidInput = ChaosgateCli.EXIT_USAGE,
        description = "Plays scenarios against a client and judges it: did it retry when it should, back off, honour"
                + " Retry-After, stop on errors retrying cannot fix, keep the prompt and show the right guidance?",
        footer = {"",
                "The client protocol (version 2; version 1 clients work unchanged): CMD runs once per scenario (as"
                        + " /bin/sh -c CMD) with CHAOSGATE_BASE_URL and OPENAI_BASE_URL (the gateway's /v1 base URL),"
                        + " CHAOSGATE_ORIGIN (the same without /v1, for SDKs that append it), OPENAI_API_KEY,"
                        + " CHAOSGATE_SCENARIO, CHAOSGATE_PROMPT, CHAOSGATE_STREAM (true: ask for a streamed"
                        + " answer; see --stream), CHAOSGATE_USER (user-1; user-1..user-N in a crowd: send it as the"
                        + " X-Chaosgate-User header), CHAOSGATE_PROTOCOL=2 and PYTHONUNBUFFERED=1. It sends the prompt once, as a user"
                        + " would, and prints what the user sees, one line each, flushed as printed: `SHOWN: <text>` per"
                        + " text shown (answer or message; the last one is judged), `PARTIAL: <text>` for an answer still"
                        + " growing (the whole text so far; each replaces the previous, a SHOWN equal to it completes it),"
                        + " and one `DRAFT: <text>` with what the prompt box holds at the end. Lines are read as they"
                        + " arrive: a client stopped at --client-timeout is judged on what it had printed.",
                "",
                "Exit codes: 0 every verdict passed, 1 at least one failed or none was judged (all skipped), 2 a usage error,"
                        + " a client that cannot run, or reports that could not be written (a full disk).",
                "",
                "Modes: each scenario is a row per mode it is played in (--stream); `bad-gateway-burst [stream]` is the row"
                        + " where the client was asked to stream. Scenarios whose faults only exist in a stream are played"
                        + " streamed only. Rows are played --parallel at a time and printed as each ends, with its position;"
                        + " the final table and the reports keep catalog order.",
                "",
                "Reports: report.json, junit.xml and report.html in the report directory, rewritten after every row. A run"
                        + " that stops early (a crashed client, Ctrl-C) marks them incomplete, the rows not played as errors;"
                        + " a usage error leaves an earlier run's reports as they were."})
public final class RunCommand implements Callable<Integer> {
    /** Exit code when at least one verdict failed. */
    public static final int EXIT_FAILED = 1;
    /** Rows played at once by default for the bundled client: most of a row is waiting, so 4 fit on 2 cores. */
    static final int DEFAULT_PARALLEL = 4;
    static final int MAX_PARALLEL = 32;
    static final String DEFAULT_PROMPT = "Explain in two sentences why a gateway answers 502 Bad Gateway.";

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAMES", arity = "0..*",
            description = "Scenario names (see `chaosgate list`) or scenario files (*.yaml), played in the order given.")
    List<String> names = new ArrayList<>();

    @Option(names = "--all", description = "Every built-in scenario; those needing several users at once (a `crowd:` in the file) are played by their"
            + " crowd (with --users 1 they are reported as skipped).")
    boolean all;

    @Option(names = "--tag", paramLabel = "TAG", description = "With --all: only the scenarios with this tag (see `chaosgate list --tag`).")
    String tag;

    @Option(names = "--client", paramLabel = "CMD", description = "The client command to judge; default: the bundled well-behaved reference client.")
    String client;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the random choices around each scenario's faults"
            + " (link jitter and toxicity, fixture values such as ids); each scenario's own seed keeps deciding which"
            + " requests meet its faults. Default: each scenario's own seed.")
    Long seed;

    @Option(names = "--report-dir", paramLabel = "DIR", description = "Where report.json, junit.xml and report.html go (default: ${DEFAULT-VALUE}).")
    Path reportDir = Path.of("chaosgate-report");

    @Option(names = "--prompt", paramLabel = "TEXT", description = "The prompt the client sends (default: a short question).")
    String prompt = DEFAULT_PROMPT;

    /** Longer than any wait of the catalog (stream-stall's 45 s stall, a few backoffs), so a client that waits is not killed for it. */
    public static final int DEFAULT_CLIENT_TIMEOUT_SECONDS = 120;

    @Option(names = "--client-timeout", paramLabel = "SECONDS",
            description = "Stop a client still running after this long, per scenario (default: ${DEFAULT-VALUE}); one still"
                    + " waiting for an answer then is judged CLIENT_HUNG.")
    int clientTimeoutSeconds = DEFAULT_CLIENT_TIMEOUT_SECONDS;

    @Option(names = "--stream", paramLabel = "true|false|both",
            description = "Whether the client is asked for streamed answers (CHAOSGATE_STREAM): both plays each scenario"
                    + " twice, non-streamed then streamed, each its own row (`bad-gateway-burst [stream]`). Scenarios whose"
                    + " faults only exist in a stream (stream-cut-mid-answer, ...) are played streamed only. Default: both"
                    + " with --all, false for scenarios named.")
    String stream;

    @Option(names = "--provider", paramLabel = "NAME",
            description = "The provider's wire the client speaks: openai (default), anthropic (POST /v1/messages), azure"
                    + " (POST /openai/deployments/D/chat/completions, key in api-key) or gemini"
                    + " (POST /v1beta/models/M:generateContent, key in x-goog-api-key). The gateway serves them all at once; this picks the bundled client's wire and is passed to a --client as"
                    + " CHAOSGATE_PROVIDER.")
    String provider = Provider.OPENAI.id();

    @Option(names = "--upstream", paramLabel = "URL",
            description = "Live mode: requests the scenario does not fault go to the real API at URL (its base URL, e.g."
                    + " https://api.openai.com/v1) with the client's own headers and key, which is never stored; the faults"
                    + " come on top. Each row then costs real API calls.")
    String upstream;

    /** --upstream, checked: null without live mode. */
    private java.net.URI live;

    @Option(names = "--http2",
            description = "Serve every scenario over HTTPS and offer HTTP/2 by ALPN, as real providers do (the client gets"
                    + " the authority as for TLS scenarios: CHAOSGATE_CA_CERT, SSL_CERT_FILE, NODE_EXTRA_CA_CERTS,"
                    + " REQUESTS_CA_BUNDLE). Clients that speak HTTP/2 meet stream resets as RST_STREAM and GOAWAY.")
    boolean http2;

    @Option(names = "--parallel", paramLabel = "N",
            description = "Rows played at once, each on a gateway of its own (own ports, own clock). Default: 4 for the"
                    + " bundled client, 1 with --client (a client command may share files or an account between runs;"
                    + " give --parallel when it can run beside itself).")
    Integer parallel;

    @Option(names = "--users", paramLabel = "N",
            description = "Users acting at once in each scenario (2.." + Crowd.MAX_USERS + "): N copies of the client started"
                    + " together against one gateway, each with its own CHAOSGATE_USER and prompt; one verdict per user plus"
                    + " the crowd's. Default: the scenario's crowd (overloaded-under-concurrency, rate-limit-window: 20), else 1.")
    Integer users;

    @Option(names = "--identical-prompts",
            description = "With several users: every user sends the same prompt (by default each one's differs); their"
                    + " requests are told apart by the user marker (X-Chaosgate-User: CHAOSGATE_USER).")
    boolean identicalPrompts;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Scenario> scenarios = selected();
        if (clientTimeoutSeconds < 1) {
            throw new ParameterException(spec.commandLine(), "--client-timeout must be at least 1 second, got " + clientTimeoutSeconds);
        }
        if (client != null && client.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--client needs a command, e.g. --client \"node client.mjs\"");
        }
        if (users != null && (users < 1 || users > Crowd.MAX_USERS)) {
            throw new ParameterException(spec.commandLine(), "--users must be between 1 and " + Crowd.MAX_USERS + ", got " + users);
        }
        Provider wire;
        try {
            wire = Provider.named(provider);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--provider: " + e.getMessage());
        }
        if (upstream != null) {
            try {
                live = dev.chaosgate.upstream.live.LiveUpstream.parse(upstream).baseUrl();
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--upstream: " + e.getMessage());
            }
        }
        StreamSelection selection = streamSelection();
        int threads = parallelism();
        checkReportDir();
        ClientUnderTest judged = client == null ? new BundledClient(wire)
                : new CommandClient(client, Duration.ofSeconds(clientTimeoutSeconds), wire);
        List<Row> rows = rows(scenarios, selection);
        out.printf("chaosgate run: %s against %s%s%n", describe(scenarios, rows, selection), judged.description(),
                threads > 1 && rows.size() > 1 ? ", " + threads + " rows at a time" : "");
        out.flush();
        return new Run(judged, rows, threads, out, err).play();
    }

    /** One row of the run: a scenario in one mode, or a scenario skipped. */
    private record Row(Scenario scenario, StreamMode mode, String skipped) {
        String label() {
            return mode.label(scenario);
        }
    }

    private List<Row> rows(List<Scenario> scenarios, StreamSelection selection) {
        List<Row> rows = new ArrayList<>();
        for (Scenario scenario : scenarios) {
            List<StreamMode> modes = StreamMode.modes(scenario, selection);
            if (all && scenario.crowd() != null && users != null && users < 2) {
                rows.add(new Row(scenario, modes.get(0), "needs several users at once (its crowd: " + scenario.crowd().users()
                        + " users), and --users 1 plays one user's action, which cannot exercise it (name it to play it anyway)"));
            } else {
                modes.forEach(mode -> rows.add(new Row(scenario, mode, null)));
            }
        }
        return rows;
    }

    private static String describe(List<Scenario> scenarios, List<Row> rows, StreamSelection selection) {
        String played = scenarios.size() + " scenario" + (scenarios.size() == 1 ? "" : "s");
        if (rows.size() != scenarios.size() || selection != StreamSelection.FALSE) {
            long streamOnly = scenarios.stream().filter(StreamMode::streamOnly).count();
            played += ", " + rows.size() + " row" + (rows.size() == 1 ? "" : "s") + " (" + switch (selection) {
                case BOTH -> "non-streamed and streamed";
                case TRUE -> "streamed";
                case FALSE -> "non-streamed";
            } + (streamOnly == 0 || selection == StreamSelection.TRUE ? "" : "; " + streamOnly + " stream-specific, played streamed only") + ")";
        }
        return played;
    }

    private StreamSelection streamSelection() {
        if (stream == null) {
            return all ? StreamSelection.BOTH : StreamSelection.FALSE;
        }
        try {
            return StreamSelection.parse(stream);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--stream takes true, false or both, got '" + stream + "'");
        }
    }

    private int parallelism() {
        if (parallel == null) {
            // Most of a row is waiting (backoffs, Retry-After, slow answers), so 4 fit on 2 cores; a command
            // client may keep files or an account that two copies of it would share.
            return client == null ? DEFAULT_PARALLEL : 1;
        }
        if (parallel < 1 || parallel > MAX_PARALLEL) {
            throw new ParameterException(spec.commandLine(), "--parallel must be between 1 and " + MAX_PARALLEL + ", got " + parallel);
        }
        return parallel;
    }

    /**
     * One run of the rows: played by {@code threads} workers, each row on a gateway of its own. Every finished
     * row is printed at once with its position, and the reports are rewritten with every row after each one
     * finishes: the rows not played yet are ERROR rows and the reports say the run is incomplete, so a run
     * killed outright leaves reports that say so. A run that stops early (a client crash, Ctrl-C or SIGTERM,
     * an internal error) keeps them that way and says why; a usage error before any row finished (a client
     * command that does not exist) writes nothing, so the reports of an earlier run stay as they were.
     */
    private final class Run {
        private final ClientUnderTest judged;
        private final List<Row> rows;
        private final int threads;
        private final PrintWriter out;
        private final PrintWriter err;
        private final ScenarioOutcome[] finished;
        private final Instant started = Instant.now();
        private final long start = System.nanoTime();
        private final int width;
        /** The one-line error that stops the run (printed at the end), or null. */
        private String problem;
        /** Why the run stopped early, as the reports say it, or null. */
        private String stoppedBecause;
        /** The problem is a usage error before any row finished: the report directory is left alone. */
        private boolean usageProblem;
        /** Set once the reports were written for the last time (the end, or a signal): nothing is written after. */
        private boolean reportsFinal;
        private boolean anyWritten;

        Run(ClientUnderTest judged, List<Row> rows, int threads, PrintWriter out, PrintWriter err) {
            this.judged = judged;
            this.rows = rows;
            this.threads = threads;
            this.out = out;
            this.err = err;
            this.finished = new ScenarioOutcome[rows.size()];
            this.width = Math.max(36, rows.stream().mapToInt(row -> row.label().length()).max().orElse(0));
        }

        int play() {
            ShutdownHook signals = new ShutdownHook();
            // Ctrl-C or SIGTERM: the reports are written one last time, marked incomplete, before the JVM exits.
            signals.arm(this::stoppedBySignal, "chaosgate-run-shutdown");
            try {
                playRows();
            } catch (RuntimeException | Error e) {
                synchronized (this) {
                    stop("an internal error stopped the run (" + e + ")", null);
                    finalReports();
                }
                signals.disarm();
                throw e;
            }
            signals.disarm();
            synchronized (this) {
                if (problem != null) {
                    if (!usageProblem) {
                        List<Path> written = finalReports();
                        if (!written.isEmpty()) {
                            out.println("reports (incomplete: " + stoppedBecause + "): "
                                    + written.stream().map(Path::toString).collect(Collectors.joining(", ")));
                            out.flush();
                        }
                    }
                    err.println("chaosgate run: " + problem);
                    err.flush();
                    return ChaosgateCli.EXIT_USAGE;
                }
                RunResult result = result();
                printTable(out, result);
                List<Path> written = finalReports();
                if (!written.isEmpty()) {
                    out.println("reports: " + written.stream().map(Path::toString).collect(Collectors.joining(", ")));
                }
                out.flush();
                if (written.size() < Reports.FILES.size()) {
                    // A CI job must not pass on verdicts whose reports it cannot show.
                    List<String> missing = Reports.FILES.stream().map(reportDir::resolve).filter(f -> !written.contains(f))
                            .map(Path::toString).toList();
                    err.println("chaosgate run: the reports are incomplete: " + String.join(", ", missing) + " could not be"
                            + " written (each keeps what it held before, if anything); the verdicts above stand; exit code "
                            + ChaosgateCli.EXIT_USAGE);
                    err.flush();
                    return ChaosgateCli.EXIT_USAGE;
                }
                if (!result.failed() && result.judged() == 0) {
                    // Zero verdicts pass vacuously; a CI job reading the exit code must not see that as green.
                    err.println("chaosgate run: no scenario was judged (" + result.count(ScenarioOutcome.Status.SKIPPED)
                            + " skipped), so nothing passed: exit code " + EXIT_FAILED + "; name a scenario to play it, or"
                            + " choose others (`chaosgate list`)");
                    err.flush();
                    return EXIT_FAILED;
                }
                return result.failed() ? EXIT_FAILED : 0;
            }
        }

        private void playRows() {
            if (threads == 1) {
                for (int i = 0; i < rows.size() && !stopped(); i++) {
                    playRow(i);
                }
                return;
            }
            ExecutorService pool = Executors.newFixedThreadPool(threads, new RowThreads());
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int i = 0; i < rows.size(); i++) {
                    int index = i;
                    futures.add(pool.submit(() -> playRow(index)));
                }
                for (Future<?> future : futures) {
                    future.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                synchronized (this) {
                    stop("the run was interrupted", "interrupted");
                }
            } catch (ExecutionException e) {
                throw new IllegalStateException("a row failed to play", e.getCause());
            } finally {
                pool.shutdownNow();
                awaitQuietly(pool);
            }
        }

        private synchronized boolean stopped() {
            return stoppedBecause != null;
        }

        /** Stops the run early: the first reason stands. */
        private void stop(String reason, String oneLineError) {
            if (stoppedBecause == null) {
                stoppedBecause = reason;
                if (problem == null) {
                    problem = oneLineError;
                }
            }
        }

        private void playRow(int index) {
            Row row = rows.get(index);
            String position = String.format("[%" + String.valueOf(rows.size()).length() + "d/%d]", index + 1, rows.size());
            if (row.skipped() != null) {
                finish(index, position, ScenarioOutcome.skipped(row.scenario(), row.mode(), row.skipped()), false);
                return;
            }
            synchronized (this) {
                if (stoppedBecause != null) {
                    return;
                }
                if (threads == 1) {
                    // One at a time: the name now, the verdict when it comes, as a user watching expects.
                    out.printf("%s %-" + width + "s ", position, row.label());
                    out.flush();
                }
            }
            Played played = RunCommand.this.play(judged, row.scenario(), row.mode());
            if (played.problem() != null) {
                synchronized (this) {
                    if (reportsFinal) {
                        return;
                    }
                    if (stoppedBecause == null) {
                        if (threads == 1) {
                            out.println(played.usage() ? "" : "ERROR  the client crashed");
                            out.flush();
                        }
                        // A command that cannot run is a usage error; before any row finished, the reports of an
                        // earlier run are left as they were.
                        usageProblem = played.usage() && !anyWritten;
                        stop(played.usage() ? played.problem() : "the client crashed in " + row.label(), played.problem());
                    }
                    if (played.crashed() != null && !usageProblem) {
                        finished[index] = played.crashed();
                        write(result());
                    }
                }
                return;
            }
            finish(index, position, played.outcome(), threads == 1);
        }

        private synchronized void finish(int index, String position, ScenarioOutcome outcome, boolean headPrinted) {
            if (reportsFinal) {
                return;
            }
            finished[index] = outcome;
            printProgress(out, position, outcome, headPrinted, width);
            if (!usageProblem) {
                write(result());
            }
        }

        private List<Path> write(RunResult result) {
            List<Path> written = writeReports(err, result);
            anyWritten |= !written.isEmpty();
            return written;
        }

        /** Writes the reports for the last time (marked incomplete when the run stopped early). */
        private List<Path> finalReports() {
            if (reportsFinal) {
                return List.of();
            }
            List<Path> written = write(result());
            reportsFinal = true;
            return written;
        }

        /** The shutdown hook's work: Ctrl-C or SIGTERM while rows were still to play. */
        private void stoppedBySignal() {
            // The clients started for rows in flight would outlive the run.
            ProcessHandle.current().descendants().forEach(ProcessHandle::destroy);
            synchronized (this) {
                if (reportsFinal) {
                    return;
                }
                stop("stopped by a signal (Ctrl-C or SIGTERM)", null);
                if (usageProblem) {
                    return;
                }
                RunResult result = result();
                List<Path> written = finalReports();
                err.println();
                err.println("chaosgate run: stopped (Ctrl-C or SIGTERM) after " + result.judged() + " of " + rows.size()
                        + " rows; " + (written.isEmpty() ? "the reports could not be written"
                        : "the reports in " + reportDir + " are marked incomplete"));
                err.flush();
            }
        }

        /**
         * Every row in catalog order: the finished ones, and the others as ERROR rows saying why they were not
         * played (the run stopped, or it is still going); the run is incomplete until every row finished.
         */
        private RunResult result() {
            List<ScenarioOutcome> outcomes = new ArrayList<>();
            int missing = 0;
            for (int i = 0; i < finished.length; i++) {
                if (finished[i] != null) {
                    outcomes.add(finished[i]);
                } else {
                    missing++;
                    Row row = rows.get(i);
                    outcomes.add(ScenarioOutcome.error(row.scenario(), row.mode(), stoppedBecause == null
                            ? "not played yet: the run was still going when these reports were written"
                            : "not played: the run stopped before it (" + stoppedBecause + ")", Duration.ZERO, List.of(), List.of()));
                }
            }
            String incomplete = stoppedBecause != null ? stoppedBecause
                    : missing > 0 ? "the run was still going (" + (rows.size() - missing) + " of " + rows.size()
                    + " rows finished) when these reports were written" : null;
            return new RunResult(judged.description(), seed, started, since(start), outcomes, incomplete);
        }

    }

    private static void awaitQuietly(ExecutorService pool) {
        try {
            pool.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Daemon workers named after the run, so a thread dump says what they are. */
    private static final class RowThreads implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "chaosgate-run-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }

    /**
     * A row played: its outcome, or the problem that stops the run; {@code crashed} is the row's ERROR outcome when
     * the client crashed in it, {@code usage} tells a command that cannot run at all.
     */
    private record Played(ScenarioOutcome outcome, String problem, ScenarioOutcome crashed, boolean usage) {
        Played(ScenarioOutcome outcome) {
            this(outcome, null, null, false);
        }
    }

    private Played play(ClientUnderTest judged, Scenario scenario, StreamMode mode) {
        Crowd crowd = crowdOf(scenario);
        if (crowd != null) {
            return playCrowd(judged, scenario.withCrowd(crowd), mode);
        }
        long start = System.nanoTime();
        try (ChaosGateway gateway = gatewayFor(scenario).start()) {
            java.nio.file.Path caCertificate = gateway.https() ? writeCaCertificate(gateway) : null;
            ClientUnderTest.ClientRun run = judged.act(gateway.baseUrl(), caCertificate, scenario, prompt, mode.streamed());
            if (run.problem() != null) {
                // A client that only breaks when streaming: say which row it was.
                String problem = run.problem() + (mode.streamed() ? " (in the stream row: CHAOSGATE_STREAM=true)" : "");
                return new Played(null, problem, ScenarioOutcome.error(scenario, mode, problem, since(start), run.stdout(),
                        run.stderr()), run.usage());
            }
            Verdict verdict = gateway.verdict(run.report());
            String note = String.join("; ", java.util.stream.Stream.of(run.note(), modeNote(verdict, mode))
                    .filter(n -> !n.isEmpty()).toList());
            return new Played(ScenarioOutcome.judged(scenario, mode, verdict, since(start), note, run.stdout(), run.stderr()));
        }
    }

    /** A row's gateway: its scenario, answers at once, and the run's --http2, --upstream and --seed. */
    private ChaosGatewayBuilder gatewayFor(Scenario scenario) {
        ChaosGatewayBuilder builder = ChaosGateway.builder().pacing(StreamPacing.immediate()).scenario(scenario);
        if (http2) {
            builder.http2();
        }
        if (live != null) {
            builder.upstream(live);
        }
        if (seed != null) {
            // The scenario's own seed keeps deciding its fault schedule; --seed varies the rest.
            builder.seed(seed);
        }
        return builder;
    }

    /** The authority of an HTTPS gateway as a PEM file the client is pointed at; removed when the JVM exits. */
    private static java.nio.file.Path writeCaCertificate(ChaosGateway gateway) {
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("chaosgate-ca-", ".pem");
            file.toFile().deleteOnExit();
            // A Java client cannot read a PEM bundle and may convert it into a trust store beside it (`<pem>.p12`).
            java.nio.file.Path.of(file + ".p12").toFile().deleteOnExit();
            return gateway.certificateAuthority().writePem(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot write the gateway's certificate authority to a temporary file", e);
        }
    }

    /** The crowd that plays {@code scenario}: --users, else its own; null for one user. */
    private Crowd crowdOf(Scenario scenario) {
        int n = users != null ? users : scenario.crowd() != null ? scenario.crowd().users() : 1;
        if (n < 2) {
            return null;
        }
        return scenario.crowd() != null ? scenario.crowd().withUsers(n)
                : new Crowd(n, Duration.ZERO, Duration.ZERO, scenario.expect().maxAttempts());
    }

    /** User {@code index}'s id ({@code user-1}, ...) and prompt: its own unless --identical-prompts. */
    static String userId(int index) {
        return dev.chaosgate.gateway.CrowdUser.idOf(index);
    }

    String promptOf(int index) {
        return identicalPrompts ? prompt : prompt + " (" + userId(index) + ")";
    }

    /**
     * A crowd on one gateway: every user a copy of the client, started at its arrival time (evenly over the crowd's
     * arrival, all at once by default), judged per user and as a crowd.
     */
    private Played playCrowd(ClientUnderTest judged, Scenario scenario, StreamMode mode) {
        long start = System.nanoTime();
        Crowd crowd = scenario.crowd();
        try (ChaosGateway gateway = gatewayFor(scenario).start()) {
            gateway.upstream().answerTime(crowd.answerTime());
            if (crowd.arrival().isZero()) {
                // Together means together at the gateway, however long each copy of the client takes to start.
                gateway.gatherCrowd(crowd.users(), CROWD_GATHERING);
            }
            java.nio.file.Path caCertificate = gateway.https() ? writeCaCertificate(gateway) : null;
            ExecutorService pool = Executors.newFixedThreadPool(crowd.users(), new CrowdThreads(scenario.name()));
            List<Future<ClientUnderTest.ClientRun>> runs = new ArrayList<>();
            // A little ahead, so the first user does not start while the others are still being handed out.
            long go = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
            try {
                for (int i = 0; i < crowd.users(); i++) {
                    int index = i;
                    long at = go + crowd.startOf(i).toNanos();
                    runs.add(pool.submit(() -> {
                        long wait = at - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                        return judged.act(gateway.baseUrl(), caCertificate, scenario, promptOf(index), mode.streamed(), userId(index));
                    }));
                }
                Map<String, dev.chaosgate.verdict.ClientReport> reports = new LinkedHashMap<>();
                List<String> stdout = new ArrayList<>();
                List<String> stderr = new ArrayList<>();
                List<String> notes = new ArrayList<>();
                ClientUnderTest.ClientRun failed = null;
                String failedUser = null;
                for (int i = 0; i < runs.size(); i++) {
                    ClientUnderTest.ClientRun run = runs.get(i).get();
                    String user = userId(i);
                    run.stdout().forEach(line -> stdout.add("[" + user + "] " + line));
                    run.stderr().forEach(line -> stderr.add("[" + user + "] " + line));
                    if (run.problem() != null) {
                        if (failed == null) {
                            failed = run;
                            failedUser = user;
                        }
                        continue;
                    }
                    reports.put(user, run.report());
                    if (!run.note().isEmpty()) {
                        notes.add(user + ": " + run.note());
                    }
                }
                if (failed != null) {
                    String problem = failed.problem() + " (" + failedUser + " of " + crowd.users() + " users"
                            + (mode.streamed() ? ", in the stream row: CHAOSGATE_STREAM=true" : "") + ")";
                    return new Played(null, problem, ScenarioOutcome.error(scenario, mode, problem, since(start), stdout,
                            ClientStderr.tail(stderr)), failed.usage());
                }
                dev.chaosgate.verdict.CrowdVerdict verdict = gateway.crowdVerdict(reports);
                String modeNote = modeNote(verdict.combined(), mode);
                if (!modeNote.isEmpty()) {
                    notes.add(modeNote);
                }
                return new Played(ScenarioOutcome.judgedCrowd(scenario, mode, verdict, since(start), String.join("; ", notes),
                        stdout, ClientStderr.tail(stderr)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Played(null, "interrupted while the crowd ran", null, false);
            } catch (ExecutionException e) {
                throw new IllegalStateException("a user of the crowd failed to play", e.getCause());
            } finally {
                pool.shutdownNow();
                awaitQuietly(pool);
            }
        }
    }

    /** The longest a crowd arriving together waits at the gateway for its slowest user's first request. */
    static final Duration CROWD_GATHERING = dev.chaosgate.gateway.CrowdActionBuilder.GATHERING;

    /** Daemon threads for the users of a crowd, named after the scenario. */
    private record CrowdThreads(String scenario, AtomicInteger count) implements ThreadFactory {
        CrowdThreads(String scenario) {
            this(scenario, new AtomicInteger());
        }

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "chaosgate-crowd-" + scenario + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper BODIES = new com.fasterxml.jackson.databind.ObjectMapper();

    /**
     * A note when no request of the action asked for an answer the way the row's mode said: a client that
     * ignores {@code CHAOSGATE_STREAM} plays the same code path in both rows, and its stream row proves nothing.
     * Never a finding: the verdict stands.
     */
    static String modeNote(Verdict verdict, StreamMode mode) {
        List<Boolean> asked = new ArrayList<>();
        for (dev.chaosgate.verdict.Attempt attempt : verdict.attempts()) {
            Boolean streamed = asksForStream(attempt.exchange().path(), attempt.exchange().requestBody());
            if (streamed != null) {
                asked.add(streamed);
            }
        }
        if (asked.isEmpty() || asked.contains(mode.streamed())) {
            return "";
        }
        return mode.streamed()
                ? "the client was asked to stream (CHAOSGATE_STREAM=true), but none of its requests asked for a stream"
                        + " (\"stream\": true): this row played its non-streamed code path"
                : "the client was asked for whole answers (CHAOSGATE_STREAM=false), but every request asked for a stream:"
                        + " this row played its streamed code path";
    }

    /**
     * Whether the request asked for a stream: Gemini's by its method ({@code :streamGenerateContent} or
     * {@code :generateContent}), others by the body's {@code "stream"} flag (false when absent); null when the body
     * is not a JSON object.
     */
    private static Boolean asksForStream(String path, String body) {
        if (path != null && path.contains(":streamGenerateContent")) {
            return true;
        }
        if (path != null && path.contains(":generateContent")) {
            return false;
        }
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            com.fasterxml.jackson.databind.JsonNode json = BODIES.readTree(body);
            return json != null && json.isObject() ? json.path("stream").asBoolean(false) : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** The scenarios named (or files given), else the whole catalog with --all; usage errors otherwise. */
    private List<Scenario> selected() {
        if (all && !names.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "Give scenario names or --all, not both");
        }
        if (!all && names.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "Give scenario names (see `chaosgate list`) or --all");
        }
        ScenarioCatalog catalog = ScenarioCatalog.builtIn();
        if (tag != null && !all) {
            throw new ParameterException(spec.commandLine(), "--tag selects among --all; give --all with it");
        }
        if (all) {
            List<Scenario> tagged = catalog.all().stream().filter(s -> tag == null || ListCommand.hasTag(s, tag)).toList();
            if (tagged.isEmpty()) {
                throw new ParameterException(spec.commandLine(), ListCommand.unknownTag(tag, catalog.all()));
            }
            return tagged;
        }
        Map<String, Scenario> chosen = new LinkedHashMap<>();
        for (String name : names) {
            Scenario scenario;
            String lower = name.toLowerCase(Locale.ROOT);
            // Only a name ending in .yaml or .yml is a file: anything else is a catalog name, and a
            // path given for one (../../etc/passwd, /etc/passwd) is never read.
            if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
                try {
                    scenario = ScenarioLoader.standard().load(Path.of(name));
                } catch (RuntimeException e) {
                    throw new ParameterException(spec.commandLine(), e.getMessage() + " (check it with `chaosgate validate " + name + "`)");
                }
            } else {
                try {
                    scenario = catalog.get(name);
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(spec.commandLine(), e.getMessage()
                            + (name.contains("/") || name.contains("\\") ? "; a scenario file must end in .yaml or .yml" : ""));
                }
            }
            chosen.putIfAbsent(scenario.name(), scenario);
        }
        return List.copyOf(chosen.values());
    }

    private static void printProgress(PrintWriter out, String position, ScenarioOutcome outcome, boolean headPrinted, int width) {
        if (!headPrinted) {
            out.printf("%s %-" + width + "s ", position, outcome.label());
        }
        if (outcome.crowd() != null) {
            printCrowd(out, outcome);
            return;
        }
        switch (outcome.status()) {
            case SKIPPED -> out.printf("SKIPPED  %s%n", outcome.note());
            case PASS -> out.printf("PASS  %d attempt%s, %s%n", outcome.verdict().attempts().size(),
                    outcome.verdict().attempts().size() == 1 ? "" : "s", seconds(outcome.elapsed()));
            case FAIL -> {
                out.printf("FAIL  %s, %s%n", codes(outcome.verdict()), seconds(outcome.elapsed()));
                for (Finding finding : outcome.verdict().findings()) {
                    out.println("        " + finding.code() + ": " + finding.message());
                }
                List<Verdict.Alternative> alternatives = outcome.verdict().alternatives();
                if (!alternatives.isEmpty()) {
                    out.println("        tried " + alternatives.size() + " alternatives; none passed, the closest is shown (#"
                            + (outcome.verdict().closest() + 1) + "):");
                    for (int i = 0; i < alternatives.size(); i++) {
                        out.println("          " + (i + 1) + ". " + Verdict.describe(alternatives.get(i).expectation()) + "  -> "
                                + alternatives.get(i).findings().stream().map(f -> f.code().name()).distinct()
                                .collect(Collectors.joining(", ")));
                    }
                }
            }
        }
        if (!outcome.note().isEmpty() && outcome.status() != ScenarioOutcome.Status.SKIPPED) {
            out.println("        note: " + outcome.note());
        }
        // What the judges could not judge (a message in a language the catalog lacks): said even on a PASS.
        if (outcome.verdict() != null) {
            outcome.verdict().notes().forEach(note -> out.println("        note: " + note));
        }
        out.flush();
    }

    /** A crowd's row: the aggregate, its findings, then one line per user that failed and the first one's findings. */
    private static void printCrowd(PrintWriter out, ScenarioOutcome outcome) {
        dev.chaosgate.verdict.CrowdVerdict crowd = outcome.crowd();
        List<dev.chaosgate.verdict.CrowdVerdict.UserVerdict> failed = crowd.failedUsers();
        if (outcome.status() == ScenarioOutcome.Status.PASS) {
            out.printf("PASS  %d users passed, %s%n", crowd.users().size(), seconds(outcome.elapsed()));
        } else {
            out.printf("FAIL  %s, %s%n", codes(outcome.verdict()), seconds(outcome.elapsed()));
        }
        out.println("        crowd: " + crowd.figures().summary());
        for (Finding finding : crowd.findings()) {
            out.println("        " + finding.code() + ": " + finding.message());
        }
        if (!failed.isEmpty()) {
            out.println("        " + failed.size() + " of " + crowd.users().size() + " users failed:");
            for (dev.chaosgate.verdict.CrowdVerdict.UserVerdict user : failed) {
                out.println("          " + user.user() + ": " + user.verdict().attempts().size() + " attempt"
                        + (user.verdict().attempts().size() == 1 ? "" : "s") + ", " + codes(user.verdict()));
            }
            for (Finding finding : failed.get(0).verdict().findings()) {
                out.println("          " + failed.get(0).user() + " " + finding.code() + ": " + finding.message());
            }
        }
        if (!outcome.note().isEmpty()) {
            out.println("        note: " + outcome.note());
        }
        crowd.notes().forEach(note -> out.println("        note: " + note));
        out.flush();
    }

    private static void printTable(PrintWriter out, RunResult result) {
        int width = Math.max(8, result.outcomes().stream().mapToInt(o -> o.label().length()).max().orElse(8));
        out.println();
        out.printf("%-" + width + "s  %-7s  %8s  %8s  %s%n", "scenario", "verdict", "attempts", "time", "findings");
        for (ScenarioOutcome outcome : result.outcomes()) {
            boolean judged = outcome.verdict() != null;
            out.printf("%-" + width + "s  %-7s  %8s  %8s  %s%n", outcome.label(), outcome.status(),
                    judged ? String.valueOf(outcome.verdict().attempts().size()) : "-",
                    judged ? seconds(outcome.elapsed()) : "-",
                    judged ? codes(outcome.verdict()) : "");
        }
        out.println();
        out.printf("%d passed, %d failed, %d skipped in %s%n", result.count(ScenarioOutcome.Status.PASS),
                result.count(ScenarioOutcome.Status.FAIL), result.count(ScenarioOutcome.Status.SKIPPED), seconds(result.elapsed()));
    }

    /**
     * Writes the reports so far, each file whole or not at all; each problem (a full disk: one per file)
     * is said once, and the run goes on, trying again after every scenario and at the end.
     *
     * @return the files written
     */
    private List<Path> writeReports(PrintWriter err, RunResult result) {
        List<Path> written = new ArrayList<>();
        for (String file : Reports.FILES) {
            try {
                written.add(Reports.write(reportDir, file, result));
            } catch (UncheckedIOException e) {
                if (reportProblemsSaid.add(e.getMessage())) {
                    err.println("chaosgate run: " + e.getMessage() + "; the run goes on and tries again after each"
                            + " scenario (free some space, or choose another directory with --report-dir)");
                    err.flush();
                }
            }
        }
        return written;
    }

    /** Report problems already said, so a full disk is one line per file, not one per scenario. */
    private final java.util.Set<String> reportProblemsSaid = new java.util.HashSet<>();

    /** A report directory that cannot be made is a usage error before anything runs. */
    private void checkReportDir() {
        try {
            Files.createDirectories(reportDir);
        } catch (IOException | RuntimeException e) {
            throw new ParameterException(spec.commandLine(), "the report directory " + reportDir.toAbsolutePath()
                    + " cannot be created (" + (e instanceof java.nio.file.FileAlreadyExistsException ? "a file is in the way" : e.getMessage())
                    + "); choose another with --report-dir");
        }
        if (!Files.isWritable(reportDir)) {
            throw new ParameterException(spec.commandLine(), "the report directory " + reportDir.toAbsolutePath()
                    + " is not writable; choose another with --report-dir");
        }
    }

    private static String codes(Verdict verdict) {
        return verdict.codes().stream().map(FindingCode::name).collect(Collectors.joining(", "));
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
