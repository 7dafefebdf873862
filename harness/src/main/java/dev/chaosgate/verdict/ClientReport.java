package dev.chaosgate.verdict;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the client under test did for the user in one action: the prompt the user typed, every
 * text it showed (answers, banners, toasts, in order), what the composer held at the end, the
 * app's message key of each text when it has them, and the user messages the chat thread kept with
 * a Retry action.
 *
 * <p>Clients in other languages report the same on stdout, one line each ({@link #parse}):
 * {@code SHOWN: <text>} for each text shown, {@code SHOWN[<key>]: <text>} for a text the app
 * shows under a message key ({@code SHOWN[quota_exhausted]: You have reached…}),
 * {@code DRAFT: <text>} for the composer at the end, {@code THREAD: <text>} for a failed user
 * message left in the conversation with a Retry action.
 *
 * <p>The guidance judges read the <em>last</em> text shown: what the user is left with once the
 * client gave up. The raw-error judge reads every text.
 *
 * @param prompt       the prompt the user typed
 * @param shown        texts shown to the user, in order (an answer counts as shown text)
 * @param draft        the composer's content when the action ended ({@code ""} when it was cleared)
 * @param messageKeys  the app's message key of each shown text, same order and size as {@code shown}
 *                     ({@code ""} for a text without one)
 * @param thread       failed user messages kept in the conversation with a Retry action at the end
 * @param stoppedAfter null when the client ended by itself; otherwise it was still running when the harness
 *                     stopped it this long after it started ({@code run --client-timeout}): it had neither an
 *                     answer nor given up
 */
public record ClientReport(String prompt, List<String> shown, String draft, List<String> messageKeys,
                           List<String> thread, Duration stoppedAfter) {

    public ClientReport {
        Objects.requireNonNull(prompt, "prompt cannot be null");
        shown = List.copyOf(shown);
        draft = draft == null ? "" : draft;
        List<String> keys = new ArrayList<>(messageKeys == null ? List.of() : messageKeys);
        if (keys.size() > shown.size()) {
            throw new IllegalArgumentException("messageKeys has " + keys.size() + " entries for " + shown.size()
                    + " shown texts; give one key (or \"\") per shown text");
        }
        keys.replaceAll(k -> k == null ? "" : k.strip());
        while (keys.size() < shown.size()) {
            keys.add("");
        }
        messageKeys = Collections.unmodifiableList(keys);
        thread = thread == null ? List.of() : List.copyOf(thread);
    }

    /** The report of a client without message keys whose thread keeps nothing on failure. */
    public ClientReport(String prompt, List<String> shown, String draft) {
        this(prompt, shown, draft, List.of(), List.of());
    }

    /** The report of a client that ended by itself. */
    public ClientReport(String prompt, List<String> shown, String draft, List<String> messageKeys, List<String> thread) {
        this(prompt, shown, draft, messageKeys, thread, null);
    }

    /** This report of a client that was still running when it was stopped {@code after} its start (see {@link #stoppedAfter}). */
    public ClientReport withStoppedAfter(Duration after) {
        return new ClientReport(prompt, shown, draft, messageKeys, thread, Objects.requireNonNull(after, "after cannot be null"));
    }

    /** Whether the client was stopped while still running ({@link #stoppedAfter} is set). */
    public boolean stopped() {
        return stoppedAfter != null;
    }

    public static ClientReport of(String prompt, List<String> shown, String draft) {
        return new ClientReport(prompt, shown, draft);
    }

    /** A report built text by text, with message keys and the thread: {@code ClientReport.builder(prompt).shown(..).build()}. */
    public static ClientReportBuilder builder(String prompt) {
        return new ClientReportBuilder(prompt);
    }

    /**
     * Reads a client's stdout: {@code SHOWN:} and {@code SHOWN[key]:} lines are texts shown, the
     * last {@code DRAFT:} line is the composer's content, {@code THREAD:} lines are failed user
     * messages kept in the thread with a Retry action; other lines are ignored. A {@code \n} inside a
     * text is written as the two characters backslash and n.
     */
    public static ClientReport parse(String prompt, String stdout) {
        List<String> shown = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<String> thread = new ArrayList<>();
        String draft = "";
        for (String line : stdout.split("\r?\n")) {
            if (line.startsWith("SHOWN:")) {
                shown.add(unescape(line.substring(6).strip()));
                keys.add("");
            } else if (line.startsWith("SHOWN[")) {
                int close = line.indexOf("]:");
                if (close > 6) {
                    keys.add(line.substring(6, close).strip());
                    shown.add(unescape(line.substring(close + 2).strip()));
                }
            } else if (line.startsWith("DRAFT:")) {
                draft = unescape(line.substring(6).strip());
            } else if (line.startsWith("THREAD:")) {
                thread.add(unescape(line.substring(7).strip()));
            }
        }
        return new ClientReport(prompt, shown, draft, keys, thread);
    }

    /** Whether {@code line} is one of the protocol's report lines (SHOWN, SHOWN[key], DRAFT, THREAD). */
    public static boolean isReportLine(String line) {
        return line.startsWith("SHOWN:") || line.startsWith("SHOWN[") && line.indexOf("]:") > 6
                || line.startsWith("DRAFT:") || line.startsWith("THREAD:");
    }

    /** Everything shown, one text per line. */
    public String shownText() {
        return String.join("\n", shown);
    }

    /**
     * What the user is left with: the last non-blank text shown, with its message key; empty when
     * nothing was shown.
     */
    public Optional<Message> lastMessage() {
        for (int i = shown.size() - 1; i >= 0; i--) {
            if (!shown.get(i).isBlank()) {
                return Optional.of(new Message(shown.get(i), messageKeys.get(i)));
            }
        }
        return Optional.empty();
    }

    /** Every shown text with its message key, in order. */
    public List<Message> messages() {
        List<Message> out = new ArrayList<>();
        for (int i = 0; i < shown.size(); i++) {
            out.add(new Message(shown.get(i), messageKeys.get(i)));
        }
        return out;
    }

    /**
     * One text shown.
     *
     * @param text the text as shown
     * @param key  the app's message key for it, {@code ""} when none
     */
    public record Message(String text, String key) {
        public Message {
            Objects.requireNonNull(text, "text cannot be null");
            key = key == null ? "" : key;
        }

        public boolean hasKey() {
            return !key.isEmpty();
        }
    }

    private static String unescape(String text) {
        return text.replace("\\n", "\n");
    }
}
