package dev.chaosgate.verdict;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds a {@link ClientReport} text by text, for apps with message keys or a chat thread that
 * keeps a failed message with a Retry action. Not threadsafe.
 *
 * <pre>{@code
 * ClientReport report = ClientReport.builder(prompt)
 *         .shown("Sending…")
 *         .shown("quota_exhausted", screen.bannerText())     // the app's message key, and the text shown for it
 *         .keptInThread(prompt)                             // the failed message stays in the thread with Retry
 *         .draft("")                                        // the composer was cleared
 *         .build();
 * }</pre>
 */
public final class ClientReportBuilder {
    private final String prompt;
    private final List<String> shown = new ArrayList<>();
    private final List<String> keys = new ArrayList<>();
    private final List<String> thread = new ArrayList<>();
    private String draft = "";

    ClientReportBuilder(String prompt) {
        this.prompt = Objects.requireNonNull(prompt, "prompt cannot be null");
    }

    /** A text shown to the user, without a message key. */
    public ClientReportBuilder shown(String text) {
        return shown("", text);
    }

    /** A text the app showed under message key {@code key} (its catalog maps keys to failure classes). */
    public ClientReportBuilder shown(String key, String text) {
        shown.add(Objects.requireNonNull(text, "text cannot be null"));
        keys.add(Objects.requireNonNull(key, "key cannot be null"));
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

    public ClientReport build() {
        return new ClientReport(prompt, shown, draft, keys, thread);
    }
}
