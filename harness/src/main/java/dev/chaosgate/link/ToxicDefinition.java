package dev.chaosgate.link;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A toxic as the Toxiproxy API sees it: serialisable settings, no runtime state.
 *
 * @param name       unique within its proxy, across both streams
 * @param type       the toxic's wire name, e.g. {@code latency}
 * @param stream     the stream exactly as the caller spelled it (Toxiproxy echoes it verbatim)
 * @param toxicity   probability in 0..1 that the toxic applies to a given link
 * @param attributes every attribute of the type in wire order, integers as Toxiproxy has them
 */
public record ToxicDefinition(String name, String type, String stream, float toxicity, Map<String, Long> attributes) {

    public ToxicDefinition {
        Objects.requireNonNull(name, "name cannot be null");
        Objects.requireNonNull(type, "type cannot be null");
        Objects.requireNonNull(stream, "stream cannot be null");
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        if (ToxicStream.parse(stream).isEmpty()) {
            throw new IllegalArgumentException("stream must be upstream or downstream, got '" + stream + "'");
        }
    }

    /** The parsed direction of {@link #stream()}. */
    public ToxicStream direction() {
        return ToxicStream.parse(stream).orElseThrow();
    }

    /** One attribute's value, 0 when absent (Toxiproxy's zero default). */
    public long attribute(String key) {
        Long value = attributes.get(key);
        return value == null ? 0L : value;
    }

    /** A copy with other attributes and toxicity; name, type and stream stay. */
    public ToxicDefinition with(Map<String, Long> newAttributes, float newToxicity) {
        return new ToxicDefinition(name, type, stream, newToxicity, newAttributes);
    }
}
