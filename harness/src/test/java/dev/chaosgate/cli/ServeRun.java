package dev.chaosgate.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code chaosgate serve} run in-process, as the CLI would run it, with its output captured.
 * Test helper: {@link #start} for a serve that keeps running (stop it with {@link #close}),
 * {@link #toEnd} for one that fails at once.
 */
public final class ServeRun implements AutoCloseable {
    final ServeCommand command;
    public final StringWriter out;
    public final StringWriter err;
    public final CompletableFuture<Integer> exit;

    private ServeRun(ServeCommand command, StringWriter out, StringWriter err, CompletableFuture<Integer> exit) {
        this.command = command;
        this.out = out;
        this.err = err;
        this.exit = exit;
    }

    /** Runs {@code chaosgate serve ARGS} on a thread and waits until it serves (or ended: then it throws). */
    public static ServeRun start(String... args) throws InterruptedException {
        CommandLine cli = cli();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        ServeCommand command = cli.getSubcommands().get("serve").getCommand();
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        String[] full = new String[args.length + 1];
        full[0] = "serve";
        System.arraycopy(args, 0, full, 1, args.length);
        Thread thread = new Thread(() -> exit.complete(cli.execute(full)), "serve-under-test");
        thread.setDaemon(true);
        thread.start();
        ServeRun run = new ServeRun(command, out, err, exit);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!command.awaitStarted(50, TimeUnit.MILLISECONDS)) {
            if (exit.isDone()) {
                throw new AssertionError("serve ended with " + exit.join() + " before serving: " + err);
            }
            if (System.nanoTime() > deadline) {
                run.close();
                throw new AssertionError("serve did not start in 20 s: " + err);
            }
        }
        return run;
    }

    /** The result of a serve that ends by itself (a usage error). */
    public record Finished(int exit, String out, String err) {
    }

    public static Finished toEnd(String... args) {
        CommandLine cli = cli();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] full = new String[args.length + 1];
        full[0] = "serve";
        System.arraycopy(args, 0, full, 1, args.length);
        int exit = cli.execute(full);
        return new Finished(exit, out.toString(), err.toString());
    }

    private static CommandLine cli() {
        return ChaosgateCli.commandLine();
    }

    /** The console's URL as printed, e.g. {@code http://127.0.0.1:8788/__chaosgate/}. */
    public String consoleUrl() {
        return line("console:");
    }

    public String baseUrl() {
        return line("app base URL:").split("\\s+")[0];
    }

    private String line(String label) {
        return out.toString().lines().filter(l -> l.trim().startsWith(label)).findFirst()
                .map(l -> l.trim().substring(label.length()).trim())
                .orElseThrow(() -> new AssertionError("no '" + label + "' line in: " + out));
    }

    /** The running session, or null before start and after stop. */
    public dev.chaosgate.console.ServeSession session() {
        return command.session();
    }

    /** Stops the serve (as Ctrl-C would) and waits for it to return. */
    @Override
    public void close() {
        command.stop();
        exit.orTimeout(10, TimeUnit.SECONDS).join();
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    /** A free port whose next port is free too, for the default console port (P+1). */
    static int freePortPair() throws IOException {
        for (int i = 0; i < 50; i++) {
            int port = freePort();
            if (port < 65535 && isFree(port + 1)) {
                return port;
            }
        }
        throw new IllegalStateException("no two free ports in a row found");
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 50, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort() == port;
        } catch (IOException e) {
            return false;
        }
    }
}
