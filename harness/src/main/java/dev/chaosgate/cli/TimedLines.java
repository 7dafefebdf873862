package dev.chaosgate.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A process's output read on a thread of its own as it arrives, line by line, each line with the time its end
 * arrived ({@link Instant#now()}, the clock of the gateway's journal). A line still without its newline when the
 * process was killed is kept too ({@link #lines()}): a client stopped mid-line is judged on what it wrote.
 */
final class TimedLines {
    /** Longest line kept whole: a client writing without newlines is cut into lines this long. */
    static final int MAX_LINE_CHARS = 1 << 20;

    /** One line and when it arrived. */
    record Line(String text, Instant at) {
    }

    private final List<Line> lines = new ArrayList<>();
    private final int keep;
    private final StringBuilder pending = new StringBuilder();
    private Instant pendingAt;
    private final Thread thread;

    private TimedLines(InputStream stream, int keep, String name) {
        this.keep = keep;
        this.thread = new Thread(() -> read(stream), name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts reading {@code stream} (UTF-8); keeps the last {@code keep} lines. */
    static TimedLines read(InputStream stream, int keep, String name) {
        return new TimedLines(stream, keep, name);
    }

    /** Waits up to {@code millis} for the end of the stream. */
    void join(long millis) throws InterruptedException {
        thread.join(millis);
    }

    /** The lines read so far, the line still without its newline last (when there is one). */
    synchronized List<Line> lines() {
        List<Line> out = new ArrayList<>(lines);
        if (!pending.isEmpty()) {
            out.add(new Line(pending.toString(), pendingAt));
        }
        return out;
    }

    private void read(InputStream stream) {
        char[] buffer = new char[8192];
        try (Reader reader = new InputStreamReader(stream, StandardCharsets.UTF_8)) {
            int n;
            // read returns what is there as soon as something is: a line is timed when its end arrives
            while ((n = reader.read(buffer)) >= 0) {
                append(buffer, n, Instant.now());
            }
        } catch (IOException e) {
            // The process went away; what was read is kept.
        }
        synchronized (this) {
            if (!pending.isEmpty()) {
                add(new Line(pending.toString(), pendingAt));
                pending.setLength(0);
            }
        }
    }

    private synchronized void append(char[] chars, int n, Instant at) {
        for (int i = 0; i < n; i++) {
            char c = chars[i];
            if (c == '\n') {
                int end = pending.length();
                if (end > 0 && pending.charAt(end - 1) == '\r') {
                    pending.setLength(end - 1);
                }
                add(new Line(pending.toString(), at));
                pending.setLength(0);
            } else {
                pending.append(c);
                if (pending.length() >= MAX_LINE_CHARS) {
                    add(new Line(pending.toString(), at));
                    pending.setLength(0);
                }
            }
        }
        if (!pending.isEmpty()) {
            pendingAt = at;
        }
    }

    private void add(Line line) {
        lines.add(line);
        if (lines.size() > keep) {
            lines.remove(0);
        }
    }
}
