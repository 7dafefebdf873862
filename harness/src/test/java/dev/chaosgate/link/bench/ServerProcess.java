package dev.chaosgate.link.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A freshly started Toxiproxy-compatible server in a process of its own, driven through its HTTP
 * API: {@code chaosgate toxiproxy-server} in a new JVM (as a user starts it), or a Toxiproxy
 * {@code toxiproxy-server} binary when one is given, so both are measured the same way.
 */
final class ServerProcess implements AutoCloseable {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Pattern LISTEN = Pattern.compile("\"listen\"\\s*:\\s*\"[^\"]*:(\\d+)\"");

    private final String label;
    private final Process process;
    private final int apiPort;
    private final long readyNanos;

    private ServerProcess(String label, Process process, int apiPort, long readyNanos) {
        this.label = label;
        this.process = process;
        this.apiPort = apiPort;
        this.readyNanos = readyNanos;
    }

    /** {@code chaosgate toxiproxy-server} in a new JVM on this class path, with the launcher's default JVM options. */
    static ServerProcess chaosgate() throws IOException, InterruptedException {
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        String options = System.getProperty("bench.serverJavaOptions", System.getenv().getOrDefault("BENCH_SERVER_JAVA_OPTS", ""));
        for (String option : options.trim().split("\\s+")) {
            if (!option.isEmpty()) {
                command.add(option);
            }
        }
        // bench.serverClassPath: another build of chaosgate, e.g. to compare before and after a change in one run.
        String classPath = System.getProperty("bench.serverClassPath", System.getProperty("java.class.path"));
        command.addAll(List.of("-cp", classPath, "dev.chaosgate.cli.ChaosgateCli",
                "toxiproxy-server", "--port", String.valueOf(port), "--seed", "1"));
        return start("chaosgate", command, port);
    }

    /** A Toxiproxy {@code toxiproxy-server} binary, or another that takes its flags and answers its API, named {@code label}. */
    static ServerProcess toxiproxy(String binary, String label) throws IOException, InterruptedException {
        int port = freePort();
        return start(label, List.of(binary, "-host", "127.0.0.1", "-port", String.valueOf(port)), port);
    }

    private static ServerProcess start(String label, List<String> command, int port) throws IOException, InterruptedException {
        long started = System.nanoTime();
        Process process = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        long deadline = started + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                if (http(port, "GET", "/version", null).startsWith("HTTP/1.1 200")) {
                    return new ServerProcess(label, process, port, System.nanoTime() - started);
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IOException(label + " server did not answer GET /version within 60 s (exit "
                        + (process.isAlive() ? "none" : process.exitValue()) + "): "
                        + String.join(" ", command.subList(Math.max(0, command.size() - 6), command.size()))
                        + "; run it by hand to see why");
            }
            Thread.sleep(2);
        }
    }

    String label() {
        return label;
    }

    /** From starting the process until its API first answered. */
    long readyNanos() {
        return readyNanos;
    }

    /** Creates a proxy on 127.0.0.1 and a free port in front of {@code upstreamPort}; returns its listen port. */
    int createProxy(String name, int upstreamPort) throws IOException {
        String body = "{\"name\":\"" + name + "\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"127.0.0.1:" + upstreamPort + "\"}";
        String answer = http(apiPort, "POST", "/proxies", body);
        Matcher listen = LISTEN.matcher(answer);
        if (!answer.startsWith("HTTP/1.1 201") || !listen.find()) {
            throw new IOException(label + " refused to create proxy " + name + ": " + answer);
        }
        return Integer.parseInt(listen.group(1));
    }

    /** One HTTP/1.1 exchange on a fresh connection ({@code Connection: close}); returns the whole answer. */
    static String http(int port, String method, String path, String body) throws IOException {
        try (Socket socket = new Socket(LOOPBACK, port)) {
            socket.setSoTimeout(10_000);
            byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n"
                    + (body == null ? "" : "Content-Type: application/json\r\nContent-Length: " + content.length + "\r\n")
                    + "\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(content);
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
