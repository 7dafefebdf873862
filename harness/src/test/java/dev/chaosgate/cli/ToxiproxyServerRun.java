package dev.chaosgate.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code chaosgate toxiproxy-server} run in-process, as the CLI would run it, with its output
 * captured. Test helper: {@link #start} waits until it serves; {@link #close} stops it as SIGTERM would.
 */
public final class ToxiproxyServerRun implements AutoCloseable {
    private final ToxiproxyServerCommand command;
    public final StringWriter out;
    public final StringWriter err;
    public final CompletableFuture<Integer> exit;

    private ToxiproxyServerRun(ToxiproxyServerCommand command, StringWriter out, StringWriter err,
                               CompletableFuture<Integer> exit) {
        this.command = command;
        this.out = out;
        this.err = err;
        this.exit = exit;
    }

    /** Runs {@code chaosgate toxiproxy-server ARGS} on a thread and waits until it serves (or ended: then it throws). */
    public static ToxiproxyServerRun start(String... args) throws InterruptedException {
        CommandLine cli = ChaosgateCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        ToxiproxyServerCommand command = cli.getSubcommands().get("toxiproxy-server").getCommand();
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        String[] full = new String[args.length + 1];
        full[0] = "toxiproxy-server";
        System.arraycopy(args, 0, full, 1, args.length);
        Thread thread = new Thread(() -> exit.complete(cli.execute(full)), "toxiproxy-server-under-test");
        thread.setDaemon(true);
        thread.start();
        ToxiproxyServerRun run = new ToxiproxyServerRun(command, out, err, exit);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!command.awaitStarted(50, TimeUnit.MILLISECONDS)) {
            if (exit.isDone()) {
                throw new AssertionError("toxiproxy-server ended with " + exit.join() + " before serving: " + err);
            }
            if (System.nanoTime() > deadline) {
                run.close();
                throw new AssertionError("toxiproxy-server did not start in 20 s: " + err);
            }
        }
        return run;
    }

    /** The API's base URL, e.g. {@code http://127.0.0.1:8474}. */
    public String url() {
        return command.server().url();
    }

    /** Stops the server (as SIGTERM would) and waits for it to return. */
    @Override
    public void close() {
        command.stop();
        exit.orTimeout(10, TimeUnit.SECONDS).join();
    }
}
