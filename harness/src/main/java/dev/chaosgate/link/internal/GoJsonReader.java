package dev.chaosgate.link.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chaosgate.link.ApiError;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes a request object into the fields of a Go struct the way {@code encoding/json} does, so
 * the API accepts and refuses exactly what Toxiproxy does:
 * <ul>
 *   <li>members are visited in document order, so the <em>first</em> type error in the body is the
 *       one reported (Go saves the first error and carries on);</li>
 *   <li>a key matches a field exactly or case-insensitively ({@code "NAME"} sets {@code name});</li>
 *   <li>unknown keys are ignored; JSON {@code null} leaves a field as it was;</li>
 *   <li>an object-typed field may carry nested fields, decoded in the same pass.</li>
 * </ul>
 * Type errors become the API's 400 {@code bad request body: json: cannot unmarshal ...}.
 */
final class GoJsonReader {
    private GoJsonReader() {
    }

    enum Kind { STRING, BOOL, FLOAT32, INT64, INT, OBJECT }

    /**
     * One JSON field of a Go struct.
     *
     * @param name   the JSON key
     * @param goPath what Go prints in a type error: {@code <Struct>.<field path>}, e.g.
     *               {@code Proxy.name}, {@code .toxicity} for an anonymous struct
     * @param kind   the Go type's kind
     * @param goType for {@link Kind#OBJECT}: the Go type name printed in errors, e.g. {@code toxics.NoopToxic}
     * @param nested for {@link Kind#OBJECT}: fields decoded from inside the object (may be empty)
     */
    record Field(String name, String goPath, Kind kind, String goType, List<Field> nested) {
        static Field of(String name, String goPath, Kind kind) {
            return new Field(name, goPath, kind, null, List.of());
        }

        static Field object(String name, String goPath, String goType, List<Field> nested) {
            return new Field(name, goPath, Kind.OBJECT, goType, nested);
        }
    }

    /** Decoded values by field name; absent (or JSON null) fields have none. */
    static final class Values {
        private final Map<String, Object> values = new HashMap<>();

        String string(String name) {
            return (String) values.get(name);
        }

        Boolean bool(String name) {
            return (Boolean) values.get(name);
        }

        Float float32(String name) {
            return (Float) values.get(name);
        }

        Long integer(String name) {
            return (Long) values.get(name);
        }

        /** The nested values of an object field, or null when it was absent or JSON null. */
        Values object(String name) {
            return (Values) values.get(name);
        }

        /** Integer values set in this object (attributes), by field name. */
        Map<String, Long> integers() {
            Map<String, Long> out = new HashMap<>();
            values.forEach((k, v) -> {
                if (v instanceof Long l) {
                    out.put(k, l);
                }
            });
            return out;
        }
    }

    /**
     * Decodes {@code object} (an object node, or null/missing for "nothing set") into {@code fields}.
     *
     * @throws dev.chaosgate.link.LinkException 400 {@code bad request body: ...} on the first type error
     */
    static Values read(JsonNode object, List<Field> fields) {
        try {
            return decode(object, fields);
        } catch (GoJson.GoJsonException e) {
            throw ApiError.BAD_REQUEST_BODY.exception("bad request body: " + e.getMessage());
        }
    }

    static Values decode(JsonNode object, List<Field> fields) throws GoJson.GoJsonException {
        Values out = new Values();
        if (object == null || !object.isObject()) {
            return out;
        }
        for (Map.Entry<String, JsonNode> member : object.properties()) {
            Field field = match(fields, member.getKey());
            if (field == null) {
                continue;
            }
            Object value = value(field, member.getValue());
            if (value != null) {
                out.values.put(field.name(), value);
            }
        }
        return out;
    }

    /** Go's field matching: an exact name first, otherwise a case-insensitive one. */
    private static Field match(List<Field> fields, String key) {
        for (Field field : fields) {
            if (field.name().equals(key)) {
                return field;
            }
        }
        for (Field field : fields) {
            if (field.name().equalsIgnoreCase(key)) {
                return field;
            }
        }
        return null;
    }

    private static Object value(Field field, JsonNode node) throws GoJson.GoJsonException {
        return switch (field.kind()) {
            case STRING -> GoJson.readString(node, field.goPath());
            case BOOL -> GoJson.readBool(node, field.goPath());
            case FLOAT32 -> GoJson.readFloat32(node, field.goPath());
            case INT64 -> GoJson.readInt64(node, field.goPath());
            case INT -> GoJson.readInt(node, field.goPath());
            case OBJECT -> {
                if (node == null || node.isNull() || node.isMissingNode()) {
                    yield null;
                }
                if (!node.isObject()) {
                    throw new GoJson.GoJsonException("json: cannot unmarshal " + kind(node) + " into Go struct field "
                            + field.goPath() + " of type " + field.goType());
                }
                yield decode(node, field.nested());
            }
        };
    }

    /** Go's name for a JSON value's kind in an {@code UnmarshalTypeError} on a struct. */
    private static String kind(JsonNode node) {
        if (node.isTextual()) {
            return "string";
        }
        if (node.isNumber()) {
            return "number";
        }
        if (node.isBoolean()) {
            return "bool";
        }
        return node.isArray() ? "array" : "object";
    }
}
