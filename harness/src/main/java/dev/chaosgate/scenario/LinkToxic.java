package dev.chaosgate.scenario;

import dev.chaosgate.link.ToxicStream;

import java.util.Map;
import java.util.Objects;

/**
 * A Toxiproxy toxic on the link between the client and the upstream, active during one phase.
 *
 * @param name       unique within the phase; defaults to {@code <type>_<stream>}
 * @param type       the toxic's wire name ({@code latency}, {@code timeout}, ...)
 * @param toxicity   probability in 0..1 that it applies to a connection
 * @param attributes the toxic's integer attributes; missing ones are 0
 */
public record LinkToxic(String name, String type, ToxicStream stream, float toxicity, Map<String, Long> attributes) {

    public LinkToxic {
        Objects.requireNonNull(type, "type cannot be null");
        Objects.requireNonNull(stream, "stream cannot be null");
        if (name == null || name.isEmpty()) {
            name = type + "_" + stream.wireName();
        }
        if (!(toxicity >= 0f && toxicity <= 1f)) {
            throw new IllegalArgumentException("toxicity must be in 0..1, got " + toxicity);
        }
        attributes = Map.copyOf(attributes);
    }

    public static LinkToxic of(String type, ToxicStream stream, Map<String, Long> attributes) {
        return new LinkToxic(null, type, stream, 1f, attributes);
    }

    /** Latency on answers (downstream), in ms. */
    public static LinkToxic latency(long millis) {
        return of("latency", ToxicStream.DOWNSTREAM, Map.of("latency", millis, "jitter", 0L));
    }

    /** Swallows what the client sends and holds the connection open: a black hole. */
    public static LinkToxic blackHole() {
        return of("timeout", ToxicStream.UPSTREAM, Map.of("timeout", 0L));
    }

    /** Resets the connection as soon as the client sends something. */
    public static LinkToxic resetPeer() {
        return of("reset_peer", ToxicStream.UPSTREAM, Map.of("timeout", 0L));
    }

    /** Limits answers to {@code kilobytesPerSecond}. */
    public static LinkToxic bandwidth(long kilobytesPerSecond) {
        return of("bandwidth", ToxicStream.DOWNSTREAM, Map.of("rate", kilobytesPerSecond));
    }

    public LinkToxic named(String newName) {
        return new LinkToxic(newName, type, stream, toxicity, attributes);
    }

    public LinkToxic withToxicity(float value) {
        return new LinkToxic(name, type, stream, value, attributes);
    }
}
