package dev.chaosgate.scenario.syntax;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chaosgate.fixtures.yaml.YamlFields;
import dev.chaosgate.fixtures.yaml.YamlNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One mapping of the scenario format: its keys in the order a file writes them, which are required,
 * and the rules between keys a schema can state ({@code not}, {@code if}/{@code then}). Reading it
 * refuses any other key (naming the closest one); its schema is closed and documented.
 */
public final class ObjectSyntax {
    private final String description;
    private final List<Key<?>> keys;
    private final List<String> required;
    private final Map<String, JsonNode> rules;

    private ObjectSyntax(String description, List<Key<?>> keys, List<String> required, Map<String, JsonNode> rules) {
        this.description = description;
        this.keys = List.copyOf(keys);
        this.required = List.copyOf(required);
        this.rules = Collections.unmodifiableMap(new LinkedHashMap<>(rules));
    }

    /** {@code description} may be null (a mapping its key already documents). */
    public static ObjectSyntax of(String description, Key<?>... keys) {
        return new ObjectSyntax(description, Arrays.asList(keys), List.of(), Map.of());
    }

    /** The same, with {@code names} required. */
    public ObjectSyntax requiring(String... names) {
        return new ObjectSyntax(description, keys, Arrays.asList(names), rules);
    }

    /** The same, with a schema rule between its keys, e.g. {@code "not", {"required": ["a", "b"]}}. */
    public ObjectSyntax rule(String keyword, JsonNode rule) {
        Map<String, JsonNode> more = new LinkedHashMap<>(rules);
        more.put(keyword, rule);
        return new ObjectSyntax(description, keys, required, more);
    }

    public Set<String> keyNames() {
        Set<String> names = new LinkedHashSet<>();
        keys.forEach(k -> names.add(k.name()));
        return Collections.unmodifiableSet(names);
    }

    public List<Key<?>> keys() {
        return keys;
    }

    /**
     * The mapping {@code node}, with only this syntax's keys.
     *
     * @param what  names the mapping in messages ({@code phase 2}, {@code `upstream` of phase `burst`})
     * @param where names the enclosing thing for the values' messages
     */
    public Fields read(YamlNode node, String what, String where) {
        return new Fields(YamlFields.of(node, what).allowOnly(keyNames()), where);
    }

    /** Keys already checked by the caller: reads them without checking them again. */
    public Fields of(YamlFields fields, String where) {
        return new Fields(fields.allowOnly(keyNames()), where);
    }

    public ObjectNode schema() {
        ObjectNode out = Json.obj();
        if (description != null) {
            out.put("description", description);
        }
        out.put("type", "object");
        out.put("additionalProperties", false);
        if (!required.isEmpty()) {
            out.set("required", Json.node(new ArrayList<>(required)));
        }
        ObjectNode properties = Json.obj();
        keys.forEach(k -> properties.set(k.name(), k.schema()));
        out.set("properties", properties);
        rules.forEach(out::set);
        return out;
    }
}
