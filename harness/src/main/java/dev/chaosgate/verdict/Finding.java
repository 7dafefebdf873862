package dev.chaosgate.verdict;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One thing wrong with the client, with the evidence a developer can act on.
 *
 * @param message  the finding in one sentence: what happened and what a good client does instead
 * @param evidence the facts it rests on (attempt numbers, times, statuses, texts)
 */
public record Finding(FindingCode code, String message, List<String> evidence) {

    public Finding {
        Objects.requireNonNull(code, "code cannot be null");
        Objects.requireNonNull(message, "message cannot be null");
        evidence = List.copyOf(evidence);
    }

    public static Finding of(FindingCode code, String message, String... evidence) {
        return new Finding(code, message, List.of(evidence));
    }

    /** A duration as findings write it: seconds with one decimal ("10.0 s"). */
    static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }
}
