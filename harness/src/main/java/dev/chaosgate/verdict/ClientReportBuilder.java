package dev.chaosgate.verdict;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds a {@link ClientReport} text by text, for apps with message keys, a chat thread that keeps a
 * failed message with a Retry action, or an answer that grows on screen while it streams. Not threadsafe.
 *
 * <pre>{@code
 * ClientReport report = ClientReport.builder(prompt)
 *         .shown("Sending…")
 *         .partial("Slow start doubles")                    // a streamed answer as it grows: each call replaces
 *         .partial("Slow start doubles the window")         //   the previous partial text of the same answer
 *         .shown("The answer was interrupted. Regenerate?") // a separate text under the partial answer
 *         .shown("quota_exhausted", screen.bannerText())     // the app's message key, and the text shown for it
 *         .keptInThread(prompt)                             // the failed message stays in the thread with Retry
 *         .draft("")                                        // the composer was cleared
 *         .build();
 * }</pre>
 *
 * <p>A client in another language says the same with protocol lines, which {@link #line} reads one at a time
 * with the time each arrived.
 */
public final class ClientReportBuilder {
    private final String prompt;
    private final List<String> shown = new ArrayList<>();
    private final List<String> keys = new ArrayList<>();
    private final List<ClientReport.Appearance> appearances = new ArrayList<>();
    private final List<String> thread = new ArrayList<>();
    private String draft = "";
    private Instant started;
    /** The index in {@code shown} of the partial text still growing, or -1. */
    private int growing = -1;

    ClientReportBuilder(String prompt) {
        this.prompt = Objects.requireNonNull(prompt, "prompt cannot be null");
    }

    /** A text shown to the user, without a message key. */
    public ClientReportBuilder shown(String text) {
        return shown("", text);
    }

    /** A text the app showed under message key {@code key} (its catalog maps keys to failure classes). */
    public ClientReportBuilder shown(String key, String text) {
        return shown(key, text, null);
    }

    /**
     * A text shown at {@code at} (null: unknown). Equal to the partial text still growing, it completes that text
     * instead of adding a copy; any other text is a separate text after it, and the partial text stops growing.
     */
    public ClientReportBuilder shown(String key, String text, Instant at) {
        Objects.requireNonNull(text, "text cannot be null");
        Objects.requireNonNull(key, "key cannot be null");
        if (growing >= 0 && shown.get(growing).equals(text)) {
            ClientReport.Appearance partial = appearances.get(growing);
            appearances.set(growing, new ClientReport.Appearance(partial.shown(), partial.updated(), false));
            if (!key.isEmpty()) {
                keys.set(growing, key);
            }
            growing = -1;
            return this;
        }
        growing = -1;
        shown.add(text);
        keys.add(key);
        appearances.add(new ClientReport.Appearance(at, at, false));
        return this;
    }

    /**
     * The whole text so far of an answer still growing on screen (a stream). It replaces the previous partial text
     * unless a {@link #shown} text came since, in which case it starts a new text; the last content counts as the
     * text shown at its position. A partial text that no equal {@link #shown} text completes is reported as
     * {@link ClientReport.Appearance#partial()}: what the user was left with when the client ended or was stopped.
     */
    public ClientReportBuilder partial(String text) {
        return partial(text, null);
    }

    /** {@link #partial(String)} shown at {@code at} (null: unknown). */
    public ClientReportBuilder partial(String text, Instant at) {
        Objects.requireNonNull(text, "text cannot be null");
        if (growing >= 0) {
            shown.set(growing, text);
            Instant first = appearances.get(growing).shown();
            appearances.set(growing, new ClientReport.Appearance(first, first == null ? null : at, true));
            return this;
        }
        growing = shown.size();
        shown.add(text);
        keys.add("");
        appearances.add(new ClientReport.Appearance(at, at, true));
        return this;
    }

    /** The composer's content at the end ({@code ""} when cleared, the default). */
    public ClientReportBuilder draft(String draft) {
        this.draft = Objects.requireNonNull(draft, "draft cannot be null");
        return this;
    }

    /** A failed user message the thread kept with a Retry action at the end. */
    public ClientReportBuilder keptInThread(String message) {
        thread.add(Objects.requireNonNull(message, "message cannot be null"));
        return this;
    }

    /** When the client started, on the clock of the gateway's journal (the times of the texts are read against it). */
    public ClientReportBuilder started(Instant started) {
        this.started = started;
        return this;
    }

    /**
     * One line of a client's stdout in the client protocol, read at {@code at} (null: unknown): {@code SHOWN: },
     * {@code SHOWN[key]: }, {@code PARTIAL: }, {@code DRAFT: } or {@code THREAD: } followed by the text, {@code \n}
     * written as backslash and n, surrounding blanks ignored. Other lines (and a trailing carriage return) are
     * ignored.
     */
    public ClientReportBuilder line(String line, Instant at) {
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        if (line.startsWith("SHOWN:")) {
            shown("", text(line, 6), at);
        } else if (line.startsWith("SHOWN[")) {
            int close = line.indexOf("]:");
            if (close > 6) {
                shown(line.substring(6, close).strip(), text(line, close + 2), at);
            }
        } else if (line.startsWith("PARTIAL:")) {
            partial(text(line, 8), at);
        } else if (line.startsWith("DRAFT:")) {
            draft(text(line, 6));
        } else if (line.startsWith("THREAD:")) {
            keptInThread(text(line, 7));
        }
        return this;
    }

    public ClientReport build() {
        return new ClientReport(prompt, shown, draft, keys, thread, null, started, appearances);
    }

    private static String text(String line, int from) {
        return ClientReport.unescape(line.substring(from).strip());
    }
}
