package dev.chaosgate.link;

import java.util.Locale;
import java.util.Optional;

/**
 * The direction of a link a toxic sits on, named as Toxiproxy names it.
 * {@link #UPSTREAM} carries bytes from the client to the upstream server,
 * {@link #DOWNSTREAM} carries the server's answer back to the client.
 */
public enum ToxicStream {
    UPSTREAM, DOWNSTREAM;

    /** Parses a stream name case-insensitively, as Toxiproxy does ("UPSTREAM" is accepted). */
    public static Optional<ToxicStream> parse(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        return switch (raw.toLowerCase(Locale.ROOT)) {
            case "upstream" -> Optional.of(UPSTREAM);
            case "downstream" -> Optional.of(DOWNSTREAM);
            default -> Optional.empty();
        };
    }

    /** The wire name: {@code upstream} or {@code downstream}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
