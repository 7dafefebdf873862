package dev.chaosgate.verdict;

import java.time.Duration;
import java.time.Instant;
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
 * {@code PARTIAL: <text>} for a text still growing (a streamed answer: each line holds the whole text so far and
 * replaces the previous one), {@code DRAFT: <text>} for the composer at the end, {@code THREAD: <text>} for a
 * failed user message left in the conversation with a Retry action. {@code chaosgate run --client} reads the
 * lines as they arrive ({@link ClientReportBuilder#line}), so each text carries when it was shown
 * ({@link #appearances}) and a client stopped at its timeout is judged on what it had shown.
 *
 * <p>The guidance judges read the <em>last</em> text shown: what the user is left with once the
 * client gave up (a partial text counts at its position with its last content). The raw-error judge reads
 * every text.
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
 * @param started      when the client started, on the clock of the gateway's journal; null when unknown
 * @param appearances  when each shown text was on screen and whether it was a partial text, same order and size
 *                     as {@code shown} ({@link Appearance#UNKNOWN} for a text reported without times)
 */
public record ClientReport(String prompt, List<String> shown, String draft, List<String> messageKeys,
                           List<String> thread, Duration stoppedAfter, Instant started, List<Appearance> appearances) {

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
        List<Appearance> times = new ArrayList<>(appearances == null ? List.of() : appearances);
        if (times.size() > shown.size()) {
            throw new IllegalArgumentException("appearances has " + times.size() + " entries for " + shown.size()
                    + " shown texts; give one (or Appearance.UNKNOWN) per shown text");
        }
        times.replaceAll(a -> a == null ? Appearance.UNKNOWN : a);
        while (times.size() < shown.size()) {
            times.add(Appearance.UNKNOWN);
        }
        appearances = Collections.unmodifiableList(times);
    }

    /** The report of a client, without the times its texts were shown. */
    public ClientReport(String prompt, List<String> shown, String draft, List<String> messageKeys, List<String> thread,
                        Duration stoppedAfter) {
        this(prompt, shown, draft, messageKeys, thread, stoppedAfter, null, List.of());
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
        return new ClientReport(prompt, shown, draft, messageKeys, thread, Objects.requireNonNull(after, "after cannot be null"),
                started, appearances);
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
     * Reads a client's stdout at once (protocol version 1 and 2): {@code SHOWN:} and {@code SHOWN[key]:} lines are
     * texts shown, {@code PARTIAL:} lines a text still growing (see {@link ClientReportBuilder#partial}), the last
     * {@code DRAFT:} line is the composer's content, {@code THREAD:} lines are failed user messages kept in the
     * thread with a Retry action; other lines are ignored. A {@code \n} inside a text is written as the two
     * characters backslash and n. The texts carry no times; {@link ClientReportBuilder#line} reads lines as they
     * arrive, with their times.
     */
    public static ClientReport parse(String prompt, String stdout) {
        ClientReportBuilder builder = builder(prompt);
        for (String line : stdout.split("\r?\n")) {
            builder.line(line, null);
        }
        return builder.build();
    }

    /** Whether {@code line} is one of the protocol's report lines (SHOWN, SHOWN[key], PARTIAL, DRAFT, THREAD). */
    public static boolean isReportLine(String line) {
        return line.startsWith("SHOWN:") || line.startsWith("SHOWN[") && line.indexOf("]:") > 6
                || line.startsWith("PARTIAL:") || line.startsWith("DRAFT:") || line.startsWith("THREAD:");
    }

    /** Whether the texts carry the times they were shown (a client read line by line as it ran). */
    public boolean timed() {
        return started != null && appearances.stream().anyMatch(a -> a.shown() != null);
    }

    /** How long after the client started {@code at} was; empty when either time is unknown. */
    public Optional<Duration> sinceStart(Instant at) {
        return started == null || at == null ? Optional.empty() : Optional.of(Duration.between(started, at));
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
        int last = lastIndex();
        return last < 0 ? Optional.empty() : Optional.of(new Message(shown.get(last), messageKeys.get(last)));
    }

    /** The index of the last non-blank text shown, or -1. */
    int lastIndex() {
        for (int i = shown.size() - 1; i >= 0; i--) {
            if (!shown.get(i).isBlank()) {
                return i;
            }
        }
        return -1;
    }

    /**
     * When text {@code i} was on screen, in words: "at 0.4 s" after the client started, "at 1.2 s, grew until 3.0 s"
     * for a text that grew, with "partial" for one still growing at the end; {@code ""} when unknown.
     */
    public String when(int i) {
        Appearance a = appearances.get(i);
        Optional<Duration> shownAfter = sinceStart(a.shown());
        if (shownAfter.isEmpty()) {
            return a.partial() ? "partial" : "";
        }
        String shownAt = Finding.seconds(shownAfter.get());
        StringBuilder out = new StringBuilder("at ").append(shownAt);
        sinceStart(a.updated()).map(Finding::seconds).filter(updated -> !updated.equals(shownAt))
                .ifPresent(updated -> out.append(", grew until ").append(updated));
        if (a.partial()) {
            out.append(", partial");
        }
        return out.toString();
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

    /**
     * When one shown text was on screen.
     *
     * @param shown   when it was first shown (for a partial text, its first {@code PARTIAL:} line); null when unknown
     * @param updated when its content last changed (a partial text's last line; {@code shown} otherwise); null when unknown
     * @param partial whether it came from {@code PARTIAL:} lines that no equal {@code SHOWN:} line completed: the text
     *                was still growing when the client ended or was stopped, and its last content is what the user
     *                was left with
     */
    public record Appearance(Instant shown, Instant updated, boolean partial) {
        /** A text reported without times and not partial. */
        public static final Appearance UNKNOWN = new Appearance(null, null, false);

        public Appearance {
            if (shown != null && updated != null && updated.isBefore(shown)) {
                throw new IllegalArgumentException("updated (" + updated + ") is before shown (" + shown + ")");
            }
            updated = updated == null ? shown : updated;
        }
    }

    static String unescape(String text) {
        return text.replace("\\n", "\n");
    }
}
