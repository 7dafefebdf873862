package dev.chaosgate.scenario;

import dev.chaosgate.fixtures.YamlFileException;
import dev.chaosgate.testsupport.ParallelSafe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.fail;

/**
 * Broken scenario files and the exact error each gives: {@code file:line:column: problem. hint},
 * with the key at fault. The files are in {@code src/test/resources/scenarios/broken/}, one problem
 * each; the table also says whether the JSON Schema catches the problem as an editor would (some rules
 * span several keys or the file name, and only the loader can check them).
 */
@ParallelSafe
class InvalidScenarioFilesTest {
    static final Path BROKEN = Path.of("src/test/resources/scenarios/broken");

    /** One row of the table: the file, where the error points, the key at fault, the message after the location. */
    record Broken(String file, int line, int column, String key, String message, boolean schemaCatches) {
        @Override
        public String toString() {
            return file;
        }
    }

    private static Broken broken(String file, int line, int column, String key, String message) {
        return new Broken(file, line, column, key, message, true);
    }

    /** A problem only the loader sees. */
    private static Broken loaderOnly(String file, int line, int column, String key, String message) {
        return new Broken(file, line, column, key, message, false);
    }

    static List<Broken> table() {
        return List.of(
                broken("unknown-top-key.yaml", 2, 1, "descripton",
                        "unknown key `descripton` in the scenario. Did you mean `description`? Valid keys: clock, crowd, description, expect, name, phases, seed, situation, tags"),
                broken("clock-typo.yaml", 2, 8, "clock",
                        "`clock` cannot be `clinet`. Did you mean `client`? Write `clock: client` (time starts at the client's first generation request, the default) or `clock: scenario` (time starts when the scenario starts playing)"),
                broken("crowd-arrival-typo.yaml", 8, 12, "arrival",
                        "`arrival` of `crowd` cannot be `togther`. Write `arrival: together` (all at once) or a duration to spread the users over, e.g. `arrival: 2s`"),
                broken("crowd-one-user.yaml", 7, 10, "users",
                        "`users` must be in 2..200, got 1. A crowd is 2 or more users, e.g. `users: 20`; one user's action needs no `crowd`"),
                broken("seed-not-a-number.yaml", 2, 7, "seed",
                        "`seed` must be a whole number, but it is a string (`abc`). Write a whole number, e.g. `seed: 42`"),
                broken("missing-phases.yaml", 1, 1, "phases",
                        "the scenario lacks the required key `phases`. Add `phases:` to it"),
                broken("empty-phases.yaml", 2, 9, "phases",
                        "`phases` is empty: a scenario needs at least one phase. Add a phase, e.g. `- name: down` with `requests: 1` and `upstream: {status: 502}`"),
                broken("requests-and-duration.yaml", 5, 5, "duration",
                        "phase `burst` sets both `requests` and `duration`. A phase lasts a number of requests or a duration: keep one"),
                loaderOnly("open-ended-in-the-middle.yaml", 3, 5, null,
                        "phase `down` has no `requests` or `duration`, so the phases after it would never start. Only the last phase may be open-ended: add `requests: N` or `duration: 2s`"),
                broken("zero-requests.yaml", 4, 15, "requests",
                        "`requests` must be at least 1, got 0. A phase lasts at least 1 request; leave `requests` out of the last phase to make it last for the rest of the run"),
                broken("duration-without-unit.yaml", 4, 15, "duration",
                        "`duration` of phase `down` must be a duration with a unit, but it is a bare number (5). Write `5s` for seconds or `5ms` for milliseconds"),
                broken("duration-in-words.yaml", 4, 15, "duration",
                        "`duration` of phase `down` cannot be `5 seconds`. Did you mean `5s`? Write a duration like 250ms, 2s, 1.5s or 1m"),
                broken("unknown-fixture.yaml", 7, 16, "fixture",
                        "unknown fixture `cloudflare/502-brandd`. Did you mean `cloudflare/502-branded`? docs/fixtures.md lists them all"),
                loaderOnly("status-fixture-mismatch.yaml", 6, 15, "status",
                        "`status` is 502 but fixture `nginx/504` is a 504 response. Write `status: 504`, or choose a fixture for 502"),
                broken("unknown-toxic-type.yaml", 5, 15, "type",
                        "unknown toxic type `latancy`. Did you mean `latency`? Toxics: noop, latency, bandwidth, slow_close, timeout, reset_peer, slicer, limit_data"),
                broken("toxic-attribute-unknown.yaml", 7, 11, "avg_size",
                        "unknown key `avg_size` in `attributes` of toxic `slicer`. Did you mean `average_size`? Valid keys: average_size, delay, size_variation"),
                broken("toxic-attribute-below-minimum.yaml", 7, 25, "average_size",
                        "`average_size` of toxic `slicer` must be at least 1 (bytes), got 0. Set it to 1 or more (docs/toxics.md)"),
                broken("toxic-stream-both.yaml", 6, 17, "stream",
                        "`stream` must be upstream or downstream, got `both`. upstream carries what the client sends, downstream what it receives"),
                loaderOnly("duplicate-toxic-names.yaml", 8, 9, "name",
                        "phase `slow-link` has two link toxics named `latency_downstream` (the default name is <type>_<stream>). Give one of them its own `name:` (the other is on line 5)"),
                broken("step-zero.yaml", 5, 11, "step",
                        "`step` must be at least 1, got 0. Steps of an action count from 1 (its first call); e.g. `step: 2` aims at the call after a tool call or a cut answer"),
                broken("probability-above-one.yaml", 6, 20, "probability",
                        "`probability` must be in 0..1, got 1.5. A probability is a fraction of requests: 0.3 means 30%"),
                broken("probability-without-fault.yaml", 6, 7, "probability",
                        "`upstream` of phase `brownout` sets two fault kinds, `status` and `probability`. Put the fault under `fault:`, e.g. `probability: 0.3` and `fault: {status: 502}`"),
                broken("nested-fault-normal.yaml", 7, 14, "fault",
                        "`fault` of phase `brownout` must be a fault (a mapping), but it is a string (`normal`). Write a fault mapping, e.g. `{status: 502}`, `{connection: reset}` or `{stream: cut}`"),
                broken("two-fault-kinds.yaml", 7, 7, "connection",
                        "`upstream` of phase `down` sets two fault kinds, `status` and `connection`. A phase serves one fault: keep one of them, or split the phase in two"),
                broken("upstream-without-fault-kind.yaml", 6, 7, null,
                        "`upstream` of phase `down` does not say which fault to serve. `fixture` belongs to an error answer: add its HTTP status, e.g. `status: 502`"),
                broken("fault-key-typo.yaml", 6, 7, "stauts",
                        "unknown key `stauts` in `upstream` of phase `down`. Did you mean `status`? Valid keys: afterEvents, afterTextDeltas, beforeText, connection, delay, fault, fixture, flapping, headers, http2Error, overload, probability, rateLimit, retryAfter, retryAfterMs, shouldRetry, slow, stall, status, stream"),
                broken("upstream-typo-normal.yaml", 4, 15, "upstream",
                        "`upstream` of phase `calm` must be a fault (a mapping), but it is a string (`nomal`). Did you mean `normal`? Write `upstream: normal`, or a fault mapping such as `status: 502` on the next line, indented"),
                broken("stall-without-duration.yaml", 6, 15, "stall",
                        "a `stream: stall` needs `stall:` (how long the stream stops). Add for example `stall: 30s`"),
                broken("stall-on-a-cut.yaml", 7, 7, "stall",
                        "`stall` only applies to `stream: stall`, but this is `stream: cut`. Remove `stall`, or write `stream: stall`"),
                broken("http2-error-on-a-cut.yaml", 7, 7, "http2Error",
                        "`http2Error` only applies to `stream: reset` and `stream: goaway`, but this is `stream: cut`. Remove `http2Error`, or write `stream: reset` (RST_STREAM) or `stream: goaway` (GOAWAY)"),
                broken("http2-error-unknown.yaml", 7, 19, "http2Error",
                        "`http2Error` cannot be `CANCELLED`. Did you mean `CANCEL`? Choose one of: NO_ERROR, PROTOCOL_ERROR, INTERNAL_ERROR, FLOW_CONTROL_ERROR, SETTINGS_TIMEOUT, STREAM_CLOSED, FRAME_SIZE_ERROR, REFUSED_STREAM, CANCEL, COMPRESSION_ERROR, CONNECT_ERROR, ENHANCE_YOUR_CALM, INADEQUATE_SECURITY, HTTP_1_1_REQUIRED"),
                broken("two-stream-points.yaml", 8, 7, "afterTextDeltas",
                        "`afterEvents` and `afterTextDeltas` both say where the stream fault strikes. Keep one: `afterTextDeltas: 2` strikes after the second piece of answer text (Chat or Responses alike), `beforeText: true` before the first, `afterEvents` counts events of any kind"),
                broken("after-text-deltas-zero.yaml", 7, 24, "afterTextDeltas",
                        "`afterTextDeltas` must be in 1..100000, got 0. Pieces of answer text before the fault, at least 1; to strike before any text write `beforeText: true`"),
                broken("before-text-false.yaml", 7, 19, "beforeText",
                        "`beforeText: false` says nothing. Write `beforeText: true` to strike before the first piece of answer text, or remove it (the fault then strikes after 2 pieces of text)"),
                broken("stream-point-typo.yaml", 7, 7, "afterTextDelta",
                        "unknown key `afterTextDelta` in `upstream` of phase `cut`. Did you mean `afterTextDeltas`? Valid keys: afterEvents, afterTextDeltas, beforeText, connection, delay, fault, fixture, flapping, headers, http2Error, overload, probability, rateLimit, retryAfter, retryAfterMs, shouldRetry, slow, stall, status, stream"),
                broken("retry-after-typo.yaml", 7, 19, "retryAfter",
                        "`retryAfter` cannot be `pst`. Did you mean `past`? Write whole seconds (`retryAfter: 5`), a fraction (`1.5`), `{date: 30s}` for an HTTP-date ahead, or one of past, negative, huge, garbage"),
                broken("negative-retry-after-fraction.yaml", 7, 19, "retryAfter",
                        "`retryAfter` cannot be -1.5. For a negative value write `negative`. Write whole seconds (`retryAfter: 5`), a fraction (`1.5`), `{date: 30s}` for an HTTP-date ahead, or one of past, negative, huge, garbage"),
                broken("bad-header-name.yaml", 8, 9, "x request id",
                        "header name must be an HTTP token, got \"x request id\". A header name is letters, digits and -, and a value is one line"),
                broken("unknown-guidance.yaml", 8, 13, "guidance",
                        "unknown guidance class `bad_gatway`. Did you mean `bad_gateway`? Classes: bad_gateway, server_error, unavailable, gateway_timeout, rate_limited, quota_exhausted, request_too_large, access_denied, connection_failure, tls_certificate, stream_interrupted, invalid_request, authentication_failed"),
                broken("gives-up-without-guidance.yaml", 8, 12, "guidance",
                        "a scenario where the client gives up must say which guidance the user gets. Add `guidance: <class>` to `expect`, e.g. `guidance: access_denied`"),
                broken("no-retry-with-attempts.yaml", 10, 16, "maxAttempts",
                        "`maxAttempts` is 3 but `retry` is false. A client that must not retry has exactly 1 attempt: remove maxAttempts or set it to 1"),
                broken("anyof-beside-other-keys.yaml", 7, 3, "retry",
                        "`retry` stands beside `anyOf` in `expect`. With `anyOf`, each alternative says everything: move `retry` into every alternative that needs it"),
                broken("anyof-one-alternative.yaml", 8, 5, "anyOf",
                        "`anyOf` lists one alternative; it needs at least two. With one good behaviour, write its keys directly under `expect`"),
                broken("anyof-nested.yaml", 9, 7, "anyOf",
                        "alternative 2 of `anyOf` has an `anyOf` of its own. List every alternative in the one `anyOf`"),
                broken("user-waits-zero.yaml", 8, 20, "userWaitsAtMost",
                        "`userWaitsAtMost` of `expect` must be more than 0. Write a duration like 250ms, 2s, 1.5s or 1m"),
                broken("outcome-typo.yaml", 7, 12, "outcome",
                        "`outcome` cannot be `gives_up`. Did you mean `gives-up`? Choose one of: succeeds, gives-up"),
                broken("bad-indentation.yaml", 5, 4, null,
                        "not valid YAML: while parsing a block collection. Check indentation and quoting near this position"),
                loaderOnly("duplicate-key.yaml", 5, 5, "requests",
                        "duplicate key `requests`. It is already set on line 4; keep one of them"),
                loaderOnly("name-not-matching-file.yaml", 1, 7, "name",
                        "the scenario is named `bad-gateway-burst` but its file is name-not-matching-file.yaml. Name the file bad-gateway-burst.yaml, or the scenario name-not-matching-file"),
                broken("bad-name-pattern.yaml", 1, 7, "name",
                        "`name` must be lower-case words joined by dashes, got `Bad_Name`. Did you mean `bad-name`? Letters a-z, digits and single dashes, like bad-gateway-burst"),
                broken("bare-number-tag-list.yaml", 2, 13, "tags",
                        "a tag must be a word or a number, but it is a mapping. Write tags as a list of words, e.g. `tags: [5xx, 502, cloudflare]`"),
                broken("overload-queue-without-timeout.yaml", 7, 9, "queueTimeout",
                        "`queue` of `overload` of phase `busy` needs `queueTimeout`: how long a queued request waits for a slot before it is shed. Add for example `queueTimeout: 1s`"),
                broken("overload-timeout-without-queue.yaml", 7, 9, "queueTimeout",
                        "`queueTimeout` of `overload` of phase `busy` without a queue. Set `queue:` above 0 (how many requests may wait), or remove `queueTimeout`"),
                broken("overload-queue-negative.yaml", 7, 16, "queue",
                        "`queue` must be at least 0, got -1. How many requests may wait for a slot: 0 (the default) lets none wait"),
                broken("overload-shed-cost-without-unit.yaml", 7, 19, "shedCost",
                        "`shedCost` of phase `busy` must be a duration with a unit, but it is a bare number (50). Write `50s` for seconds or `50ms` for milliseconds"),
                loaderOnly("overload-cost-without-slots.yaml", 7, 9, "shedCost",
                        "`shedCost` of `overload` of phase `busy` needs a slot, but `maxInFlight` is 0 (every request is shed). Set `maxInFlight:` to 1 or more, or remove `shedCost`"),
                broken("description-two-lines.yaml", 2, 14, "description",
                        "`description` must be one line. Say in one line what the gateway does; put the story in `situation`"));
    }

    private final ScenarioLoader loader = ScenarioLoader.standard();

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void givesItsExactError(Broken row) {
        Path file = BROKEN.resolve(row.file());
        assertThatThrownBy(() -> loader.load(file))
                .isExactlyInstanceOf(YamlFileException.class)
                .satisfies(thrown -> {
                    YamlFileException e = (YamlFileException) thrown;
                    assertThat(e.getMessage()).isEqualTo(file + ":" + row.line() + ":" + row.column() + ": " + row.message());
                    assertThat(e.file()).isEqualTo(file.toString());
                    assertThat(e.line()).isEqualTo(row.line());
                    assertThat(e.column()).isEqualTo(row.column());
                    assertThat(e.key().orElse(null)).isEqualTo(row.key());
                    assertThat(e.problem()).isNotBlank().doesNotEndWith(".");
                    assertThat(e.hint()).as("every error says how to fix it").isPresent();
                });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void theSchemaCatchesWhatAnEditorCan(Broken row) throws IOException {
        List<String> problems = SchemaCheck.load().problemsOfYaml(Files.readString(BROKEN.resolve(row.file())));
        if (row.schemaCatches()) {
            assertThat(problems).as("schema problems of %s", row.file()).isNotEmpty();
        } else {
            assertThat(problems).as("only the loader can see the problem of %s", row.file()).isEmpty();
        }
    }

    @Test
    void theTableHasAtLeastFifteenRowsAndEveryBrokenFileIsInIt() throws IOException {
        Set<String> files;
        try (Stream<Path> list = Files.list(BROKEN)) {
            files = list.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        List<String> rows = table().stream().map(Broken::file).toList();
        assertThat(rows).hasSizeGreaterThanOrEqualTo(15).doesNotHaveDuplicates();
        assertThat(new TreeSet<>(rows)).isEqualTo(files);
    }

    @Test
    void aMissingFileIsAnErrorNamingIt() {
        Path missing = BROKEN.resolve("no-such-scenario.yaml");
        assertThatThrownBy(() -> loader.load(missing)).isExactlyInstanceOf(YamlFileException.class)
                .hasMessage(missing + ": no such file. Check the path; scenario files end in .yaml");
    }

    /**
     * Whatever a file says, the loader answers with a scenario or a {@link YamlFileException}, never
     * another exception: every line of every catalog file is deleted, or has its value replaced by an
     * odd one, in turn.
     */
    @Test
    void noOtherExceptionEscapesForAnyContent() {
        List<String> odd = List.of("", "0", "-1", "1.5", "-0.5", "abc", "[]", "{}", "null", "true", "99999999999999999999",
                "0s", "1h", "normal", "{status: 502}", "[1, 2]", "\"\"", "{date: 0s}");
        List<String> escaped = new ArrayList<>();
        int parsed = 0;
        for (String name : ScenarioCatalog.builtIn().names()) {
            List<String> lines = ScenarioCatalogTest.source(name).lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                List<String> variants = new ArrayList<>();
                variants.add(join(lines, i, null));
                int colon = lines.get(i).indexOf(": ");
                if (colon > 0) {
                    for (String value : odd) {
                        variants.add(join(lines, i, lines.get(i).substring(0, colon + 2) + value));
                    }
                }
                for (String yaml : variants) {
                    parsed++;
                    try {
                        loader.parse(yaml, name + ".yaml");
                    } catch (YamlFileException expected) {
                        assertThat(expected.getMessage()).startsWith(name + ".yaml");
                    } catch (RuntimeException e) {
                        escaped.add(e + " for:\n" + yaml);
                    }
                }
            }
        }
        if (!escaped.isEmpty()) {
            fail(escaped.size() + " of " + parsed + " variants threw something else than YamlFileException; the first:\n" + escaped.get(0));
        }
        assertThat(parsed).isGreaterThan(5_000);
    }

    // Found by ScenarioLoaderFuzzTest: text the loader misread or described in Java's words.

    private static final String PHASES = "phases:\n  - name: down\n    requests: 1\n    upstream: {status: 502}\n  - name: up\n";

    @Test
    void aliasesAreRefusedNotReadAsTheAnchorsName() {
        // Jackson hands an alias over as the anchor's name: this loaded with the description "n".
        assertRefused("name: &n x\ndescription: *n\n" + PHASES, 2, "YAML aliases are not supported (`*n`)");
        assertRefused("name: x\ndescription: *undefined\n" + PHASES, 2, "YAML aliases are not supported (`*undefined`)");
    }

    @Test
    void aSecondDocumentIsRefusedNotIgnored() {
        // The expectation after the marker was dropped without a word.
        assertRefused("name: x\n" + PHASES + "---\nexpect:\n  retry: false\n", 8, "a second YAML document starts here");
        assertThat(loader.parse("---\nname: x\n" + PHASES + "...\n---\n# nothing more\n", "x.yaml").name()).isEqualTo("x");
    }

    @Test
    void parserLimitsAndOddValuesAreToldInPlainWords() {
        String deep = assertRefused("name: x\nphases: " + "[".repeat(1_500) + "\n", 2, "nesting depth");
        assertThat(deep).doesNotContain("StreamReadConstraints");
        assertThat(assertRefused("name: !!binary aGVsbG8=\n" + PHASES, 1, "unsupported YAML value (binary data, `!!binary`)"))
                .doesNotContain("VALUE_");
        assertThat(assertRefused("? [a, b]\n: 1\n", 1, "not valid YAML")).doesNotContain("org.yaml").contains("a list");
    }

    @Test
    void numbersOutOfRangeNameTheBoundTheyCross() {
        assertRefused("name: x\nseed: 99999999999999999999\n" + PHASES, 2,
                "`seed` must be at most 9223372036854775807, got 99999999999999999999");
        assertRefused("name: x\n" + PHASES.replace("requests: 1", "requests: 3000000000"), 4,
                "`requests` must be at most 2147483647, got 3000000000");
        assertRefused("name: x\n" + PHASES.replace("{status: 502}", "{status: 99999999999999999999}"), 5,
                "`status` must be in 100..599, got 99999999999999999999");
    }

    @Test
    void durationsBeyondWhatADurationHoldsAreRefusedNotSaturated() {
        assertRefused("name: x\n" + PHASES.replace("requests: 1", "duration: 99999999999999999999999h"), 4,
                "`duration` of phase `down` is too long (`99999999999999999999999h`)");
        assertRefused("name: x\n" + PHASES.replace("{status: 502}", "{status: 429, retryAfter: 1e300}"), 5,
                "`retryAfter` is too long (`1.0E300`)");
    }

    /** The loader refuses {@code yaml} at {@code line} with a problem containing {@code problem}; returns the message. */
    private String assertRefused(String yaml, int line, String problem) {
        YamlFileException e = catchThrowableOfType(() -> loader.parse(yaml, "x.yaml"), YamlFileException.class);
        assertThat(e).as("refused: %s", yaml).isNotNull();
        assertThat(e.problem()).contains(problem);
        assertThat(e.line()).as(e.getMessage()).isEqualTo(line);
        assertThat(e.getMessage()).startsWith("x.yaml:" + line + ":").doesNotContain("Exception");
        return e.getMessage();
    }

    private static String join(List<String> lines, int index, String replacement) {
        List<String> out = new ArrayList<>(lines);
        if (replacement == null) {
            out.remove(index);
        } else {
            out.set(index, replacement);
        }
        return String.join("\n", out) + "\n";
    }
}
