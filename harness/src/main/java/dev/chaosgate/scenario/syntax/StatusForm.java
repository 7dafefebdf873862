package dev.chaosgate.scenario.syntax;

import dev.chaosgate.fixtures.Fixture;
import dev.chaosgate.fixtures.Fixtures;
import dev.chaosgate.fixtures.HttpHeader;
import dev.chaosgate.fixtures.yaml.YamlFields;
import dev.chaosgate.fixtures.yaml.YamlNode;
import dev.chaosgate.upstream.Faults;
import dev.chaosgate.upstream.RetryAfter;
import dev.chaosgate.upstream.UpstreamFault;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** {@code status: 502} with a fixture, Retry-After and more headers: {@link UpstreamFault.ErrorResponse}. */
final class StatusForm implements FaultForm {
    static final Key<Integer> STATUS = Key.count("status", 100, 599, "An HTTP status, e.g. 502",
            "The HTTP status of the error answer. With a `fixture`, it must be the fixture's status.");
    static final Key<String> FIXTURE = Key.of("fixture", "The body and headers to send (docs/fixtures.md); without one, an OpenAI-style JSON error.",
            Json.obj("enum", Fixtures.names()), StatusForm::fixture);
    static final Key<RetryAfter> RETRY_AFTER = Key.retryAfter("retryAfter", null);
    static final Key<Long> RETRY_AFTER_MS = Key.whole("retryAfterMs", 0, Long.MAX_VALUE, "Milliseconds, e.g. `retryAfterMs: 1500`",
            "The non-standard retry-after-ms header, in ms (the OpenAI SDKs read it before Retry-After).");
    static final Key<Boolean> SHOULD_RETRY = Key.bool("shouldRetry", "The x-should-retry header the OpenAI SDKs obey before the status: true or false.");
    static final Key<Map<String, String>> HEADERS = Key.of("headers", "More headers, sent after the fixture's own (the same name replaces it).",
            Json.obj("type", "object",
                    "propertyNames", Json.obj("pattern", "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"),
                    "additionalProperties", Json.obj("type", Json.array("string", "number", "boolean"), "pattern", "^[^\\r\\n]*$")),
            StatusForm::headers);
    static final Key<Duration> DELAY = Key.duration("delay", "Wait before the status line is sent, e.g. the gateway's own timeout.");

    private static final ObjectSyntax SYNTAX = ObjectSyntax.of("An error answer: a status with a fixture's body and headers.",
            STATUS, FIXTURE, RETRY_AFTER, RETRY_AFTER_MS, SHOULD_RETRY, HEADERS, DELAY).requiring("status");

    @Override
    public String kind() {
        return "status";
    }

    @Override
    public ObjectSyntax syntax() {
        return SYNTAX;
    }

    @Override
    public UpstreamFault read(Fields fields) {
        int status = fields.require(STATUS);
        Optional<String> fixture = fields.get(FIXTURE);
        if (fixture.isPresent()) {
            Fixture found = Fixtures.find(fixture.get()).orElseThrow();
            if (found.status() != status) {
                throw YamlFields.problem(fields.entry(STATUS).orElseThrow().value().location(), "status", "`status` is " + status
                                + " but fixture `" + fixture.get() + "` is a " + found.status() + " response",
                        "Write `status: " + found.status() + "`, or choose a fixture for " + status);
            }
        }
        UpstreamFault.ErrorResponse error = Faults.status(status);
        if (fixture.isPresent()) {
            error = error.withFixture(fixture.get());
        }
        error = fields.get(RETRY_AFTER).map(error::withRetryAfter).orElse(error);
        error = fields.get(RETRY_AFTER_MS).map(error::withRetryAfterMs).orElse(error);
        error = fields.get(SHOULD_RETRY).map(error::withShouldRetry).orElse(error);
        for (Map.Entry<String, String> header : fields.get(HEADERS).orElse(Map.of()).entrySet()) {
            error = error.withHeader(header.getKey(), header.getValue());
        }
        return fields.get(DELAY).map(error::withDelay).orElse(error);
    }

    private static String fixture(Fields fields, YamlNode.Entry entry) {
        String name = fields.yaml().requireString(entry.key());
        if (Fixtures.find(name).isEmpty()) {
            throw YamlFields.problem(entry.value().location(), "fixture", "unknown fixture `" + name + "`",
                    Values.suggestion(name, Fixtures.names()).map(c -> "Did you mean `" + c + "`? ").orElse("")
                            + "docs/fixtures.md lists them all");
        }
        return name;
    }

    private static Map<String, String> headers(Fields fields, YamlNode.Entry entry) {
        Map<String, YamlFields.Located<String>> given = fields.yaml().textMap(entry.key()).orElseThrow();
        Map<String, YamlNode.Entry> entries = fields.yaml().mapping(entry.key(), "`headers`").orElseThrow().entries();
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, YamlFields.Located<String>> header : given.entrySet()) {
            try {
                new HttpHeader(header.getKey(), header.getValue().value());
            } catch (IllegalArgumentException e) {
                throw YamlFields.problem(entries.get(header.getKey()).keyLocation(), header.getKey(), e.getMessage(),
                        "A header name is letters, digits and -, and a value is one line");
            }
            headers.put(header.getKey(), header.getValue().value());
        }
        return headers;
    }

    @Override
    public Optional<Map<String, Object>> write(UpstreamFault fault) {
        if (!(fault instanceof UpstreamFault.ErrorResponse error)) {
            return Optional.empty();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", error.status());
        if (error.fixture() != null) {
            out.put("fixture", error.fixture());
        }
        if (error.retryAfter() != null) {
            out.put("retryAfter", retryAfter(error.retryAfter()));
        }
        if (error.retryAfterMs() != null) {
            out.put("retryAfterMs", error.retryAfterMs());
        }
        if (error.shouldRetry() != null) {
            out.put("shouldRetry", error.shouldRetry());
        }
        if (!error.headers().isEmpty()) {
            out.put("headers", new LinkedHashMap<>(error.headers()));
        }
        if (error.delay().compareTo(Duration.ZERO) > 0) {
            out.put("delay", FaultForm.written(error.delay()));
        }
        return Optional.of(out);
    }

    /** A Retry-After as {@link Values#retryAfter} reads it back. */
    static Object retryAfter(RetryAfter value) {
        return switch (value.kind()) {
            case SECONDS -> value.delay().toSeconds();
            case FRACTION -> value.delay().toNanos() / 1e9;
            case HTTP_DATE -> Map.of("date", FaultForm.written(value.delay()));
            case PAST_DATE -> "past";
            case NEGATIVE -> "negative";
            case HUGE -> "huge";
            case GARBAGE -> "garbage";
        };
    }
}
