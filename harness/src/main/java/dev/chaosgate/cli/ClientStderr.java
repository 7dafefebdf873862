package dev.chaosgate.cli;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a client wrote on stderr, cut to what a report can hold and a person reads: the last {@value #MAX_LINES}
 * lines, at most {@value #MAX_BYTES} bytes, and the one line that says why it failed. A crashed Node.js client ends
 * its stderr with {@code Node.js v20.20.2} and a Python one with a traceback's last line, so "the last line" is
 * often not the cause: {@link #cause} looks past runtime banners, stack frames and closing braces for it.
 */
final class ClientStderr {
    static final int MAX_LINES = 20;
    static final int MAX_BYTES = 4096;
    /** Longest cause quoted in a one-line message. */
    static final int MAX_CAUSE_CHARS = 300;

    /** Lines that are never the cause: stack frames, runtime version banners, carets, braces, error-object fields. */
    private static final Pattern NOISE = Pattern.compile(
            "at .*|File \".*|\\.\\.\\. \\d+ more|Node\\.js v[0-9.]+|[\\^~ ]+|[{}()\\[\\],;]+|code: .*|errno: .*|syscall: .*"
                    + "|Traceback \\(most recent call last\\):|Stack trace:|node:internal/.*|throw .*|\\^+");
    /** Words of a line that says what went wrong. */
    private static final Pattern ERROR_WORDS = Pattern.compile(
            "(?i).*(error|exception|cannot|can't|could not|couldn't|not found|no such|fatal|panic|denied|refused|failed|unable).*");

    private ClientStderr() {
    }

    /** The last lines of {@code lines}: at most {@value #MAX_LINES}, and at most {@value #MAX_BYTES} bytes of UTF-8 text. */
    static List<String> tail(List<String> lines) {
        List<String> kept = new ArrayList<>();
        int bytes = 0;
        for (int i = lines.size() - 1; i >= 0 && kept.size() < MAX_LINES; i--) {
            String line = lines.get(i);
            int size = line.getBytes(StandardCharsets.UTF_8).length + 1;
            if (bytes + size > MAX_BYTES) {
                if (kept.isEmpty()) {
                    // One huge line: keep its end, where the message usually is.
                    kept.add(0, "…" + line.substring(Math.max(0, line.length() - MAX_BYTES / 2)));
                }
                break;
            }
            kept.add(0, line);
            bytes += size;
        }
        // Blank lines at the end say nothing.
        while (!kept.isEmpty() && kept.get(kept.size() - 1).isBlank()) {
            kept.remove(kept.size() - 1);
        }
        return List.copyOf(kept);
    }

    /**
     * The line that says why the client failed: the last one naming an error, else the last that is not noise,
     * else "". {@code Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'openai' imported from /app/client.mjs},
     * not {@code Node.js v20.20.2}.
     */
    static String cause(List<String> lines) {
        String fallback = "";
        for (int i = lines.size() - 1; i >= 0; i--) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || NOISE.matcher(line).matches()) {
                continue;
            }
            if (ERROR_WORDS.matcher(line).matches()) {
                return shorten(line);
            }
            if (fallback.isEmpty()) {
                fallback = line;
            }
        }
        return shorten(fallback);
    }

    private static String shorten(String line) {
        return line.length() <= MAX_CAUSE_CHARS ? line : line.substring(0, MAX_CAUSE_CHARS - 1) + "…";
    }
}
