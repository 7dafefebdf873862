package dev.chaosgate.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A small JSON Schema (draft 2020-12) checker for {@code scenarios/scenario.schema.json}: exactly the
 * keywords that schema uses, so the catalog and the broken files can be checked against it without a
 * schema library. An unknown keyword fails loudly rather than being skipped.
 */
final class SchemaCheck {
    /** The schema's source, relative to the harness module (the tests' working directory). */
    static final Path SCHEMA = Path.of("../scenarios/scenario.schema.json");

    private static final Set<String> ANNOTATIONS = Set.of("$schema", "$id", "title", "description", "default", "examples");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper();

    private final JsonNode root;

    private SchemaCheck(JsonNode root) {
        this.root = root;
    }

    static SchemaCheck load() {
        return new SchemaCheck(schemaJson());
    }

    static JsonNode schemaJson() {
        try {
            return JSON.readTree(Files.readString(SCHEMA));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The problems of a YAML document, one line each ({@code $.phases[0].upstream: ...}); empty when it conforms. */
    List<String> problemsOfYaml(String yaml) {
        try {
            return problems(YAML.readTree(yaml));
        } catch (IOException e) {
            return List.of("$: not YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    List<String> problems(JsonNode document) {
        List<String> out = new ArrayList<>();
        check(root, document, "$", out);
        return out;
    }

    private void check(JsonNode schema, JsonNode value, String path, List<String> out) {
        if (schema.isBoolean()) {
            if (!schema.asBoolean()) {
                out.add(path + ": not allowed");
            }
            return;
        }
        for (Map.Entry<String, JsonNode> keyword : schema.properties()) {
            JsonNode k = keyword.getValue();
            switch (keyword.getKey()) {
                case "$ref" -> check(resolve(k.asText()), value, path, out);
                case "type" -> {
                    boolean ok = false;
                    for (JsonNode t : k.isArray() ? k : JSON.createArrayNode().add(k)) {
                        ok |= hasType(value, t.asText());
                    }
                    if (!ok) {
                        out.add(path + ": must be of type " + k + ", is " + value.getNodeType());
                    }
                }
                case "enum" -> {
                    boolean found = false;
                    for (JsonNode option : k) {
                        found |= same(option, value);
                    }
                    if (!found) {
                        out.add(path + ": " + value + " is not one of " + k);
                    }
                }
                case "const" -> {
                    if (!same(k, value)) {
                        out.add(path + ": must be " + k);
                    }
                }
                case "pattern" -> {
                    if (value.isTextual() && !Pattern.compile(k.asText()).matcher(value.asText()).find()) {
                        out.add(path + ": " + value + " does not match " + k.asText());
                    }
                }
                case "minimum" -> {
                    if (value.isNumber() && value.decimalValue().compareTo(k.decimalValue()) < 0) {
                        out.add(path + ": " + value + " is below " + k);
                    }
                }
                case "maximum" -> {
                    if (value.isNumber() && value.decimalValue().compareTo(k.decimalValue()) > 0) {
                        out.add(path + ": " + value + " is above " + k);
                    }
                }
                case "minItems" -> {
                    if (value.isArray() && value.size() < k.asInt()) {
                        out.add(path + ": needs at least " + k + " items");
                    }
                }
                case "items" -> {
                    if (value.isArray()) {
                        for (int i = 0; i < value.size(); i++) {
                            check(k, value.get(i), path + "[" + i + "]", out);
                        }
                    }
                }
                case "properties" -> {
                    if (value.isObject()) {
                        k.properties().forEach(p -> {
                            if (value.has(p.getKey())) {
                                check(p.getValue(), value.get(p.getKey()), path + "." + p.getKey(), out);
                            }
                        });
                    }
                }
                case "additionalProperties" -> {
                    if (value.isObject()) {
                        JsonNode declared = schema.path("properties");
                        value.properties().forEach(p -> {
                            if (!declared.has(p.getKey())) {
                                if (k.isBoolean() && !k.asBoolean()) {
                                    out.add(path + ": unknown key " + p.getKey());
                                } else {
                                    check(k, p.getValue(), path + "." + p.getKey(), out);
                                }
                            }
                        });
                    }
                }
                case "propertyNames" -> {
                    if (value.isObject()) {
                        value.fieldNames().forEachRemaining(name -> check(k, JSON.getNodeFactory().textNode(name), path + "." + name, out));
                    }
                }
                case "required" -> {
                    if (value.isObject()) {
                        for (JsonNode name : k) {
                            if (!value.has(name.asText())) {
                                out.add(path + ": lacks " + name.asText());
                            }
                        }
                    }
                }
                case "dependentRequired" -> {
                    if (value.isObject()) {
                        k.properties().forEach(p -> {
                            if (value.has(p.getKey())) {
                                for (JsonNode name : p.getValue()) {
                                    if (!value.has(name.asText())) {
                                        out.add(path + ": " + p.getKey() + " needs " + name.asText());
                                    }
                                }
                            }
                        });
                    }
                }
                case "allOf" -> {
                    for (JsonNode each : k) {
                        check(each, value, path, out);
                    }
                }
                case "anyOf" -> {
                    boolean any = false;
                    for (JsonNode each : k) {
                        any |= conforms(each, value);
                    }
                    if (!any) {
                        out.add(path + ": matches none of anyOf");
                    }
                }
                case "oneOf" -> {
                    int matched = 0;
                    for (JsonNode each : k) {
                        matched += conforms(each, value) ? 1 : 0;
                    }
                    if (matched != 1) {
                        out.add(path + ": matches " + matched + " of oneOf, not exactly one");
                    }
                }
                case "not" -> {
                    if (conforms(k, value)) {
                        out.add(path + ": matches a `not` schema " + k);
                    }
                }
                case "if" -> {
                    JsonNode branch = conforms(k, value) ? schema.get("then") : schema.get("else");
                    if (branch != null) {
                        check(branch, value, path, out);
                    }
                }
                case "then", "else", "$defs" -> {
                    // handled by "if" / reached through "$ref"
                }
                default -> {
                    if (!ANNOTATIONS.contains(keyword.getKey())) {
                        throw new IllegalStateException("SchemaCheck does not know the keyword " + keyword.getKey()
                                + " at " + path + ": teach it, or keep the schema to the keywords it knows");
                    }
                }
            }
        }
    }

    private boolean conforms(JsonNode schema, JsonNode value) {
        List<String> problems = new ArrayList<>();
        check(schema, value, "$", problems);
        return problems.isEmpty();
    }

    JsonNode resolve(String ref) {
        if (!ref.startsWith("#/")) {
            throw new IllegalStateException("only local references are supported, got " + ref);
        }
        JsonNode node = root;
        for (String part : ref.substring(2).split("/")) {
            node = node.path(part);
        }
        if (node.isMissingNode()) {
            throw new IllegalStateException("dangling reference " + ref);
        }
        return node;
    }

    private static boolean hasType(JsonNode value, String type) {
        return switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "boolean" -> value.isBoolean();
            case "null" -> value.isNull();
            case "number" -> value.isNumber();
            case "integer" -> value.isIntegralNumber()
                    || (value.isNumber() && value.decimalValue().stripTrailingZeros().scale() <= 0);
            default -> throw new IllegalStateException("unknown type " + type);
        };
    }

    private static boolean same(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a.equals(b);
    }
}
