package dev.chaosgate.scenario.syntax;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chaosgate.fixtures.yaml.Closest;
import dev.chaosgate.fixtures.yaml.YamlFields;
import dev.chaosgate.fixtures.yaml.YamlNode;
import dev.chaosgate.upstream.UpstreamFault;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every kind of upstream fault a scenario file can write, in the order the format lists them, and the
 * one way a fault mapping is read: its kind key picks the {@link FaultForm}, which reads the rest. A
 * new kind of fault is a new form listed here; the loader, the generated schema, recordings and the
 * console's fault injection all pick it up.
 */
public final class FaultForms {
    /** What {@code upstream:} may say instead of a fault. */
    public static final String NORMAL = "normal";

    private static final List<FaultForm> FORMS = List.of(new StatusForm(), new ConnectionForm(), new StreamForm(), new SlowForm(),
            new RateLimitForm(), new OverloadForm(), new ProbabilityForm(), new FlappingForm());

    private FaultForms() {
    }

    public static List<FaultForm> all() {
        return FORMS;
    }

    /** The key that starts each kind of fault, e.g. {@code status}, {@code stream}. */
    public static List<String> kinds() {
        return FORMS.stream().map(FaultForm::kind).toList();
    }

    /** The keys allowed beside each kind's key. */
    public static Map<String, Set<String>> keysByKind() {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        FORMS.forEach(f -> out.put(f.kind(), f.syntax().keyNames()));
        return out;
    }

    /** The schema of one fault: one of the forms'. */
    public static ObjectNode schema() {
        return Json.obj("description", "One upstream fault; its first key says which: " + String.join(", ", kinds().subList(0, FORMS.size() - 1))
                        + " or " + kinds().get(FORMS.size() - 1) + ".",
                "oneOf", FORMS.stream().map(f -> f.syntax().schema()).toList());
    }

    /** The {@code fault:} key of a fault that wraps another (probability, flapping). */
    static Key<UpstreamFault> nested(String description) {
        return Key.of("fault", description, Json.ref("fault"),
                (fields, entry) -> read(entry, "`fault` of " + fields.where(), fields.where()));
    }

    /**
     * The fault a mapping describes.
     *
     * @param what  names it in messages ({@code `upstream` of phase `burst`})
     * @param where names the enclosing phase for its values' messages
     */
    public static UpstreamFault read(YamlNode.Entry entry, String what, String where) {
        YamlNode node = entry.value();
        if (!(node instanceof YamlNode.Mapping)) {
            String hint = "Write a fault mapping, e.g. `{status: 502}`, `{connection: reset}` or `{stream: cut}`";
            if (entry.key().equals("upstream")) {
                hint = (node instanceof YamlNode.Scalar s && s.value() instanceof String text
                        ? Closest.likelyTypo(text, List.of(NORMAL)).map(c -> "Did you mean `" + c + "`? ").orElse("") : "")
                        + "Write `upstream: normal`, or a fault mapping such as `status: 502` on the next line, indented";
            }
            throw YamlFields.problem(node.location(), entry.key(), what + " must be a fault (a mapping), but it is " + Values.kind(node), hint);
        }
        YamlFields fields = YamlFields.of(node, what);
        Set<String> anyKey = new LinkedHashSet<>();
        FORMS.forEach(f -> anyKey.addAll(f.syntax().keyNames()));
        fields.allowOnly(anyKey);
        List<FaultForm> given = FORMS.stream().filter(f -> fields.has(f.kind())).toList();
        if (given.isEmpty()) {
            Set<String> errorKeys = FORMS.get(0).syntax().keyNames();
            Optional<String> errorKey = fields.entries().keySet().stream().filter(errorKeys::contains).findFirst();
            throw YamlFields.problem(fields.location(), null, what + " does not say which fault to serve",
                    errorKey.map(k -> "`" + k + "` belongs to an error answer: add its HTTP status, e.g. `status: 502`")
                            .orElse("Start it with one of: " + String.join(", ", kinds())
                                    + (entry.key().equals("upstream") ? " (or write `upstream: normal`)" : "")));
        }
        if (given.size() > 1) {
            YamlNode.Entry second = fields.entry(given.get(1).kind()).orElseThrow();
            boolean wrapper = given.stream().anyMatch(f -> f.syntax().keyNames().contains("fault"));
            throw YamlFields.problem(second.keyLocation(), second.key(), what + " sets two fault kinds, `" + given.get(0).kind()
                            + "` and `" + given.get(1).kind() + "`",
                    wrapper ? "Put the fault under `fault:`, e.g. `probability: 0.3` and `fault: {status: 502}`"
                            : "A phase serves one fault: keep one of them, or split the phase in two");
        }
        FaultForm form = given.get(0);
        return form.read(form.syntax().of(fields, where));
    }

    /**
     * A single-answer fault in the scenario syntax, as a phase's {@code upstream:} writes it; reading it
     * back gives the same fault. Recordings store the faults they served so.
     *
     * @throws IllegalArgumentException for a fault that decides over several requests: those are a phase's, never one answer's
     */
    public static Map<String, Object> write(UpstreamFault fault) {
        for (FaultForm form : FORMS) {
            Optional<Map<String, Object>> written = form.write(fault);
            if (written.isPresent()) {
                return written.get();
            }
        }
        throw new IllegalArgumentException("not a single answer: " + fault.label());
    }
}
