package dev.chaosgate.scenario.syntax;

import dev.chaosgate.fixtures.yaml.YamlFields;
import dev.chaosgate.fixtures.yaml.YamlNode;
import dev.chaosgate.upstream.UpstreamFault;
import dev.chaosgate.upstream.UpstreamFault.StreamFault;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code stream: cut} with where it strikes ({@code afterTextDeltas}, {@code beforeText}, {@code afterEvents}): {@link StreamFault}. */
final class StreamForm implements FaultForm {
    static final List<String> KINDS = Arrays.stream(StreamFault.Kind.values()).map(FaultForm::keyword).toList();
    /** The largest count {@code afterTextDeltas} and {@code afterEvents} take. */
    static final int MAX_COUNT = 100_000;
    static final int DEFAULT_TEXT_DELTAS = ((StreamFault.Point.AfterTextDeltas) StreamFault.DEFAULT_POINT).deltas();

    static final Key<String> STREAM = Key.choice("stream", KINDS, "How a streamed answer goes wrong where `afterTextDeltas`, `beforeText`"
            + " or `afterEvents` says (default: after 2 pieces of answer text): cut (clean end without [DONE]), reset (TCP RST), error (an"
            + " error frame), error-nested (Responses: event: error with a nested error), response-failed (Responses: response.failed),"
            + " stall (no event for `stall`, then the rest), goaway (the server ends the connection: HTTP/2 GOAWAY with the stream in"
            + " flight; HTTP/1.1 a TCP reset), goaway-graceful (the answer is whole, then the connection is retired: HTTP/2 GOAWAY"
            + " NO_ERROR, HTTP/1.1 Connection: close). Over HTTP/2 a reset is RST_STREAM on the answer's stream. Requests that do not"
            + " stream are answered normally.");
    static final Key<Integer> AFTER_TEXT_DELTAS = Key.count("afterTextDeltas", 1, MAX_COUNT,
            "Pieces of answer text before the fault, at least 1; to strike before any text write `beforeText: true`",
            "Pieces of answer text sent before the fault strikes, the same for Chat Completions (chunks with non-empty delta.content) and"
                    + " the Responses API (response.output_text.delta). A stream without text (a tool call) counts its argument pieces;"
                    + " one with fewer pieces meets the fault after its last. Default 2 when no other position is given.")
            .withDefault(DEFAULT_TEXT_DELTAS);
    static final Key<Boolean> BEFORE_TEXT = Key.of("beforeText", "Strike right before the first piece of answer text: the answer had"
            + " begun (status 200, opening events), no text yet.", Json.obj("const", true), StreamForm::beforeText);
    static final Key<Integer> AFTER_EVENTS = Key.count("afterEvents", 0, MAX_COUNT, null, "Events of any kind sent before the fault"
            + " strikes (a Responses stream sends 4 before its first text, a Chat stream 1). Prefer `afterTextDeltas`.");
    static final Key<Duration> STALL = Key.duration("stall", "For `stream: stall` (and only then): how long the stream stops.");
    static final Key<String> HTTP2_ERROR = Key.choice("http2Error", Arrays.stream(StreamFault.Http2Error.values()).map(Enum::name).toList(),
            "For `stream: reset` and `stream: goaway` (and only then): the HTTP/2 error code (RFC 9113, section 7) a client speaking"
                    + " HTTP/2 meets in RST_STREAM or GOAWAY. Default INTERNAL_ERROR for a reset, NO_ERROR for a goaway.");
    /** The keys that say where the fault strikes; at most one per fault. */
    static final List<Key<?>> POINTS = List.of(AFTER_TEXT_DELTAS, BEFORE_TEXT, AFTER_EVENTS);

    private static final ObjectSyntax SYNTAX = ObjectSyntax.of("A streamed answer that goes wrong midway.",
                    STREAM, AFTER_TEXT_DELTAS, BEFORE_TEXT, AFTER_EVENTS, STALL, HTTP2_ERROR)
            .requiring("stream")
            .rule("not", Json.obj("anyOf", Json.array(Json.required("afterTextDeltas", "beforeText"),
                    Json.required("afterTextDeltas", "afterEvents"), Json.required("beforeText", "afterEvents"))))
            .rule("if", Json.obj("properties", Json.obj("stream", Json.obj("const", "stall"))))
            .rule("then", Json.required("stall"))
            .rule("else", Json.obj("not", Json.required("stall")))
            .rule("allOf", Json.array(Json.obj("if", Json.required("http2Error"), "then", Json.obj("properties",
                    Json.obj("stream", Json.obj("enum", Json.array("reset", "goaway")))))));

    @Override
    public String kind() {
        return "stream";
    }

    @Override
    public ObjectSyntax syntax() {
        return SYNTAX;
    }

    @Override
    public UpstreamFault read(Fields fields) {
        String kind = fields.require(STREAM);
        StreamFault.Point at = point(fields);
        Optional<Duration> stall = fields.get(STALL);
        if (kind.equals("stall") && stall.isEmpty()) {
            throw YamlFields.problem(fields.entry(STREAM).orElseThrow().value().location(), "stall",
                    "a `stream: stall` needs `stall:` (how long the stream stops)", "Add for example `stall: 30s`");
        }
        if (!kind.equals("stall") && stall.isPresent()) {
            throw YamlFields.problem(fields.entry(STALL).orElseThrow().keyLocation(), "stall",
                    "`stall` only applies to `stream: stall`, but this is `stream: " + kind + "`", "Remove `stall`, or write `stream: stall`");
        }
        Optional<String> http2Error = fields.get(HTTP2_ERROR);
        if (http2Error.isPresent() && !kind.equals("reset") && !kind.equals("goaway")) {
            throw YamlFields.problem(fields.entry(HTTP2_ERROR).orElseThrow().keyLocation(), "http2Error",
                    "`http2Error` only applies to `stream: reset` and `stream: goaway`, but this is `stream: " + kind + "`",
                    "Remove `http2Error`, or write `stream: reset` (RST_STREAM) or `stream: goaway` (GOAWAY)");
        }
        return new StreamFault(FaultForm.constant(StreamFault.Kind.class, kind), at, stall.orElse(Duration.ZERO),
                http2Error.map(name -> StreamFault.Http2Error.valueOf(name)).orElse(null));
    }

    /** Where the fault strikes: one of {@link #POINTS}, or after two pieces of text when none is given. */
    private static StreamFault.Point point(Fields fields) {
        // In the file's order, so the error points at the second one written.
        List<YamlNode.Entry> given = fields.yaml().entries().values().stream()
                .filter(e -> POINTS.stream().anyMatch(k -> k.name().equals(e.key()))).toList();
        if (given.size() > 1) {
            YamlNode.Entry second = given.get(1);
            throw YamlFields.problem(second.keyLocation(), second.key(), "`" + given.get(0).key() + "` and `" + second.key()
                            + "` both say where the stream fault strikes",
                    "Keep one: `afterTextDeltas: 2` strikes after the second piece of answer text (Chat or Responses alike),"
                            + " `beforeText: true` before the first, `afterEvents` counts events of any kind");
        }
        if (fields.has(AFTER_TEXT_DELTAS)) {
            return new StreamFault.Point.AfterTextDeltas(fields.require(AFTER_TEXT_DELTAS));
        }
        if (fields.has(AFTER_EVENTS)) {
            return new StreamFault.Point.AfterEvents(fields.require(AFTER_EVENTS));
        }
        return fields.get(BEFORE_TEXT).<StreamFault.Point>map(b -> new StreamFault.Point.BeforeText()).orElse(StreamFault.DEFAULT_POINT);
    }

    private static Boolean beforeText(Fields fields, YamlNode.Entry entry) {
        if (!fields.yaml().bool(entry.key()).orElseThrow()) {
            throw YamlFields.problem(entry.value().location(), "beforeText", "`beforeText: false` says nothing",
                    "Write `beforeText: true` to strike before the first piece of answer text, or remove it"
                            + " (the fault then strikes after " + DEFAULT_TEXT_DELTAS + " pieces of text)");
        }
        return true;
    }

    @Override
    public Optional<Map<String, Object>> write(UpstreamFault fault) {
        if (!(fault instanceof StreamFault stream)) {
            return Optional.empty();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("stream", FaultForm.keyword(stream.kind()));
        if (stream.at() instanceof StreamFault.Point.AfterTextDeltas after) {
            out.put("afterTextDeltas", after.deltas());
        } else if (stream.at() instanceof StreamFault.Point.AfterEvents after) {
            out.put("afterEvents", after.events());
        } else {
            out.put("beforeText", true);
        }
        if (stream.kind() == StreamFault.Kind.STALL) {
            out.put("stall", FaultForm.written(stream.stall()));
        }
        if (stream.http2Error() != null) {
            out.put("http2Error", stream.http2Error().name());
        }
        return Optional.of(out);
    }
}
