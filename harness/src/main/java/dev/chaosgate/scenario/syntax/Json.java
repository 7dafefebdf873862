package dev.chaosgate.scenario.syntax;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Collection;

/** Small builders for the JSON Schema fragments the syntax declares: {@code obj("type", "integer", "minimum", 1)}. */
public final class Json {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Json() {
    }

    /** An object from key, value pairs; a value is a node, a string, a number, a boolean or a collection of those. */
    public static ObjectNode obj(Object... keysAndValues) {
        ObjectNode out = NODES.objectNode();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            out.set((String) keysAndValues[i], node(keysAndValues[i + 1]));
        }
        return out;
    }

    public static ArrayNode array(Object... items) {
        ArrayNode out = NODES.arrayNode();
        for (Object item : items) {
            out.add(node(item));
        }
        return out;
    }

    /** {@code {"required": [names]}}, the form rules take. */
    public static ObjectNode required(String... names) {
        return obj("required", array((Object[]) names));
    }

    /** {@code {"$ref": "#/$defs/name"}}. */
    public static ObjectNode ref(String def) {
        return obj("$ref", "#/$defs/" + def);
    }

    static JsonNode node(Object value) {
        if (value instanceof JsonNode node) {
            return node;
        }
        if (value instanceof String text) {
            return NODES.textNode(text);
        }
        if (value instanceof Boolean bool) {
            return NODES.booleanNode(bool);
        }
        if (value instanceof Integer number) {
            return NODES.numberNode(number);
        }
        if (value instanceof Long number) {
            return NODES.numberNode(number);
        }
        if (value instanceof Double number) {
            return NODES.numberNode(number);
        }
        if (value instanceof Collection<?> items) {
            return array(items.toArray());
        }
        throw new IllegalArgumentException("not a JSON value: " + value);
    }
}
