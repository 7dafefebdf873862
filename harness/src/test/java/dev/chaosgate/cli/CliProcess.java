package dev.chaosgate.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The chaosgate command line run as a process of its own (the classes of this build, as the CLI jar holds them), in
 * a working directory of the test's choosing, so a test can send it a signal as Ctrl-C does and read what it printed.
 * The process is started with SIGINT at its default action: a JVM started from a background job inherits SIGINT
 * ignored, and would never hear the Ctrl-C the test sends.
 */
final class CliProcess implements AutoCloseable {
    private final Process process;
    private final StringBuffer out = new StringBuffer();
    private final StringBuffer err = new StringBuffer();
    private final String command;

    private CliProcess(Process process, String command) {
        this.process = process;
        this.command = command;
        pump(process.getInputStream(), out, "cli-stdout");
        pump(process.getErrorStream(), err, "cli-stderr");
    }

    /** Starts {@code chaosgate ARGS} in {@code workingDirectory}. */
    static CliProcess start(Path workingDirectory, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        // perl resets SIGINT to its default action, then becomes the JVM (exec keeps the process id).
        command.addAll(List.of("perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die \"exec: $!\""));
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-cp", classPath(), ChaosgateCli.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(workingDirectory.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        return new CliProcess(process, "chaosgate " + String.join(" ", args));
    }

    /** The test's class path as absolute paths: the child runs in another directory. */
    private static String classPath() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (!entry.isBlank()) {
                entries.add(Path.of(entry).toAbsolutePath().toString());
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    /** Sends SIGINT, as Ctrl-C in a terminal does. */
    void interrupt() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-INT", String.valueOf(process.pid())).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new AssertionError("kill -INT " + process.pid() + " failed");
        }
    }

    /** Sends SIGTERM, as a service manager or {@code kill} does. */
    void terminate() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-TERM", String.valueOf(process.pid())).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new AssertionError("kill -TERM " + process.pid() + " failed");
        }
    }

    /** Waits until stdout holds a line matching {@code line}; fails naming what was printed when it does not come. */
    String awaitOut(Predicate<String> line, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean ended = false;
        while (true) {
            for (String printed : out.toString().lines().toList()) {
                if (line.test(printed)) {
                    return printed;
                }
            }
            if (ended || System.nanoTime() > deadline) {
                break;
            }
            // One more look once the process has ended: its last lines may still be in the pipe.
            ended = !process.isAlive();
            Thread.sleep(ended ? 300 : 50);
        }
        throw new AssertionError("expected " + what + " from `" + command + "` within " + timeout.toSeconds() + " s\n" + this);
    }

    /** Waits for the exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("`" + command + "` still running after " + timeout.toSeconds() + " s\n" + this);
        }
        // The pumps read to the end of the streams.
        Thread.sleep(200);
        return process.exitValue();
    }

    String out() {
        return out.toString();
    }

    String err() {
        return err.toString();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    @Override
    public String toString() {
        return "--- stdout\n" + out + "--- stderr\n" + err;
    }

    private static void pump(InputStream stream, StringBuffer into, String name) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (stream) {
                int n;
                while ((n = stream.read(buffer)) >= 0) {
                    into.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // the process went away
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** The whole directory as bytes per file name, to compare before and after. */
    static java.util.Map<String, byte[]> snapshot(Path dir) {
        java.util.Map<String, byte[]> files = new java.util.TreeMap<>();
        try (var list = Files.list(dir)) {
            for (Path file : list.toList()) {
                files.put(file.getFileName().toString(), Files.readAllBytes(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }
}
