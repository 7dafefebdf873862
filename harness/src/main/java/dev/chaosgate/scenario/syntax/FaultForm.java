package dev.chaosgate.scenario.syntax;

import dev.chaosgate.upstream.UpstreamFault;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How one kind of upstream fault is written in a scenario file, read and written back: the key that
 * starts it ({@code status}, {@code stream}…), its keys with their documentation and schema, the
 * binding to the {@link UpstreamFault} model, and, for a fault that is one answer, the way back to
 * the file's syntax (recordings and the console store faults so). One file per kind, listed in
 * {@link FaultForms}; the loader, the schema, recordings and the console all go through it.
 */
public interface FaultForm {
    /** The key that says a mapping is this fault, e.g. {@code status}. */
    String kind();

    /** Every key the mapping may hold, the kind's own first. */
    ObjectSyntax syntax();

    /** The fault a mapping of this kind describes; its keys were checked against {@link #syntax()}. */
    UpstreamFault read(Fields fields);

    /** The fault in the scenario syntax, keys in the order a file writes them, when it is this kind's. */
    default Optional<Map<String, Object>> write(UpstreamFault fault) {
        return Optional.empty();
    }

    /** Milliseconds, with a fraction where the duration has one: the loader's {@code 1500ms}, {@code 0.25ms}. */
    static String written(Duration duration) {
        long nanos = duration.toNanos();
        if (nanos % 1_000_000 == 0) {
            return (nanos / 1_000_000) + "ms";
        }
        return new BigDecimal(nanos).movePointLeft(6).stripTrailingZeros().toPlainString() + "ms";
    }

    /** An enum constant as the file writes it: {@code EMPTY_RESPONSE} is {@code empty-response}. */
    static String keyword(Enum<?> kind) {
        return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The enum constant a file's keyword names. */
    static <E extends Enum<E>> E constant(Class<E> type, String keyword) {
        return Enum.valueOf(type, keyword.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
