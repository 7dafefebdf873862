package dev.chaosgate.verdict;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the client under test did for the user in one action: the prompt the user typed, every
 * text it showed (answers, banners, toasts, in order) and what the composer held at the end.
 *
 * <p>Clients in other languages report the same on stdout, one line each: {@code SHOWN: <text>}
 * for each text shown, {@code DRAFT: <text>} for the composer at the end ({@link #parse}).
 *
 * @param prompt the prompt the user typed
 * @param shown  texts shown to the user, in order (an answer counts as shown text)
 * @param draft  the composer's content when the action ended ({@code ""} when it was cleared)
 * @param stoppedAfter null when the client ended by itself; otherwise it was still running when the harness
 *                     stopped it this long after it started ({@code run --client-timeout}): it had neither an
 *                     answer nor given up
 */
public record ClientReport(String prompt, List<String> shown, String draft, Duration stoppedAfter) {

    public ClientReport {
        Objects.requireNonNull(prompt, "prompt cannot be null");
        shown = List.copyOf(shown);
        draft = draft == null ? "" : draft;
    }

    public ClientReport(String prompt, List<String> shown, String draft) {
        this(prompt, shown, draft, null);
    }

    /** This report of a client that was still running when it was stopped {@code after} its start (see {@link #stoppedAfter}). */
    public ClientReport withStoppedAfter(Duration after) {
        return new ClientReport(prompt, shown, draft, Objects.requireNonNull(after, "after cannot be null"));
    }

    /** Whether the client was stopped while still running ({@link #stoppedAfter} is set). */
    public boolean stopped() {
        return stoppedAfter != null;
    }

    public static ClientReport of(String prompt, List<String> shown, String draft) {
        return new ClientReport(prompt, shown, draft);
    }

    /**
     * Reads a client's stdout: {@code SHOWN:} lines are texts shown, the last {@code DRAFT:} line is
     * the composer's content; other lines are ignored. A {@code \n} inside a shown text is written
     * as the two characters backslash and n.
     */
    public static ClientReport parse(String prompt, String stdout) {
        List<String> shown = new ArrayList<>();
        String draft = "";
        for (String line : stdout.split("\r?\n")) {
            if (line.startsWith("SHOWN:")) {
                shown.add(unescape(line.substring(6).strip()));
            } else if (line.startsWith("DRAFT:")) {
                draft = unescape(line.substring(6).strip());
            }
        }
        return new ClientReport(prompt, shown, draft);
    }

    /** Everything shown, one text per line. */
    public String shownText() {
        return String.join("\n", shown);
    }

    private static String unescape(String text) {
        return text.replace("\\n", "\n");
    }
}
