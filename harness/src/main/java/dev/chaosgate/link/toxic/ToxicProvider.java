package dev.chaosgate.link.toxic;

import java.util.List;
import java.util.Map;

/**
 * A toxic type, registered under its Toxiproxy wire name through {@code ServiceLoader}
 * ({@code META-INF/services/dev.chaosgate.link.toxic.ToxicProvider}), so adding a toxic touches
 * no central switch. Implementations are stateless; per-link behaviour lives in the
 * {@link ToxicRuntime} they create.
 */
public interface ToxicProvider {

    /** The wire name, e.g. {@code slow_close}. */
    String type();

    /** One line for people on what the toxic does, e.g. {@code Holds the close back by `delay` ms.} */
    String summary();

    /** Every attribute of the type in the order Toxiproxy emits them; each defaults to 0. */
    List<ToxicAttribute> attributes();

    /** Starts this toxic on one link with the given attributes (every declared key is present). */
    ToxicRuntime start(Map<String, Long> attributes, ToxicContext context);

    /** The Go struct name Toxiproxy's decode errors mention, e.g. {@code LatencyToxic}. */
    default String goStructName() {
        StringBuilder out = new StringBuilder();
        for (String part : type().split("_")) {
            if (!part.isEmpty()) {
                out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return out.append("Toxic").toString();
    }

    /**
     * Rejects attribute values that make no sense, beyond each attribute's minimum. Returns null when
     * the values are acceptable, else a message naming the attribute, the value and the fix.
     */
    default String validate(Map<String, Long> attributes) {
        return null;
    }
}
