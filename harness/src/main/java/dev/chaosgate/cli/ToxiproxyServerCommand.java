package dev.chaosgate.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chaosgate.link.LinkEngine;
import dev.chaosgate.link.LinkEvent;
import dev.chaosgate.link.LinkException;
import dev.chaosgate.link.LinkServer;
import dev.chaosgate.link.ProxyInfo;
import io.netty.util.ResourceLeakDetector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code chaosgate toxiproxy-server}: a drop-in for Shopify's {@code toxiproxy-server}. It takes the
 * same flags (with one dash, as Go spells them, or two), loads the same config file, serves the same
 * API on the same default port, and runs until SIGINT or SIGTERM.
 *
 * <p>Unlike {@code toxiproxy-server}, a bad config file is an error (exit 2 with one line naming
 * the file, the entry and the fix) rather than a log line, and the seed really seeds the run.
 */
@Command(name = "toxiproxy-server",
        version = "chaosgate 0.1.0 toxiproxy-server (API of Toxiproxy 2.12)",
        sortOptions = false,
        exitCodeOnInvalidInput = ChaosgateCli.EXIT_USAGE,
        description = {
                "Serves a Toxiproxy 2.12-compatible HTTP API backed by chaosgate's in-JVM link engine.",
                "Drop-in for Shopify's toxiproxy-server: flags take one dash (Go style) or two."},
        footer = {"",
                "Config file: a JSON array of proxies, as POST /populate takes it, e.g.",
                "  [{\"name\":\"api\",\"listen\":\"127.0.0.1:18080\",\"upstream\":\"127.0.0.1:8080\"}]",
                "Runs until SIGINT or SIGTERM. Exit code 2: a bad option or config file."})
public final class ToxiproxyServerCommand implements Callable<Integer> {
    private static final String NAME = "chaosgate toxiproxy-server";
    private static final String CONFIG_EXAMPLE =
            "[{\"name\":\"api\",\"listen\":\"127.0.0.1:18080\",\"upstream\":\"127.0.0.1:8080\"}]";

    @Spec
    CommandSpec spec;

    @Option(names = {"--host", "-host"}, paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Address the API binds (default: ${DEFAULT-VALUE}). "
                    + "Any other than loopback makes the API reachable from other machines.")
    String host;

    @Option(names = {"--port", "-port"}, paramLabel = "PORT", defaultValue = "8474",
            description = "API port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = {"--config", "-config"}, paramLabel = "FILE",
            description = "JSON array of proxies {name, listen, upstream, enabled?} to create before serving.")
    Path config;

    @Option(names = {"--seed", "-seed"}, paramLabel = "N",
            description = "Seed of toxicity rolls, jitter and slicer sizes (default: random). "
                    + "The seed used is always printed; pass it again to reproduce a run.")
    Long seed;

    @Option(names = {"--proxy-metrics", "-proxy-metrics"}, arity = "0..1", paramLabel = "BOOL",
            description = "Serve Toxiproxy's proxy byte counters on GET /metrics (Prometheus text): "
                    + "toxiproxy_proxy_received_bytes_total and toxiproxy_proxy_sent_bytes_total, "
                    + "labels direction, listener, proxy, upstream.")
    boolean proxyMetrics;

    @Option(names = {"--runtime-metrics", "-runtime-metrics"}, arity = "0..1", paramLabel = "BOOL",
            description = "Serve runtime metrics on GET /metrics: the JVM's (jvm_*, process_*), "
                    + "where toxiproxy-server serves Go's (go_*, process_*). "
                    + "With neither flag, /metrics answers 404, as toxiproxy-server does.")
    boolean runtimeMetrics;

    @Option(names = {"-h", "--help", "-help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = {"-V", "--version", "-version"}, versionHelp = true, description = "Print the version and exit.")
    boolean version;

    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private LinkServer server;
    private boolean stopRequested;
    private final ShutdownHook shutdownHook = new ShutdownHook();

    @Override
    public Integer call() {
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port must be in 0..65535, got " + port);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<LinkEngine.ProxySpec> proxies;
        try {
            proxies = config == null ? List.of() : ConfigFile.read(config, err);
        } catch (ConfigException e) {
            return fail(err, e.getMessage());
        }
        long seedUsed = seed != null ? seed : ThreadLocalRandom.current().nextLong();

        // A server in a process of its own: Netty's leak detection wraps and tracks one buffer in 128,
        // which costs the data path allocations and, as a second buffer type on its hot code, made the
        // JIT recompile that code after the warm-up. It stays on when asked for (-Dio.netty.leakDetection.level).
        if (System.getProperty("io.netty.leakDetection.level") == null && System.getProperty("io.netty.leakDetectionLevel") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        LinkServer running;
        try {
            running = LinkServer.builder().host(host).port(port).seed(seedUsed)
                    .proxyMetrics(proxyMetrics).runtimeMetrics(runtimeMetrics).start();
        } catch (UncheckedIOException | IllegalArgumentException e) {
            if (String.valueOf(e.getMessage()).contains("already in use")) {
                return fail(err, "cannot listen on " + host + ":" + port + ": address already in use; stop the other"
                        + " server or choose another port with --port (0: any free port)");
            }
            return fail(err, e.getMessage());
        }
        int loaded;
        try {
            loaded = running.engine().populate(proxies).size();
        } catch (LinkEngine.PopulateException e) {
            running.close();
            return fail(err, populateError(e, proxies));
        } catch (LinkException e) {
            running.close();
            return fail(err, "config file " + config + ": " + e.getMessage());
        }
        UpstreamNotices notices = new UpstreamNotices(running.engine(), err);
        running.engine().onEvent(notices::heard);
        if (!serve(running)) {
            notices.close();
            return 0;
        }
        if (!isLoopback(host)) {
            err.println(NAME + ": warning: the API on " + host + " is reachable from other machines, and anyone "
                    + "who reaches it can open proxies; use --host 127.0.0.1 unless you mean that");
            err.flush();
        }
        out.printf("%s: API %s (transport %s, seed %d, %d %s loaded%s)%s%n", NAME, running.url(),
                running.engine().transport(), seedUsed, loaded, loaded == 1 ? "proxy" : "proxies",
                config == null ? "" : " from " + config, metricsNote(running.url()));
        out.flush();
        started.countDown();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
        }
        shutdownHook.disarm();
        notices.close();
        return 0;
    }

    /**
     * Says on stderr when a proxy's upstream becomes unreachable (its clients are then accepted and
     * closed at once, as toxiproxy-server does) and when it is reached again: once per outage, not per
     * connection. Events arrive on the link's event loops; the proxy is looked up and the line printed
     * on a thread of its own, so the data plane never waits on the engine's lock or on stderr.
     */
    static final class UpstreamNotices implements AutoCloseable {
        private final LinkEngine engine;
        private final PrintWriter err;
        private final Set<String> down = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final java.util.concurrent.ExecutorService printer = java.util.concurrent.Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "chaosgate-upstream-notices");
            thread.setDaemon(true);
            return thread;
        });

        UpstreamNotices(LinkEngine engine, PrintWriter err) {
            this.engine = engine;
            this.err = err;
        }

        void heard(LinkEvent event) {
            if (event.kind() == LinkEvent.Kind.UPSTREAM_UNREACHABLE && down.add(event.proxy())) {
                say(event.proxy(), "is unreachable (refused or timed out): its clients are accepted and closed at once,"
                        + " as toxiproxy-server does, until it is back");
            } else if (event.kind() == LinkEvent.Kind.OPENED && down.remove(event.proxy())) {
                say(event.proxy(), "is reachable again");
            }
        }

        private void say(String proxy, String what) {
            try {
                printer.execute(() -> {
                    ProxyInfo info;
                    try {
                        info = engine.proxy(proxy);
                    } catch (LinkException gone) {
                        return; // deleted meanwhile
                    }
                    err.println(NAME + ": warning: proxy " + proxy + ": upstream " + info.upstream() + " " + what);
                    err.flush();
                });
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                // the server is stopping
            }
        }

        @Override
        public void close() {
            printer.shutdownNow();
        }
    }

    /** Publishes the running server and arms the shutdown hook; false when a stop came first. */
    private synchronized boolean serve(LinkServer running) {
        if (stopRequested) {
            running.close();
            return false;
        }
        server = running;
        shutdownHook.arm(this::stop, "chaosgate-shutdown");
        return true;
    }

    /** Closes the server and lets {@link #call()} return; idempotent, safe from any thread. */
    void stop() {
        LinkServer closing;
        synchronized (this) {
            stopRequested = true;
            closing = server;
            server = null;
        }
        if (closing != null) {
            closing.close();
        }
        stopped.countDown();
    }

    /** Waits until the API serves and the config is loaded; false on timeout. */
    boolean awaitStarted(long timeout, TimeUnit unit) throws InterruptedException {
        return started.await(timeout, unit);
    }

    /** The running server, or null before start and after stop. */
    synchronized LinkServer server() {
        return server;
    }

    /** Where the metrics are, when a metrics flag is on. */
    private String metricsNote(String url) {
        if (!proxyMetrics && !runtimeMetrics) {
            return "";
        }
        String which = proxyMetrics && runtimeMetrics ? "proxy and runtime" : proxyMetrics ? "proxy" : "runtime";
        return "; " + which + " metrics at " + url + "/metrics";
    }

    private static int fail(PrintWriter err, String message) {
        err.println(NAME + ": " + String.valueOf(message).replaceAll("\\s*\\R\\s*", " "));
        err.flush();
        return ChaosgateCli.EXIT_USAGE;
    }

    private String populateError(LinkEngine.PopulateException e, List<LinkEngine.ProxySpec> proxies) {
        List<ProxyInfo> created = e.created();
        if (created == null || created.size() >= proxies.size()) {
            return "config file " + config + ": " + e.getMessage();
        }
        int index = created.size();
        LinkEngine.ProxySpec failed = proxies.get(index);
        String fix = e.getMessage().contains("in use")
                ? "stop what holds that port or change its \"listen\""
                : "change its \"listen\" to an address this machine can bind, e.g. 127.0.0.1:0";
        return "config file " + config + ": entry [" + index + "] (\"" + failed.name() + "\"): "
                + e.getMessage() + "; " + fix;
    }

    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("127.0.0.1") || h.equals("localhost") || h.equals("::1") || h.equals("[::1]");
    }

    /** A config file that cannot be used; the message is one line naming the file, the entry and the fix. */
    static final class ConfigException extends Exception {
        ConfigException(String message) {
            super(message);
        }
    }

    /** Reads toxiproxy-server's config file: the JSON array {@code POST /populate} takes. */
    static final class ConfigFile {
        private static final ObjectMapper JSON = new ObjectMapper()
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

        private ConfigFile() {
        }

        static List<LinkEngine.ProxySpec> read(Path file, PrintWriter err) throws ConfigException {
            String where = "config file " + file;
            JsonNode root;
            try {
                byte[] bytes = Files.readAllBytes(file);
                root = JSON.readTree(bytes);
            } catch (NoSuchFileException e) {
                throw new ConfigException(where + " does not exist: check the path (relative paths start at "
                        + Path.of("").toAbsolutePath() + ")");
            } catch (AccessDeniedException e) {
                throw new ConfigException(where + " cannot be read (permission denied): make it readable");
            } catch (JsonProcessingException e) {
                JsonLocation at = e.getLocation();
                String position = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
                throw new ConfigException(where + " is not valid JSON" + position + " (" + e.getOriginalMessage()
                        + "); it must be an array like " + CONFIG_EXAMPLE);
            } catch (IOException e) {
                String why = Files.isDirectory(file) ? "it is a directory" : String.valueOf(e.getMessage());
                throw new ConfigException(where + " cannot be read (" + why + "): give the path of a JSON file");
            }
            if (root == null || root.isMissingNode()) {
                throw new ConfigException(where + " is empty: it must be a JSON array like " + CONFIG_EXAMPLE
                        + " ([] for none)");
            }
            if (!root.isArray()) {
                throw new ConfigException(where + " must hold a JSON array of proxies, found " + kind(root)
                        + (root.isObject() ? ": wrap it in [ ]" : ": write it like " + CONFIG_EXAMPLE));
            }
            List<LinkEngine.ProxySpec> specs = new ArrayList<>();
            Set<String> names = new HashSet<>();
            boolean toxicsIgnored = false;
            for (int i = 0; i < root.size(); i++) {
                JsonNode entry = root.get(i);
                String at = where + ": entry [" + i + "]";
                if (!entry.isObject()) {
                    throw new ConfigException(at + " is " + kind(entry)
                            + ", expected an object {\"name\", \"listen\", \"upstream\", \"enabled\"}");
                }
                String name = requiredString(entry, "name", at, "\"name\": \"api\"");
                at = at + " (\"" + name + "\")";
                String upstream = requiredString(entry, "upstream", at, "\"upstream\": \"host:port\" of the real server");
                String listen = optionalString(entry, "listen", at);
                Boolean enabled = null;
                JsonNode enabledNode = entry.get("enabled");
                if (enabledNode != null && !enabledNode.isNull()) {
                    if (!enabledNode.isBoolean()) {
                        throw new ConfigException(at + ": field \"enabled\" must be true or false, got "
                                + kind(enabledNode));
                    }
                    enabled = enabledNode.booleanValue();
                }
                if (!names.add(name)) {
                    err.println(NAME + ": warning: " + at + " repeats the name \"" + name
                            + "\"; the later entry replaces the earlier one, as in toxiproxy-server");
                }
                toxicsIgnored |= entry.has("toxics");
                specs.add(new LinkEngine.ProxySpec(name, listen, upstream, enabled));
            }
            if (toxicsIgnored) {
                err.println(NAME + ": warning: " + where + ": \"toxics\" in entries are ignored, as toxiproxy-server "
                        + "ignores them; add toxics through the API");
            }
            err.flush();
            return specs;
        }

        private static String requiredString(JsonNode entry, String field, String at, String example)
                throws ConfigException {
            JsonNode value = entry.get(field);
            if (value == null || value.isNull() || (value.isTextual() && value.textValue().isEmpty())) {
                throw new ConfigException(at + ": missing required field \"" + field + "\": add " + example);
            }
            if (!value.isTextual()) {
                throw new ConfigException(at + ": field \"" + field + "\" must be a string, got " + kind(value));
            }
            return value.textValue();
        }

        /** An absent listen address is "" (as in Go), which binds a free port on 127.0.0.1. */
        private static String optionalString(JsonNode entry, String field, String at) throws ConfigException {
            JsonNode value = entry.get(field);
            if (value == null || value.isNull()) {
                return "";
            }
            if (!value.isTextual()) {
                throw new ConfigException(at + ": field \"" + field + "\" must be a string like \"127.0.0.1:18080\", got "
                        + kind(value));
            }
            return value.textValue();
        }

        private static String kind(JsonNode node) {
            return switch (node.getNodeType()) {
                case ARRAY -> "an array";
                case OBJECT -> "an object";
                case STRING -> "a string";
                case NUMBER -> "a number";
                case BOOLEAN -> "a boolean";
                case NULL -> "null";
                default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
            };
        }
    }
}
