package dev.chaosgate.scenario.syntax;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chaosgate.fixtures.FailureClass;
import dev.chaosgate.fixtures.GuidanceCatalog;
import dev.chaosgate.fixtures.yaml.YamlFields;
import dev.chaosgate.fixtures.yaml.YamlNode;
import dev.chaosgate.link.tls.TlsFault;
import dev.chaosgate.link.toxic.ToxicAttribute;
import dev.chaosgate.link.toxic.ToxicProvider;
import dev.chaosgate.link.toxic.ToxicRegistry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The scenario format, defined once: every mapping a scenario file holds, with its keys, their
 * documentation and schema. {@code ScenarioLoader} reads files through these definitions and the
 * faults' {@link FaultForms}; {@link #schema} generates {@code scenarios/scenario.schema.json} from
 * the same definitions (a test fails when the committed file is stale).
 */
public final class ScenarioSyntax {
    /** Most requests or steps a count may say; a YAML int. */
    private static final int MAX_INT = Integer.MAX_VALUE;
    public static final int MAX_ATTEMPTS = 1000;
    public static final List<String> OUTCOMES = List.of("succeeds", "gives-up");
    public static final List<String> STREAMS = List.of("upstream", "downstream");

    // ---- the crowd (read by the loader's CrowdReader, which adds the `together` keyword and its own errors) ----
    public static final int MAX_CROWD_USERS = 200;
    public static final String TOGETHER = "together";
    public static final Key<Integer> CROWD_USERS = Key.count("users", 2, MAX_CROWD_USERS,
            "A crowd is 2 or more users, e.g. `users: 20`; one user's action needs no `crowd`",
            "How many users act at once (run --users overrides it).");
    public static final Key<Duration> CROWD_ARRIVAL = Key.of("arrival", "together (all first requests at once, the default) or a"
                    + " duration the users' first requests are spread over evenly, e.g. 2s.",
            Json.obj("anyOf", Json.array(Json.obj("const", TOGETHER), Json.ref("duration"))),
            (fields, entry) -> {
                if (entry.value() instanceof YamlNode.Scalar scalar && TOGETHER.equals(scalar.value())) {
                    return Duration.ZERO;
                }
                if (entry.value() instanceof YamlNode.Scalar scalar && scalar.value() instanceof String text && !text.matches("\\d.*")) {
                    throw YamlFields.problem(entry.value().location(), "arrival", "`arrival` of `crowd` cannot be `" + text + "`",
                            "Write `arrival: together` (all at once) or a duration to spread the users over, e.g. `arrival: 2s`");
                }
                return Values.duration(entry, "`crowd`", false);
            });
    public static final Key<Duration> CROWD_ANSWER_TIME = Key.duration("answerTime",
            "How long the upstream takes to write each answer, so users overlap as with a real model; default: at once.");
    public static final Key<Double> CROWD_MAX_AMPLIFICATION = Key.number("maxAmplification", 1, 1000,
            "At least 1 (one attempt per user action), e.g. `maxAmplification: 3`",
            "The most attempts per user action the crowd may make on average; above it the crowd gets RETRY_AMPLIFICATION."
                    + " Default: the expectation's maxAttempts.");
    public static final ObjectSyntax CROWD_SYNTAX = ObjectSyntax.of("The users the scenario needs at once (overload, rate limits):"
                    + " `chaosgate run` starts that many clients against one gateway, each with its own prompt and CHAOSGATE_USER, and"
                    + " judges each user and the crowd. Absent: one user's action.",
            CROWD_USERS, CROWD_ARRIVAL, CROWD_ANSWER_TIME, CROWD_MAX_AMPLIFICATION).requiring("users");

    // ---- the scenario ----
    public static final Key<String> NAME = Key.text("name", "Lower-case words joined by dashes, equal to the file name without .yaml.")
            .withSchema(Json.obj("pattern", "^[a-z0-9]+(-[a-z0-9]+)*$", "examples", Json.array("bad-gateway-burst")));
    public static final Key<String> DESCRIPTION = Key.text("description", "One line: what the gateway does.")
            .withSchema(Json.obj("pattern", "^[^\\r\\n]*$"));
    public static final Key<String> SITUATION = Key.text("situation", "The real-world situation the scenario stands for, in a few sentences.");
    public static final Key<Long> SEED = Key.of("seed", "Seed of the scenario's fault schedule (which requests a probability fault strikes),"
                    + " kept under any run or serve --seed; without one it also seeds the other random draws (toxicity, jitter, fixture values). Default 1.",
            Json.obj("type", "integer", "default", 1),
            (fields, entry) -> Values.whole(entry, Long.MIN_VALUE, Long.MAX_VALUE, "Write a whole number, e.g. `seed: 42`"));
    /** Read by the loader (a single tag may stand alone). */
    public static final String TAGS = "tags";
    public static final String CLOCK = "clock";
    public static final String PHASES = "phases";
    public static final String EXPECT = "expect";
    public static final String CROWD = "crowd";
    public static final ObjectSyntax SCENARIO = ObjectSyntax.of("A chaosgate scenario file: a named failure story the gateway plays to a"
                    + " client (a timeline of phases) and what a good client does (expect). One scenario per file, named as the file."
                    + " Reference: docs/scenarios.md. Checked strictly by `chaosgate validate FILE`, which also checks what a schema cannot"
                    + " (unique phase names, only the last phase open-ended, a fixture's status).",
            NAME, DESCRIPTION, SITUATION, SEED,
            declared(TAGS, "Labels for selecting scenarios, e.g. [5xx, 502, cloudflare, must-not-retry].",
                    Json.obj("anyOf", Json.array(Json.ref("tag"), Json.obj("type", "array", "items", Json.ref("tag"))))),
            declared(CLOCK, "When time starts for the phases (durations, flapping cycles, rate-limit windows): client = at the client's"
                            + " first generation request (POST /v1/chat/completions or /v1/responses), so the verdict does not depend on how"
                            + " long the client takes to start; scenario = when the scenario starts playing. Default client.",
                    Json.obj("enum", Json.array("client", "scenario"), "default", "client")),
            declared(PHASES, "The timeline, played in order.", Json.obj("type", "array", "minItems", 1, "items", Json.ref("phase"))),
            declared(EXPECT, null, Json.ref("expect")),
            declared(CROWD, null, CROWD_SYNTAX.schema()))
            .requiring("name", "phases");

    // ---- a phase ----
    public static final Key<String> PHASE_NAME = Key.text("name", "The phase's name, unique in the scenario; shown in journals and reports. Default: phase-N.");
    public static final Key<Integer> REQUESTS = Key.count("requests", 1, MAX_INT,
            "A phase lasts at least 1 request; leave `requests` out of the last phase to make it last for the rest of the run",
            "The phase lasts this many generation requests (chat completions or responses) reaching the upstream; other requests, such"
                    + " as a model list, do not count. Leave out both `requests` and `duration` in the last phase to make it last for the rest of the run.");
    public static final Key<Duration> DURATION = Key.duration("duration", "The phase lasts this long (instead of a number of requests).");
    public static final String UPSTREAM = "upstream";
    public static final String LINK = "link";
    public static final Key<Integer> STEP = Key.count("step", 1, MAX_INT,
            "Steps of an action count from 1 (its first call); e.g. `step: 2` aims at the call after a tool call or a cut answer",
            "Aim the phase's upstream fault at one step of the user's action: 1 is the action's first call, 2 the call that carries a"
                    + " tool's result (or continues an answer cut at the length limit), and so on. Requests of other steps are answered"
                    + " normally and do not count toward `requests`. Leave out to aim at every generation request.");
    public static final Key<TlsFault> TLS = Key.of("tls", "What goes wrong with TLS on the connections the client opens during the"
                    + " phase (the gateway then serves HTTPS): " + java.util.Arrays.stream(TlsFault.values())
                    .map(f -> f.label() + ": " + f.description()).collect(Collectors.joining("; "))
                    + ". Requests that meet it never reach the upstream, so the phase lasts a `duration` or the rest of the run.",
            Json.obj("enum", TlsFault.labels()),
            (fields, entry) -> TlsFault.ofLabel(Values.choice(entry, fields.yaml().requireString(entry.key()), TlsFault.labels())).orElseThrow());
    public static final ObjectSyntax PHASE = ObjectSyntax.of("One stretch of the timeline: how long it lasts (`requests` or `duration`;"
                    + " only the last phase may have neither) and the upstream fault and link toxics in force.",
            PHASE_NAME, REQUESTS, DURATION,
            declared(UPSTREAM, "What the fake API does to every request of the phase: `normal` (the default) or one fault.", Json.ref("upstream")),
            declared(LINK, "Toxiproxy toxics on the TCP link between the client and the upstream while the phase lasts.",
                    Json.obj("type", "array", "items", Json.ref("linkToxic"))),
            STEP, TLS)
            .rule("not", Json.required("requests", "duration"))
            .rule("if", Json.required("tls"))
            .rule("then", Json.obj("not", Json.required("requests")));

    // ---- a link toxic ----
    public static final Key<String> TOXIC_NAME = Key.text("name", "Unique in the phase; default <type>_<stream>.");
    public static final String TOXIC_TYPE = "type";
    public static final Key<String> TOXIC_STREAM = Key.of("stream", "upstream carries what the client sends, downstream (the default) what it receives.",
            Json.obj("enum", STREAMS, "default", "downstream"), (fields, entry) -> fields.yaml().requireString(entry.key()));
    public static final Key<Double> TOXICITY = Key.number("toxicity", 0, 1,
            "The probability that the toxic applies to a connection: 0.5 means half of them",
            "Probability that the toxic applies to a connection; default 1.").withDefault(1);
    public static final String ATTRIBUTES = "attributes";

    // ---- expect ----
    public static final Key<String> OUTCOME = Key.choice("outcome", OUTCOMES, "How a user action ends for a good client: succeeds (an answer,"
            + " possibly after retries) or gives-up (it stops, keeps the prompt and shows the guidance).").withDefault("succeeds");
    public static final Key<Boolean> RETRY = Key.bool("retry", "Whether a good client retries at all. false: exactly one attempt; a second one is a fault.")
            .withDefault(true);
    public static final Key<Integer> MAX_ATTEMPTS_KEY = Key.count("maxAttempts", 1, MAX_ATTEMPTS, null,
            "The attempt budget of one user action, the first attempt included. Default 4 when retry is true, 1 when false.");
    public static final Key<Duration> MIN_BACKOFF = Key.durationOrZero("minBackoff", "The floor of the backoff rule (at least 100ms is used):"
            + " waits that never grow and all stay under it are a fixed tiny interval, and a retry sooner than it after a Retry-After the"
            + " scenario does not check is no backoff. A single jittered wait may be shorter; 0s says retrying at once is right (backoff"
            + " is not judged). Default 100ms when retry is true, 0s when false.");
    public static final Key<Boolean> HONOUR_RETRY_AFTER = Key.bool("honourRetryAfter",
            "Whether the next attempt must wait as long as Retry-After says; false where a good client must cap it.").withDefault(true);
    public static final Key<String> GUIDANCE = Key.of("guidance", "The guidance class (fixtures' guidance catalog, docs/fixtures.md) of what"
            + " the user must be shown; required when the client gives up.", Json.obj(), (fields, entry) -> fields.yaml().requireString(entry.key()));
    public static final Key<Boolean> PROMPT_SURVIVES = Key.bool("promptSurvives",
            "Whether the user's prompt must still be in the composer after a failure.").withDefault(true);
    public static final Key<Duration> USER_WAITS_AT_MOST = Key.duration("userWaitsAtMost", "The longest the user may wait, from the first"
            + " attempt, for an answer or, when the client gives up, a message. Beyond it the verdict finds USER_KEPT_WAITING. Default: no limit.");
    /** The key of an expectation that lists alternatives; it stands alone in its {@code expect}. */
    public static final String ANY_OF = "anyOf";

    // ---- values ----
    public static final Key<Duration> DATE = Key.duration("date", "How far ahead of the moment it is sent the HTTP-date lies.");
    public static final ObjectSyntax RETRY_AFTER_DATE = ObjectSyntax.of(null, DATE).requiring("date");

    private ScenarioSyntax() {
    }

    /** A key the loader reads itself (a list, a nested structure); declared here for the key set and the schema. */
    private static Key<Void> declared(String name, String description, ObjectNode schema) {
        return Key.of(name, description, schema, (fields, entry) -> {
            throw new IllegalStateException("`" + name + "` is read by the loader");
        });
    }

    /** The mapping under {@code expect}, or one alternative of its {@code anyOf}. */
    public static ObjectSyntax expect(GuidanceCatalog catalog) {
        List<String> classes = catalog.classes().stream().map(FailureClass::name).toList();
        return ObjectSyntax.of("What a good client does in this scenario; the verdict judges the client against it. Leave it out for the"
                                + " defaults: succeeds, retries, at most 4 attempts, at least 100ms apart, honours Retry-After, keeps the prompt."
                                + " When more than one behaviour is good, list them under `anyOf` (alone in `expect`): a client passes when it"
                                + " passes any of them.",
                        OUTCOME, RETRY, MAX_ATTEMPTS_KEY, MIN_BACKOFF, HONOUR_RETRY_AFTER,
                        GUIDANCE.withSchema(Json.obj("enum", classes)),
                        PROMPT_SURVIVES, USER_WAITS_AT_MOST,
                        declared(ANY_OF, "Two or more alternative expectations, each written like `expect` itself (without `anyOf`);"
                                        + " a client passes when it passes any of them, otherwise the verdict reports the closest one and"
                                        + " names every alternative tried. With `anyOf`, `expect` holds no other key.",
                                Json.obj("type", "array", "minItems", 2, "items", Json.obj("$ref", "#/$defs/expect", "not", Json.required(ANY_OF)))))
                .rule("allOf", Json.array(
                        Json.obj("if", Json.obj("properties", Json.obj("outcome", Json.obj("const", "gives-up")), "required", Json.array("outcome")),
                                "then", Json.required("guidance")),
                        Json.obj("if", Json.obj("properties", Json.obj("retry", Json.obj("const", false)), "required", Json.array("retry")),
                                "then", Json.obj("properties", Json.obj("maxAttempts", Json.obj("const", 1)))),
                        Json.obj("if", Json.required(ANY_OF), "then", Json.obj("propertyNames", Json.obj("enum", Json.array(ANY_OF))))));
    }

    /** A link toxic: the keys every toxic has; its attributes are the toxic type's own. */
    public static ObjectSyntax toxic(ToxicRegistry toxics) {
        String types = toxics.all().values().stream().map(p -> p.type() + ": " + p.summary()).collect(Collectors.joining("; "));
        ArrayNode perType = Json.array();
        toxics.all().forEach((type, provider) -> perType.add(Json.obj(
                "if", Json.obj("properties", Json.obj("type", Json.obj("const", type)), "required", Json.array("type")),
                "then", attributesOf(provider))));
        return ObjectSyntax.of("A Toxiproxy toxic on the link.",
                        TOXIC_NAME,
                        declared(TOXIC_TYPE, "The toxic, as Toxiproxy names it (docs/toxics.md): " + types,
                                Json.obj("enum", new ArrayList<>(toxics.all().keySet()))),
                        TOXIC_STREAM, TOXICITY,
                        declared(ATTRIBUTES, "The toxic's integer attributes; a missing one is 0.", Json.obj("type", "object")))
                .requiring("type")
                .rule("allOf", perType);
    }

    private static ObjectNode attributesOf(ToxicProvider provider) {
        ObjectNode properties = Json.obj();
        List<String> required = new ArrayList<>();
        for (ToxicAttribute attribute : provider.attributes()) {
            ObjectNode declared = Json.obj("description", attribute.description(), "type", "integer", "minimum", attribute.minimum());
            if (attribute.minimum() > 0) {
                required.add(attribute.name());
            } else {
                declared.put("default", 0);
            }
            properties.set(attribute.name(), declared);
        }
        ObjectNode attributes = Json.obj("type", "object", "additionalProperties", false, "properties", properties);
        if (!required.isEmpty()) {
            attributes.set("required", Json.node(required));
        }
        ObjectNode then = Json.obj("properties", Json.obj(ATTRIBUTES, attributes));
        if (!required.isEmpty()) {
            then.set("required", Json.array(ATTRIBUTES));
        }
        return then;
    }

    /** The whole JSON Schema (draft 2020-12) of a scenario file, as committed in {@code scenarios/scenario.schema.json}. */
    public static ObjectNode schema(ToxicRegistry toxics, GuidanceCatalog catalog) {
        ObjectNode out = Json.obj("$schema", "https://json-schema.org/draft/2020-12/schema",
                "$id", "https://chaosgate.dev/schemas/scenario.schema.json",
                "title", "chaosgate scenario");
        out.setAll(SCENARIO.schema());
        String durationForm = "A duration: a number and a unit, ms, s, m or h, e.g. 250ms, 2s, 1.5s, 1m.";
        String durationPattern = "^\\d+(\\.\\d+)?(ms|s|m|h)$";
        ObjectNode defs = Json.obj(
                "duration", Json.obj("description", durationForm + " More than 0.", "type", "string", "pattern", durationPattern,
                        "not", Json.obj("pattern", "^0+(\\.0+)?(ms|s|m|h)$"), "examples", Json.array("250ms", "2s", "1.5s", "1m")),
                "durationOrZero", Json.obj("description", durationForm + " May be 0s.", "type", "string", "pattern", durationPattern,
                        "examples", Json.array("0s", "100ms", "250ms", "1s")),
                "tag", Json.obj("anyOf", Json.array(Json.obj("type", "string", "pattern", "\\S"), Json.obj("type", "integer"))),
                "phase", PHASE.schema(),
                "upstream", Json.obj("anyOf", Json.array(Json.obj("description", "Normal answers.", "const", FaultForms.NORMAL), Json.ref("fault"))),
                "retryAfter", Json.obj("description", "The Retry-After header: whole seconds (a negative number sends a negative value), a"
                                + " fraction (1.5, not RFC-valid but sent in the wild), an HTTP-date `{date: 30s}` ahead, or `past` (a date 10"
                                + " minutes ago), `negative`, `huge` (999999999 s), `garbage` (unparseable).",
                        "anyOf", Json.array(Json.obj("type", "integer"), Json.obj("type", "number", "minimum", 0),
                                Json.obj("type", "string", "enum", Values.RETRY_AFTER_KEYWORDS),
                                Json.obj("type", "string", "pattern", "^\\d+(\\.\\d+)?$"),
                                RETRY_AFTER_DATE.schema()),
                        "examples", Json.array(5, 1.5, "past", "negative", "huge", "garbage")),
                "fault", FaultForms.schema(),
                "linkToxic", toxic(toxics).schema(),
                "expect", expect(catalog).schema());
        out.set("$defs", defs);
        return out;
    }
}
