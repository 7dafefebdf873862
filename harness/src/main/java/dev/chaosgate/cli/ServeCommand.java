package dev.chaosgate.cli;

import dev.chaosgate.console.ConsoleServer;
import dev.chaosgate.console.ListenException;
import dev.chaosgate.console.Recording;
import dev.chaosgate.console.RecordingException;
import dev.chaosgate.console.ServeSession;
import dev.chaosgate.console.UnknownScenarioException;
import dev.chaosgate.fixtures.yaml.Closest;
import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.upstream.live.LiveUpstream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code chaosgate serve}: keeps a gateway up for a real app, plays a scenario to it, and serves the
 * QA console (page and admin API) on a port of its own. Records the run as it goes; {@code --replay}
 * serves a recorded run's fault decisions again, in order. Runs until Ctrl-C (SIGINT) or SIGTERM,
 * writing the recording one last time on the way out.
 *
 * <p>Every usage problem (a bad option, an unknown scenario, a port in use, a recording that cannot
 * be read or written) is one line on stderr and exit code 2, never a stack trace.
 */
@Command(name = "serve",
        mixinStandardHelpOptions = true,
        version = "chaosgate 0.1.0",
        sortOptions = false,
        exitCodeOnInvalidInput = ChaosgateCli.EXIT_USAGE,
        description = {
                "Keeps a gateway up for a real app and serves a QA console in the browser: switch scenario,",
                "fail the next requests, pause or reset faults, watch every request and the running verdict.",
                "The run is recorded; --replay FILE serves a recorded run's faults again, in the same order."},
        footer = {"",
                "Example:",
                "  chaosgate serve --scenario bad-gateway-burst",
                "  OPENAI_BASE_URL=http://127.0.0.1:8787/v1 your-app      # then open the console URL printed",
                "  chaosgate serve --scenario bad-gateway-burst \\",
                "      --upstream https://api.openai.com/v1    # live mode: the real API answers the rest",
                "",
                "The console page and its admin API: docs/console.md. `chaosgate list` shows the scenarios.",
                "Exit code 2: a bad option, an unknown scenario, a port in use or a recording that cannot be used."})
public final class ServeCommand implements Callable<Integer> {
    private static final String NAME = "chaosgate serve";
    static final int DEFAULT_PORT = 8787;
    /** The default recording's name: a new file per session, {@code chaosgate-recording-20261207-101500.json}. */
    static final String DEFAULT_RECORDING_PREFIX = "chaosgate-recording-";
    private static final java.time.format.DateTimeFormatter RECORDING_STAMP =
            java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", java.util.Locale.ROOT);

    @Spec
    CommandSpec spec;

    @Option(names = "--scenario", paramLabel = "NAME",
            description = "The scenario to play (required unless --replay); `chaosgate list` shows them.")
    String scenario;

    // Ports and the seed are read as text so that a bad value gets this command's one-line error.
    @Option(names = "--port", paramLabel = "P", defaultValue = "" + DEFAULT_PORT,
            description = "Port of the app's gateway: its base URL is http://127.0.0.1:P/v1 (default: ${DEFAULT-VALUE}; 0: any free port).")
    String port;

    @Option(names = "--console-port", paramLabel = "C",
            description = "Port of the console page and admin API (default: P+1; 0: any free port).")
    String consolePort;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Address the gateway and console bind (default: ${DEFAULT-VALUE}). "
                    + "Any other than loopback makes both reachable from other machines.")
    String host;

    @Option(names = "--seed", paramLabel = "N",
            description = "Seed of the scenario's draws (default: the scenario's own, or the recording's with --replay).")
    String seed;

    @Option(names = "--https",
            description = "Serve the app over HTTPS, with a certificate authority made for this session and written to a PEM"
                    + " file the app must trust (the banner names it). Implied by a scenario that breaks TLS; needed to"
                    + " switch to one from the console.")
    boolean https;

    @Option(names = "--http2",
            description = "Serve HTTPS (as --https) and offer HTTP/2 by ALPN, as real providers do: apps whose HTTP client"
                    + " speaks it (OkHttp, java.net.http, curl) use it, the others HTTP/1.1.")
    boolean http2;

    @Option(names = "--upstream", paramLabel = "URL",
            description = "Live mode: requests the scenario does not fault go to the real API at URL (its base URL, e.g."
                    + " https://api.openai.com/v1) with the app's own headers and key, and its answers go back to the app"
                    + " and into the recording. The key is never stored. A --replay without it serves the recorded"
                    + " answers offline.")
    String upstream;

    @Option(names = "--record", paramLabel = "FILE",
            description = "Where the session is recorded, rewritten as it goes; it must not exist yet (a recording is never"
                    + " written over). Default: a new file per session, chaosgate-recording-YYYYMMDD-HHMMSS.json in the"
                    + " current directory. With --replay nothing is recorded unless this is given.")
    Path record;

    @Option(names = "--replay", paramLabel = "FILE",
            description = "Serve the fault decisions of this recording again, in order; its scenario is played. A recording"
                    + " holds a segment per start, Reset and Switch: all are replayed in order unless --segment is given.")
    Path replay;

    @Option(names = "--segment", paramLabel = "N",
            description = "With --replay: replay only segment N (1 is the session's start; each Reset or Switch began the"
                    + " next). Default: every segment, in order.")
    String segment;

    @Unmatched
    List<String> unmatched = new ArrayList<>();

    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private ServeSession session;
    private ConsoleServer console;
    private boolean stopRequested;
    private final ShutdownHook shutdownHook = new ShutdownHook();
    private PrintWriter out;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        this.out = out;
        PrintWriter err = spec.commandLine().getErr();
        Settings settings;
        try {
            settings = settings();
        } catch (UsageException e) {
            return fail(err, e.getMessage());
        }
        ServeSession running;
        try {
            running = startSession(settings, err);
        } catch (UsageException e) {
            return fail(err, e.getMessage());
        }
        ConsoleServer consoleServer;
        try {
            consoleServer = ConsoleServer.start(running, host, settings.consolePort());
        } catch (ListenException e) {
            running.close();
            return fail(err, e.inUse()
                    ? "console port " + e.port() + " is in use; choose another with --console-port (0: any free port)"
                    : e.getMessage() + "; check --host");
        }
        if (!publish(running, consoleServer)) {
            return 0;
        }
        if (!ToxiproxyServerCommand.isLoopback(host)) {
            err.println(NAME + ": warning: the gateway and the console on " + host + " are reachable from other"
                    + " machines, and anyone who reaches the console can steer the faults; use --host 127.0.0.1"
                    + " unless you mean that");
            err.flush();
        }
        printBanner(out, running, consoleServer, settings);
        started.countDown();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
        }
        shutdownHook.disarm();
        return 0;
    }

    /** The options, checked before anything listens. */
    private Settings settings() throws UsageException {
        if (!unmatched.isEmpty()) {
            throw new UsageException(unmatchedMessage(unmatched.get(0)));
        }
        int appPort = port("--port", port);
        Integer fixedConsolePort = consolePort == null ? null : port("--console-port", consolePort);
        if (fixedConsolePort != null && fixedConsolePort != 0 && fixedConsolePort == appPort) {
            throw new UsageException("--console-port must differ from --port (both " + appPort + ")");
        }
        Long seedValue = null;
        if (seed != null) {
            try {
                seedValue = Long.parseLong(seed.trim());
            } catch (NumberFormatException e) {
                throw new UsageException(UsageErrors.notAWholeNumber("--seed", seed, "42", Long.class));
            }
        }
        if (scenario == null && replay == null) {
            throw new UsageException("missing --scenario NAME (or --replay FILE); `chaosgate list` shows the scenarios");
        }
        if (scenario != null && replay != null) {
            throw new UsageException("--scenario and --replay cannot be combined: the recording names its scenario;"
                    + " drop --scenario");
        }
        if (segment != null && replay == null) {
            throw new UsageException("--segment chooses a segment of the --replay recording; give --replay FILE with it");
        }
        Path recordTo = record != null ? record.toAbsolutePath().normalize() : replay != null ? null : defaultRecording();
        if (recordTo != null && replay != null && recordTo.equals(replay.toAbsolutePath().normalize())) {
            throw new UsageException("--record must not be the --replay file (" + recordTo
                    + "), or the replay would overwrite it; record to another file");
        }
        if (record != null && java.nio.file.Files.exists(recordTo, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new UsageException("the recording " + recordTo + " already exists, and a recording is never written"
                    + " over; give a new file with --record, or leave --record out for a new timestamped file");
        }
        ScenarioCatalog catalog = ScenarioCatalog.builtIn();
        List<Recording> segments = null;
        if (replay != null) {
            try {
                segments = Recording.readSegments(replay, catalog);
            } catch (RecordingException e) {
                throw new UsageException("cannot replay " + e.getMessage());
            }
            if (segment != null) {
                int chosen;
                try {
                    chosen = Integer.parseInt(segment.trim());
                } catch (NumberFormatException e) {
                    throw new UsageException("--segment must be a whole number, like --segment 2, got '" + segment + "'");
                }
                if (chosen < 1 || chosen > segments.size()) {
                    throw new UsageException("--segment " + chosen + ": " + replay + " holds " + segments.size()
                            + (segments.size() == 1 ? " segment (1)" : " segments (1.." + segments.size() + ")")
                            + "; leave --segment out to replay them all");
                }
                segments = List.of(segments.get(chosen - 1));
            }
        } else if (catalog.find(scenario).isEmpty()) {
            throw new UsageException(new UnknownScenarioException(scenario, catalog.names()).getMessage());
        }
        URI live = null;
        if (upstream != null) {
            try {
                live = LiveUpstream.parse(upstream).baseUrl();
            } catch (IllegalArgumentException e) {
                throw new UsageException("--upstream: " + e.getMessage());
            }
        }
        return new Settings(catalog, appPort, fixedConsolePort, seedValue, recordTo, segments, live);
    }

    /**
     * A new file per session in the current directory, named after the time it started; a second session in the
     * same second gets {@code -2}, and so on: a restart never writes over the last session's recording.
     */
    static Path defaultRecording() {
        Path directory = Path.of("").toAbsolutePath();
        String stamp = RECORDING_STAMP.format(java.time.LocalDateTime.now());
        Path file = directory.resolve(DEFAULT_RECORDING_PREFIX + stamp + ".json");
        for (int n = 2; java.nio.file.Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS); n++) {
            file = directory.resolve(DEFAULT_RECORDING_PREFIX + stamp + "-" + n + ".json");
        }
        return file;
    }

    private ServeSession startSession(Settings settings, PrintWriter err) throws UsageException {
        ServeSession.Builder builder = ServeSession.builder().catalog(settings.catalog()).listen(host, settings.port())
                .recordTo(settings.recordTo())
                .warnings(message -> {
                    err.println(NAME + ": warning: " + message);
                    err.flush();
                });
        if (settings.recording() != null) {
            builder.replay(settings.recording());
        } else {
            builder.scenario(scenario);
        }
        if (settings.seed() != null) {
            builder.seed(settings.seed());
        }
        if (http2) {
            builder.http2();
        } else if (https) {
            builder.https();
        }
        if (settings.upstream() != null) {
            builder.upstream(settings.upstream());
        }
        try {
            return builder.start();
        } catch (ListenException e) {
            throw new UsageException(e.inUse()
                    ? "port " + e.port() + " is in use; choose another with --port"
                    : e.getMessage() + "; check --host");
        } catch (RecordingException e) {
            throw new UsageException(e.getMessage() + "; choose another path with --record");
        } catch (UnknownScenarioException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private void printBanner(PrintWriter out, ServeSession running, ConsoleServer consoleServer, Settings settings) {
        var state = running.state();
        if (settings.recording() != null) {
            List<Recording> segments = settings.recording();
            int decisions = segments.stream().mapToInt(s -> s.decisions().size()).sum();
            String which = segment != null ? "segment " + segment.trim() + ", "
                    : segments.size() > 1 ? segments.size() + " segments in order, " : "";
            out.printf("%s: replaying %s: %sscenario %s, %d recorded decisions (recorded with seed %d)%n", NAME,
                    replay.toAbsolutePath().normalize(), which, state.scenario(), decisions, state.seed());
        } else {
            out.printf("%s: scenario %s (seed %d)%n", NAME, state.scenario(), state.seed());
        }
        out.printf("  app base URL:  %s   (set OPENAI_BASE_URL to this)%n", running.baseUrl());
        if (running.certificateAuthority() != null) {
            out.printf("  trust this CA: %s   (NODE_EXTRA_CA_CERTS, SSL_CERT_FILE, REQUESTS_CA_BUNDLE)%n", caFile(running));
        }
        if (running.live() != null) {
            out.printf("  live upstream: %s   (requests without a fault go there, with the app's own key)%n", running.live());
        }
        out.printf("  console:       %s%n", consoleServer.url());
        if (running.recordingPath() != null) {
            out.printf("  recording to:  %s%n", running.recordingPath());
        } else {
            out.printf("  recording:     off while replaying (add --record FILE to record this run too)%n");
        }
        out.println("Press Ctrl-C to stop.");
        out.flush();
    }

    /** The session's certificate authority as a PEM file for the app to trust; removed when the JVM exits. */
    private static String caFile(ServeSession running) {
        try {
            Path file = java.nio.file.Files.createTempFile("chaosgate-ca-", ".pem");
            file.toFile().deleteOnExit();
            return running.certificateAuthority().writePem(file).toAbsolutePath().toString();
        } catch (java.io.IOException e) {
            return "(cannot write it: " + e.getMessage() + ")";
        }
    }

    /** Publishes the running session and arms the shutdown hook; false when a stop came first. */
    private synchronized boolean publish(ServeSession running, ConsoleServer consoleServer) {
        if (stopRequested) {
            consoleServer.close();
            running.close();
            return false;
        }
        session = running;
        console = consoleServer;
        // Ctrl-C: the recording is written one last time before the JVM exits.
        shutdownHook.arm(this::stop, "chaosgate-serve-shutdown");
        return true;
    }

    /** Closes the console and the session (writing the recording) and lets {@link #call()} return; idempotent. */
    void stop() {
        ServeSession closingSession;
        ConsoleServer closingConsole;
        synchronized (this) {
            stopRequested = true;
            closingSession = session;
            closingConsole = console;
            session = null;
            console = null;
        }
        try {
            if (closingConsole != null) {
                closingConsole.close();
            }
        } finally {
            if (closingSession != null) {
                closingSession.close();
                sayWhereTheRecordingIs(closingSession);
            }
            stopped.countDown();
        }
    }

    /** The last line of a session (Ctrl-C included): where its recording is and what it holds. */
    private void sayWhereTheRecordingIs(ServeSession closed) {
        PrintWriter printer = out;
        if (printer == null) {
            return;
        }
        if (closed.recordingPath() == null) {
            printer.printf("%s: stopped; nothing was recorded (replaying without --record)%n", NAME);
        } else {
            int segments = closed.recordedSegments().size();
            int decisions = closed.recordedDecisions();
            printer.printf("%s: stopped; the recording is %s (%d decision%s in %d segment%s); replay it with"
                            + " `chaosgate serve --replay %s`%n", NAME, closed.recordingPath(), decisions, decisions == 1 ? "" : "s",
                    segments, segments == 1 ? "" : "s", closed.recordingPath());
        }
        printer.flush();
    }

    /** Waits until the gateway and console serve; false on timeout. */
    boolean awaitStarted(long timeout, TimeUnit unit) throws InterruptedException {
        return started.await(timeout, unit);
    }

    /** The running session, or null before start and after stop. */
    synchronized ServeSession session() {
        return session;
    }

    /** The running console, or null before start and after stop. */
    synchronized ConsoleServer console() {
        return console;
    }

    private static int port(String option, String value) throws UsageException {
        if (!value.trim().matches("[-+]?\\d+")) {
            throw new UsageException(UsageErrors.notAWholeNumber(option, value,
                    "" + (option.equals("--port") ? DEFAULT_PORT : DEFAULT_PORT + 1), Integer.class));
        }
        String digits = value.trim().replaceFirst("^\\+", "");
        if (digits.startsWith("-") || digits.replaceFirst("^0+(?=.)", "").length() > 5 || Integer.parseInt(digits) > 65535) {
            throw new UsageException(option + " must be in 0..65535, got " + digits);
        }
        return Integer.parseInt(digits);
    }

    private String unmatchedMessage(String argument) {
        if (!argument.startsWith("-")) {
            return "unexpected argument '" + argument + "'; give the scenario as --scenario " + argument
                    + " (`chaosgate serve --help` lists the options)";
        }
        String option = argument.contains("=") ? argument.substring(0, argument.indexOf('=')) : argument;
        List<String> names = new ArrayList<>();
        for (OptionSpec spec : this.spec.options()) {
            names.addAll(List.of(spec.names()));
        }
        return "unknown option '" + option + "'"
                + Closest.likelyTypo(option, names).map(c -> "; did you mean " + c + "?").orElse("")
                + " (`chaosgate serve --help` lists the options)";
    }

    private static int fail(PrintWriter err, String message) {
        err.println(NAME + ": " + String.valueOf(message).replaceAll("\\s*\\R\\s*", " "));
        err.flush();
        return ChaosgateCli.EXIT_USAGE;
    }

    /** The checked options. */
    private record Settings(ScenarioCatalog catalog, int port, Integer fixedConsolePort, Long seed, Path recordTo,
                            List<Recording> recording, URI upstream) {
        /** {@code --console-port}, or the port after the gateway's (a free one when the gateway took any port). */
        int consolePort() {
            if (fixedConsolePort != null) {
                return fixedConsolePort;
            }
            return port == 0 || port == 65535 ? 0 : port + 1;
        }
    }

    /** A usage problem; the message is the one line printed. */
    private static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }
}
