package dev.chaosgate.scenario.syntax;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chaosgate.fixtures.yaml.YamlNode;
import dev.chaosgate.upstream.RetryAfter;

import java.time.Duration;
import java.util.List;

/**
 * One key of the scenario format, defined once: its name, the documentation editors show, its JSON
 * Schema, and how its YAML value becomes a model value (with the errors a person can act on). The
 * loader reads through keys, and the schema in {@code scenarios/scenario.schema.json} is generated
 * from them, so the two cannot disagree.
 *
 * @param <T> the model value the key reads to
 */
public final class Key<T> {
    /** Reads the value of {@code entry}, which stands among {@code fields}. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(Fields fields, YamlNode.Entry entry);
    }

    private final String name;
    private final String description;
    private final ObjectNode schema;
    private final Reader<T> reader;

    private Key(String name, String description, ObjectNode schema, Reader<T> reader) {
        this.name = name;
        this.description = description;
        this.schema = schema;
        this.reader = reader;
    }

    /** A key of any kind: its schema fragment without the description, and its reader. */
    public static <T> Key<T> of(String name, String description, ObjectNode schema, Reader<T> reader) {
        return new Key<>(name, description, schema, reader);
    }

    /** A whole number in {@code min..max}; {@code hint} says how to fix a wrong one. */
    public static Key<Long> whole(String name, long min, long max, String hint, String description) {
        ObjectNode schema = Json.obj("type", "integer", "minimum", min);
        if (max != Long.MAX_VALUE) {
            schema.put("maximum", max);
        }
        return of(name, description, schema, (fields, entry) -> Values.whole(entry, min, max, hint));
    }

    /** A whole number in {@code min..max} that fits an int. */
    public static Key<Integer> count(String name, int min, int max, String hint, String description) {
        return of(name, description, Json.obj("type", "integer", "minimum", min, "maximum", max),
                (fields, entry) -> (int) Values.whole(entry, min, max, hint));
    }

    public static Key<Double> number(String name, double min, double max, String hint, String description) {
        return of(name, description, Json.obj("type", "number", "minimum", (int) min, "maximum", (int) max),
                (fields, entry) -> Values.number(entry, min, max, hint));
    }

    /** A duration more than 0 ({@code 250ms}, {@code 2s}). */
    public static Key<Duration> duration(String name, String description) {
        return of(name, description, Json.ref("duration"), (fields, entry) -> Values.duration(entry, fields.where(), false));
    }

    /** A duration that may be {@code 0s}. */
    public static Key<Duration> durationOrZero(String name, String description) {
        return of(name, description, Json.ref("durationOrZero"), (fields, entry) -> Values.duration(entry, fields.where(), true));
    }

    /** One of {@code choices}; a wrong one names the closest. */
    public static Key<String> choice(String name, List<String> choices, String description) {
        return of(name, description, Json.obj("enum", choices),
                (fields, entry) -> Values.choice(entry, fields.yaml().requireString(entry.key()), choices));
    }

    public static Key<Boolean> bool(String name, String description) {
        return of(name, description, Json.obj("type", "boolean"), (fields, entry) -> fields.yaml().bool(entry.key()).orElseThrow());
    }

    /** A string (a number or boolean is refused: quote it to mean text). */
    public static Key<String> text(String name, String description) {
        return of(name, description, Json.obj("type", "string"), (fields, entry) -> fields.yaml().requireString(entry.key()));
    }

    /** A {@code Retry-After} value: seconds, a fraction, a keyword or {@code {date: 30s}}. */
    public static Key<RetryAfter> retryAfter(String name, String description) {
        return of(name, description, Json.ref("retryAfter"), (fields, entry) -> Values.retryAfter(entry));
    }

    /** The same key with {@code default} in its schema (for editors; the reader's caller applies it). */
    public Key<T> withDefault(Object value) {
        ObjectNode more = schema.deepCopy();
        more.set("default", Json.node(value));
        return new Key<>(name, description, more, reader);
    }

    /** The same key with more schema keywords (a pattern, examples). */
    public Key<T> withSchema(ObjectNode extra) {
        ObjectNode more = schema.deepCopy();
        more.setAll(extra);
        return new Key<>(name, description, more, reader);
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    T read(Fields fields, YamlNode.Entry entry) {
        return reader.read(fields, entry);
    }

    /** The property's schema: the description, then the fragment. */
    public ObjectNode schema() {
        ObjectNode out = Json.obj();
        if (description != null) {
            out.put("description", description);
        }
        out.setAll(schema);
        return out;
    }
}
