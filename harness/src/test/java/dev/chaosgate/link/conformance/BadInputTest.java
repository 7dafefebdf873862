package dev.chaosgate.link.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaosgate.link.LinkServer;
import dev.chaosgate.link.conformance.TranscriptConformanceTest.RawHttp;
import dev.chaosgate.link.conformance.TranscriptConformanceTest.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad and odd input to the Toxiproxy-compatible API: Go's exact answers where Toxiproxy has one,
 * chaosgate's documented stricter answers where Toxiproxy would crash or mislead. After every
 * refused request the server must still answer {@code GET /version} and its state (the full
 * {@code GET /proxies} answer, toxics included) must be unchanged.
 */
class BadInputTest {

    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String JSON = "application/json";
    private static final String BASE_TOXIC_PATH = "/proxies/base/toxics/base_latency";

    private LinkServer server;

    @BeforeEach
    void start() throws IOException {
        server = LinkServer.builder().seed(3).start();
        // Base state every test starts from: one proxy with one toxic.
        assertThat(call("POST", "/proxies", "{\"name\":\"base\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"127.0.0.1:9\"}").status())
                .isEqualTo(201);
        assertThat(call("POST", "/proxies/base/toxics",
                "{\"name\":\"base_latency\",\"type\":\"latency\",\"attributes\":{\"latency\":100,\"jitter\":10}}").status())
                .isEqualTo(200);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    // ---- malformed JSON ----

    static Stream<Arguments> malformedJson() {
        return Stream.of(
                Arguments.of("", "EOF"),
                Arguments.of("  \r\n\t ", "EOF"),
                Arguments.of("{", "unexpected EOF"),
                Arguments.of("{\"name\":", "unexpected EOF"),
                Arguments.of("{\"name\":\"abc", "unexpected EOF"),
                Arguments.of("nul", "unexpected EOF"),
                Arguments.of("{bad json", "invalid character 'b' looking for beginning of object key string"),
                Arguments.of("{\"name\":\"a\",}", "invalid character '}' looking for beginning of object key string"),
                Arguments.of("{\"name\" \"a\"}", "invalid character '\"' after object key"),
                Arguments.of("{\"name\":\"a\" \"b\"}", "invalid character '\"' after object key:value pair"),
                Arguments.of("{\"a\":tru}", "invalid character '}' in literal true (expecting 'e')"),
                Arguments.of("{\"a\":nope}", "invalid character 'o' in literal null (expecting 'u')"),
                Arguments.of("{\"a\":\"\\x\"}", "invalid character 'x' in string escape code"),
                Arguments.of("{\"a\":\"\t\"}", "invalid character '\\t' in string literal"),
                Arguments.of("{\"a\":01}", "invalid character '1' after object key:value pair"),
                Arguments.of("{\"a\":-}", "invalid character '}' in numeric literal"),
                Arguments.of("{\"a\":1.}", "invalid character '}' after decimal point in numeric literal"),
                Arguments.of("{\"a\":1e}", "invalid character '}' in exponent of numeric literal"),
                Arguments.of("{\"a\":[1,]}", "invalid character ']' looking for beginning of value"),
                Arguments.of("'single'", "invalid character '\\'' looking for beginning of value"),
                Arguments.of("}", "invalid character '}' looking for beginning of value"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("malformedJson")
    void malformedJsonOnEveryBodyEndpoint(String body, String goError) throws IOException {
        String message = "bad request body: " + goError;
        rejectsUnchanged("POST", "/proxies", body, 400, message);
        rejectsUnchanged("POST", "/proxies/base", body, 400, message);
        rejectsUnchanged("PATCH", "/proxies/base", body, 400, message);
        rejectsUnchanged("POST", "/proxies/base/toxics", body, 400, message);
        rejectsUnchanged("POST", BASE_TOXIC_PATH, body, 400, message);
        rejectsUnchanged("PATCH", BASE_TOXIC_PATH, body, 400, message);
        String before = state();
        assertPopulateError(call("POST", "/populate", body), 400, message, "null");
        assertHealthy(before);
    }

    @Test
    void emptyBodiesAreEof() throws IOException {
        // No body and no Content-Length at all (what toxiproxy-java sends for POST /reset).
        for (String[] target : new String[][] {{"POST", "/proxies"}, {"POST", "/proxies/base"}, {"PATCH", "/proxies/base"},
                {"POST", "/proxies/base/toxics"}, {"POST", BASE_TOXIC_PATH}, {"PATCH", BASE_TOXIC_PATH}}) {
            rejectsUnchanged(target[0], target[1], null, 400, "bad request body: EOF");
        }
        String before = state();
        assertPopulateError(call("POST", "/populate", null), 400, "bad request body: EOF", "null");
        assertHealthy(before);
    }

    // ---- wrong types ----

    static Stream<Arguments> wrongAttributeTypes() {
        return Stream.of(
                Arguments.of("\"slow\"", "string"),
                Arguments.of("1.5", "number 1.5"),
                Arguments.of("1000.0", "number 1000.0"),
                Arguments.of("1e3", "number 1e3"),
                Arguments.of("9223372036854775808", "number 9223372036854775808"),
                Arguments.of("true", "bool"),
                Arguments.of("{}", "object"),
                Arguments.of("[1]", "array"));
    }

    @ParameterizedTest(name = "[{index}] latency: {0}")
    @MethodSource("wrongAttributeTypes")
    void wrongAttributeTypes(String value, String goValue) throws IOException {
        String message = "bad request body: json: cannot unmarshal " + goValue
                + " into Go struct field LatencyToxic.attributes.latency of type int64";
        rejectsUnchanged("POST", "/proxies/base/toxics",
                "{\"type\":\"latency\",\"name\":\"wrongattr\",\"attributes\":{\"latency\":" + value + "}}", 400, message);
        rejectsUnchanged("PATCH", BASE_TOXIC_PATH, "{\"attributes\":{\"latency\":" + value + "}}", 400, message);
        rejectsUnchanged("POST", BASE_TOXIC_PATH, "{\"attributes\":{\"latency\":" + value + "},\"toxicity\":0.5}", 400, message);
    }

    @Test
    void slicerAttributesAreGoInts() throws IOException {
        rejectsUnchanged("POST", "/proxies/base/toxics",
                "{\"type\":\"slicer\",\"attributes\":{\"average_size\":10,\"size_variation\":\"x\"}}", 400,
                "bad request body: json: cannot unmarshal string into Go struct field SlicerToxic.attributes.size_variation of type int");
        rejectsUnchanged("POST", "/proxies/base/toxics",
                "{\"type\":\"reset_peer\",\"attributes\":{\"timeout\":0.5}}", 400,
                "bad request body: json: cannot unmarshal number 0.5 into Go struct field ResetToxic.attributes.timeout of type int64");
    }

    @Test
    void wrongFieldTypes() throws IOException {
        rejectsUnchanged("POST", "/proxies", "{\"name\":5,\"upstream\":\"x:1\"}", 400,
                "bad request body: json: cannot unmarshal number into Go struct field Proxy.name of type string");
        rejectsUnchanged("POST", "/proxies", "{\"name\":\"n\",\"upstream\":\"x:1\",\"enabled\":\"yes\"}", 400,
                "bad request body: json: cannot unmarshal string into Go struct field Proxy.enabled of type bool");
        rejectsUnchanged("POST", "/proxies", "[]", 400,
                "bad request body: json: cannot unmarshal array into Go value of type toxiproxy.Proxy");
        rejectsUnchanged("POST", "/proxies", "\"proxy\"", 400,
                "bad request body: json: cannot unmarshal string into Go value of type toxiproxy.Proxy");
        rejectsUnchanged("PATCH", "/proxies/base", "{\"enabled\":1}", 400,
                "bad request body: json: cannot unmarshal number into Go struct field Proxy.enabled of type bool");
        rejectsUnchanged("POST", "/proxies/base/toxics", "{\"type\":5}", 400,
                "bad request body: json: cannot unmarshal number into Go struct field ToxicWrapper.type of type string");
        rejectsUnchanged("POST", "/proxies/base/toxics", "{\"type\":\"latency\",\"stream\":true}", 400,
                "bad request body: json: cannot unmarshal bool into Go struct field ToxicWrapper.stream of type string");
        rejectsUnchanged("POST", "/proxies/base/toxics", "{\"type\":\"latency\",\"toxicity\":\"high\"}", 400,
                "bad request body: json: cannot unmarshal string into Go struct field ToxicWrapper.toxicity of type float32");
        rejectsUnchanged("POST", "/proxies/base/toxics", "{\"type\":\"latency\",\"toxicity\":1e39}", 400,
                "bad request body: json: cannot unmarshal number 1e39 into Go struct field ToxicWrapper.toxicity of type float32");
        rejectsUnchanged("PATCH", BASE_TOXIC_PATH, "{\"toxicity\":\"high\"}", 400,
                "bad request body: json: cannot unmarshal string into Go struct field .toxicity of type float32");
        // attributes that are not an object fail in the first decode (into a no-op toxic), before type checks.
        rejectsUnchanged("POST", "/proxies/base/toxics", "{\"type\":\"latency\",\"attributes\":\"fast\"}", 400,
                "bad request body: json: cannot unmarshal string into Go struct field ToxicWrapper.attributes of type toxics.NoopToxic");
        rejectsUnchanged("POST", "/proxies/base/toxics", "{\"type\":\"bogus\",\"attributes\":[]}", 400,
                "bad request body: json: cannot unmarshal array into Go struct field ToxicWrapper.attributes of type toxics.NoopToxic");
        rejectsUnchanged("PATCH", BASE_TOXIC_PATH, "{\"attributes\":7}", 400,
                "bad request body: json: cannot unmarshal number into Go struct field .attributes of type toxics.LatencyToxic");
        // The first type error in document order is the one Go reports.
        rejectsUnchanged("POST", "/proxies", "{\"upstream\":1,\"name\":2}", 400,
                "bad request body: json: cannot unmarshal number into Go struct field Proxy.upstream of type string");
        rejectsUnchanged("POST", "/proxies/base/toxics", "{\"type\":\"latency\",\"attributes\":{\"jitter\":\"a\",\"latency\":\"b\"}}", 400,
                "bad request body: json: cannot unmarshal string into Go struct field LatencyToxic.attributes.jitter of type int64");
        // Populate decodes into an anonymous struct that embeds toxiproxy.Proxy.
        String before = state();
        assertPopulateError(call("POST", "/populate", "[{\"name\":5}]"), 400,
                "bad request body: json: cannot unmarshal number into Go struct field .name of type string", "null");
        assertPopulateError(call("POST", "/populate", "[{\"name\":\"p\",\"upstream\":\"x:1\",\"enabled\":\"no\"}]"), 400,
                "bad request body: json: cannot unmarshal string into Go struct field .enabled of type bool", "null");
        assertPopulateError(call("POST", "/populate", "[5]"), 400,
                "bad request body: json: cannot unmarshal number into Go value of type struct { toxiproxy.Proxy; Enabled *bool \"json:\\\"enabled\\\"\" }",
                "null");
        assertHealthy(before);
    }

    @Test
    void fieldNamesMatchCaseInsensitivelyAsInGo() throws IOException {
        Response created = call("POST", "/proxies", "{\"NAME\":\"ci\",\"Upstream\":\"x:1\",\"LISTEN\":\"127.0.0.1:0\",\"Enabled\":false}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.text()).startsWith("{\"name\":\"ci\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"x:1\",\"enabled\":false,");
        Response toxic = call("POST", "/proxies/ci/toxics", "{\"Type\":\"latency\",\"STREAM\":\"upstream\",\"Attributes\":{\"LATENCY\":7}}");
        assertThat(toxic.text()).isEqualTo(
                "{\"attributes\":{\"latency\":7,\"jitter\":0},\"name\":\"latency_upstream\",\"type\":\"latency\",\"stream\":\"upstream\",\"toxicity\":1}");
    }

    // ---- toxic type and stream ----

    @Test
    void unknownOrMissingToxicType() throws IOException {
        rejectsUnchanged("POST", "/proxies/base/toxics", "{\"type\":\"bogus\"}", 400, "invalid toxic type");
        rejectsUnchanged("POST", "/proxies/base/toxics", "{\"type\":\"Latency\"}", 400, "invalid toxic type");
        rejectsUnchanged("POST", "/proxies/base/toxics", "{\"attributes\":{\"latency\":1}}", 400, "invalid toxic type");
        rejectsUnchanged("POST", "/proxies/base/toxics", "{\"type\":\"\"}", 400, "invalid toxic type");
        rejectsUnchanged("POST", "/proxies/base/toxics", "{}", 400, "invalid toxic type");
    }

    @Test
    void badStreams() throws IOException {
        String message = "stream was invalid, can be either upstream or downstream";
        rejectsUnchanged("POST", "/proxies/base/toxics", "{\"type\":\"latency\",\"stream\":\"sideways\"}", 400, message);
        rejectsUnchanged("POST", "/proxies/base/toxics", "{\"type\":\"latency\",\"stream\":\"\"}", 400, message);
        // The stream is checked before the type.
        rejectsUnchanged("POST", "/proxies/base/toxics", "{\"type\":\"bogus\",\"stream\":\"up\"}", 400, message);
    }

    @Test
    void upperCaseStreamIsAcceptedAndEchoedVerbatim() throws IOException {
        Response r = call("POST", "/proxies/base/toxics", "{\"type\":\"latency\",\"stream\":\"UPSTREAM\"}");
        assertOk(r, 200, "{\"attributes\":{\"latency\":0,\"jitter\":0},\"name\":\"latency_UPSTREAM\",\"type\":\"latency\",\"stream\":\"UPSTREAM\",\"toxicity\":1}");
        // It is an upstream toxic: listed before the downstream one.
        assertThat(call("GET", "/proxies/base/toxics", null).text())
                .startsWith("[{\"attributes\":{\"latency\":0,\"jitter\":0},\"name\":\"latency_UPSTREAM\"");
        assertOk(call("GET", "/proxies/base/toxics/latency_UPSTREAM", null), 200, r.text());
        Response mixed = call("POST", "/proxies/base/toxics", "{\"type\":\"bandwidth\",\"stream\":\"DownStream\"}");
        assertThat(mixed.text()).contains("\"name\":\"bandwidth_DownStream\"", "\"stream\":\"DownStream\"");
    }

    // ---- tolerated input ----

    @Test
    void unknownFieldsAreIgnored() throws IOException {
        Response proxy = call("POST", "/proxies",
                "{\"name\":\"u\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"x:1\",\"bogus\":[1,{\"a\":null}],\"toxics\":[{\"type\":\"latency\"}]}");
        assertThat(proxy.status()).isEqualTo(201);
        assertThat(proxy.text()).endsWith(",\"enabled\":true,\"Logger\":{},\"toxics\":[]}"); // toxics in the body are ignored
        Response toxic = call("POST", "/proxies/u/toxics",
                "{\"type\":\"latency\",\"extra\":true,\"attributes\":{\"latency\":5,\"bogus\":\"x\",\"jitter\":1}}");
        assertOk(toxic, 200, "{\"attributes\":{\"latency\":5,\"jitter\":1},\"name\":\"latency_downstream\",\"type\":\"latency\",\"stream\":\"downstream\",\"toxicity\":1}");
        // Update ignores name, type and stream.
        Response updated = call("PATCH", "/proxies/u/toxics/latency_downstream",
                "{\"name\":\"renamed\",\"type\":\"bandwidth\",\"stream\":\"upstream\",\"attributes\":{\"jitter\":2}}");
        assertOk(updated, 200, "{\"attributes\":{\"latency\":5,\"jitter\":2},\"name\":\"latency_downstream\",\"type\":\"latency\",\"stream\":\"downstream\",\"toxicity\":1}");
        // And a proxy update ignores name.
        Response renamed = call("PATCH", "/proxies/u", "{\"name\":\"other\"}");
        assertThat(renamed.status()).isEqualTo(200);
        assertThat(renamed.text()).startsWith("{\"name\":\"u\",");
    }

    @Test
    void trailingGarbageAfterTheJsonIsIgnored() throws IOException {
        Response proxy = call("POST", "/proxies", "{\"name\":\"g\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"x:1\"} garbage {{{");
        assertThat(proxy.status()).as(proxy.toString()).isEqualTo(201);
        Response toxic = call("POST", "/proxies/g/toxics", "{\"type\":\"timeout\"}xyz");
        assertOk(toxic, 200, "{\"attributes\":{\"timeout\":0},\"name\":\"timeout_downstream\",\"type\":\"timeout\",\"stream\":\"downstream\",\"toxicity\":1}");
        Response populate = call("POST", "/populate", "[]]]");
        assertOk(populate, 201, "{\"proxies\":null}");
    }

    @Test
    void nullKeepsDefaults() throws IOException {
        Response toxic = call("POST", "/proxies/base/toxics",
                "{\"type\":\"bandwidth\",\"name\":null,\"stream\":null,\"toxicity\":null,\"attributes\":null}");
        assertOk(toxic, 200, "{\"attributes\":{\"rate\":0},\"name\":\"bandwidth_downstream\",\"type\":\"bandwidth\",\"stream\":\"downstream\",\"toxicity\":1}");
        Response attributeNull = call("POST", "/proxies/base/toxics", "{\"type\":\"limit_data\",\"attributes\":{\"bytes\":null}}");
        assertThat(attributeNull.text()).startsWith("{\"attributes\":{\"bytes\":0},");
        Response update = call("PATCH", BASE_TOXIC_PATH, "{\"toxicity\":null,\"attributes\":{\"latency\":null,\"jitter\":3}}");
        assertOk(update, 200, "{\"attributes\":{\"latency\":100,\"jitter\":3},\"name\":\"base_latency\",\"type\":\"latency\",\"stream\":\"downstream\",\"toxicity\":1}");
        Response proxy = call("POST", "/proxies", "{\"name\":\"n\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"x:1\",\"enabled\":null}");
        assertThat(proxy.text()).contains("\"enabled\":true");
        Response nullBody = call("PATCH", "/proxies/n", "null");
        assertThat(nullBody.status()).isEqualTo(200);
        assertThat(nullBody.text()).isEqualTo(proxy.text());
    }

    // ---- names ----

    @Test
    void namesWithColonsAndUnicodeArePercentEncodedInUrls() throws IOException {
        assertThat(call("POST", "/proxies", "{\"name\":\"redis:6379\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"redis:6379\"}").status())
                .isEqualTo(201);
        assertThat(call("GET", "/proxies/redis:6379", null).text()).startsWith("{\"name\":\"redis:6379\",");
        assertThat(call("GET", "/proxies/redis%3A6379", null).text()).startsWith("{\"name\":\"redis:6379\",");

        String name = "prøxy ☕ <&>";
        Response created = call("POST", "/proxies", "{\"name\":\"" + name + "\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"x:1\"}");
        assertThat(created.status()).isEqualTo(201);
        // Raw UTF-8 in the JSON, HTML-sensitive characters escaped as Go does.
        assertThat(created.text()).startsWith("{\"name\":\"prøxy ☕ \\u003c\\u0026\\u003e\",");
        String encoded = "/proxies/pr%C3%B8xy%20%E2%98%95%20%3C%26%3E";
        assertThat(call("GET", encoded, null).text()).isEqualTo(created.text());
        Response toxic = call("POST", encoded + "/toxics", "{\"name\":\"läg:1+x\",\"type\":\"latency\"}");
        assertThat(toxic.status()).isEqualTo(200);
        assertThat(call("GET", encoded + "/toxics/l%C3%A4g%3A1+x", null).text()).isEqualTo(toxic.text());
        assertThat(call("GET", encoded + "/toxics/läg:1+x", null).status()).isEqualTo(200); // raw UTF-8 in the request line
        assertThat(call("DELETE", encoded + "/toxics/l%C3%A4g:1%2Bx", null).status()).isEqualTo(204);
        assertThat(call("DELETE", encoded, null).status()).isEqualTo(204);
        assertThat(call("GET", "/proxies", null).text()).doesNotContain("prøxy");
    }

    @Test
    void namesWithSlashesCanBeCreatedButNeverAddressed() throws IOException {
        Response created = call("POST", "/proxies", "{\"name\":\"a/b\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"x:1\"}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.text()).startsWith("{\"name\":\"a/b\",");
        String before = state();
        assertNoRoute(call("GET", "/proxies/a/b", null));
        assertNoRoute(call("GET", "/proxies/a%2Fb", null));
        assertNoRoute(call("DELETE", "/proxies/a%2Fb", null));
        assertNoRoute(call("POST", "/proxies/a%2Fb/toxics/x", "{}")); // decoded: /proxies/a/b/toxics/x
        assertHealthy(before);
    }

    @Test
    void unmatchedPaths() throws IOException {
        String before = state();
        for (String path : List.of("/proxies/", "/proxies/base/", "/proxies/base/toxics/", "/proxies/base/toxics/base_latency/",
                "/proxies/base/toxic", "/", "/version/", "/populate/x", "/Proxies", "/metrics")) {
            assertNoRoute(call("GET", path, null));
        }
        assertHealthy(before);
    }

    @Test
    void nonCanonicalPathsAreRedirectedAsGorillaMuxDoes() throws IOException {
        String before = state();
        for (String[] c : new String[][] {{"GET", "//proxies", "/proxies"}, {"GET", "/proxies/./base?x=1", "/proxies/base?x=1"},
                {"DELETE", "/proxies/nope/../base", "/proxies/base"}, {"POST", "/proxies//base/toxics/", "/proxies/base/toxics/"},
                {"GET", "/proxies/caf%C3%A9/.", "/proxies/caf%C3%A9"}, {"GET", "/..", "/"}}) {
            Response r = call(c[0], c[1], null);
            assertThat(r.status()).as(c[0] + " " + c[1] + ": " + r).isEqualTo(301);
            assertThat(r.header("Location")).isEqualTo(c[2]);
            assertThat(r.header("Content-Type")).isNull();
            assertThat(r.header("X-Toxiproxy-Request-Id")).isNull();
            assertThat(r.header("Content-Length")).isEqualTo("0");
        }
        assertHealthy(before);
    }

    @Test
    void malformedPercentEscapesAre400() throws IOException {
        String before = state();
        Response r = call("GET", "/proxies/%zz", null);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.header("X-Toxiproxy-Request-Id")).isNull();
        assertHealthy(before);
    }

    @Test
    void wrongMethodsAre405WithoutBody() throws IOException {
        String before = state();
        for (String[] target : new String[][] {{"PUT", "/proxies"}, {"DELETE", "/proxies"}, {"GET", "/reset"}, {"GET", "/populate"},
                {"PUT", "/proxies/base"}, {"DELETE", "/proxies/base/toxics"}, {"PATCH", "/proxies/base/toxics"},
                {"PUT", BASE_TOXIC_PATH}, {"DELETE", "/version"}, {"OPTIONS", "/proxies"}, {"HEAD", "/version"}}) {
            Response r = call(target[0], target[1], null);
            assertThat(r.status()).as(target[0] + " " + target[1]).isEqualTo(405);
            assertThat(r.body()).isEmpty();
            assertThat(r.header("Content-Type")).isNull();
            assertThat(r.header("X-Toxiproxy-Request-Id")).isNull();
            assertThat(r.header("Content-Length")).isEqualTo("0");
        }
        assertHealthy(before);
    }

    @Test
    void browserUserAgentIsRejectedOnMatchedRoutesOnly() throws IOException {
        String before = state();
        Map<String, String> browser = Map.of("User-Agent", "Mozilla/5.0 (X11; Linux x86_64)");
        Response r = RawHttp.exchange(server.port(), "DELETE", "/proxies/base", browser, null);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.text()).isEqualTo("User agent not allowed\n");
        assertThat(r.header("X-Toxiproxy-Request-Id")).isNotNull();
        assertThat(RawHttp.exchange(server.port(), "GET", "/nope", browser, null).status()).isEqualTo(404);
        assertThat(RawHttp.exchange(server.port(), "PUT", "/proxies", browser, null).status()).isEqualTo(405);
        assertThat(RawHttp.exchange(server.port(), "GET", "/version", Map.of("User-Agent", "mozilla/5.0"), null).status())
                .isEqualTo(200); // the check is case-sensitive, as Go's strings.HasPrefix
        assertHealthy(before);
    }

    // ---- listen addresses ----

    @Test
    void bindConflictIs500WithGosMessageAndTheProxyIsNotKept() throws IOException {
        try (ServerSocket taken = takenPort()) {
            int port = taken.getLocalPort();
            rejectsUnchanged("POST", "/proxies", "{\"name\":\"clash\",\"listen\":\"127.0.0.1:" + port + "\",\"upstream\":\"x:1\"}", 500,
                    "listen tcp 127.0.0.1:" + port + ": bind: address already in use");
            rejectsUnchanged("POST", "/proxies", "{\"name\":\"clash\",\"listen\":\"localhost:" + port + "\",\"upstream\":\"x:1\"}", 500,
                    "listen tcp 127.0.0.1:" + port + ": bind: address already in use");
        }
        rejectsUnchanged("POST", "/proxies", "{\"name\":\"bad\",\"listen\":\"local373\",\"upstream\":\"x:1\"}", 500,
                "listen tcp: address local373: missing port in address");
        // A disabled proxy binds nothing, so it cannot conflict.
        Response disabled = call("POST", "/proxies", "{\"name\":\"later\",\"listen\":\"localhost:0\",\"upstream\":\"x:1\",\"enabled\":false}");
        assertOk(disabled, 201, "{\"name\":\"later\",\"listen\":\"localhost:0\",\"upstream\":\"x:1\",\"enabled\":false,\"Logger\":{},\"toxics\":[]}");
        rejectsUnchanged("POST", "/proxies", "{\"name\":\"base\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"x:1\"}", 409, "proxy already exists");
    }

    @Test
    void emptyOrHostlessListenBindsLoopback() throws IOException {
        for (String[] c : new String[][] {{"empty", ",\"listen\":\"\""}, {"missing", ""}, {"colon-zero", ",\"listen\":\":0\""},
                {"null", ",\"listen\":null"}}) {
            Response r = call("POST", "/proxies", "{\"name\":\"" + c[0] + "\",\"upstream\":\"x:1\"" + c[1] + "}");
            assertThat(r.status()).as(c[0] + ": " + r).isEqualTo(201);
            Matcher m = Pattern.compile("\"listen\":\"127\\.0\\.0\\.1:(\\d+)\"").matcher(r.text());
            assertThat(m.find()).as(c[0] + ": " + r.text()).isTrue();
            assertAccepts(Integer.parseInt(m.group(1)));
        }
        Response any = call("POST", "/proxies", "{\"name\":\"any\",\"listen\":\"0.0.0.0:0\",\"upstream\":\"x:1\"}");
        assertThat(any.text()).matches(".*\"listen\":\"\\[::]:\\d+\".*");
    }

    @Test
    void updateWithAnUnresolvableListenIs500AndChangesNothing() throws IOException {
        rejectsUnchanged("PATCH", "/proxies/base", "{\"listen\":\"nope\"}", 500, "address nope: missing port in address");
        rejectsUnchanged("POST", "/proxies/base", "{\"listen\":\"a:b:c\",\"enabled\":false}", 500,
                "address a:b:c: too many colons in address");
    }

    @Test
    void updateOntoATakenPortIs500AndLeavesTheProxyStoppedOnTheNewAddress() throws IOException {
        try (ServerSocket taken = takenPort()) {
            int port = taken.getLocalPort();
            Response r = call("PATCH", "/proxies/base", "{\"listen\":\"127.0.0.1:" + port + "\"}");
            assertError(r, 500, "listen tcp 127.0.0.1:" + port + ": bind: address already in use");
            // As in Toxiproxy: the new listen string stays stored and the proxy is disabled.
            assertThat(call("GET", "/proxies/base", null).text())
                    .startsWith("{\"name\":\"base\",\"listen\":\"127.0.0.1:" + port + "\",\"upstream\":\"127.0.0.1:9\",\"enabled\":false,");
        }
        assertThat(call("GET", "/version", null).status()).isEqualTo(200);
    }

    // ---- populate ----

    @Test
    void populatePartialFailureKeepsTheProxiesBeforeIt() throws IOException {
        int free = TranscriptConformanceTest.freePorts(1)[0];
        try (ServerSocket taken = takenPort()) {
            int port = taken.getLocalPort();
            Response r = call("POST", "/populate", "[{\"name\":\"pa\",\"listen\":\"127.0.0.1:" + free + "\",\"upstream\":\"x:1\"},"
                    + "{\"name\":\"pb\",\"listen\":\"127.0.0.1:" + port + "\",\"upstream\":\"x:1\"},"
                    + "{\"name\":\"pc\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"x:1\"}]");
            String pa = "{\"name\":\"pa\",\"listen\":\"127.0.0.1:" + free + "\",\"upstream\":\"x:1\",\"enabled\":true,\"Logger\":{},\"toxics\":[]}";
            assertPopulateError(r, 500, "listen tcp 127.0.0.1:" + port + ": bind: address already in use", "[" + pa + "]");
            assertOk(call("GET", "/proxies/pa", null), 200, pa);
            assertThat(call("GET", "/proxies/pb", null).status()).isEqualTo(404);
            assertThat(call("GET", "/proxies/pc", null).status()).isEqualTo(404);
        }
        Response missingPort = call("POST", "/populate", "[{\"name\":\"pd\",\"listen\":\"local373\",\"upstream\":\"x:1\"}]");
        assertPopulateError(missingPort, 500, "listen tcp: address local373: missing port in address", "[]");
    }

    @Test
    void populateValidatesEverythingBeforeCreatingAnything() throws IOException {
        String before = state();
        assertPopulateError(call("POST", "/populate",
                        "[{\"name\":\"a\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"x:1\"},{\"listen\":\"127.0.0.1:0\",\"upstream\":\"y:1\"}]"),
                400, "missing required field: name at proxy 2", "null");
        assertPopulateError(call("POST", "/populate", "[{\"name\":\"a\",\"upstream\":\"x:1\"},{\"name\":\"b\",\"upstream\":\"\"}]"),
                400, "missing required field: upstream at proxy 2", "null");
        assertPopulateError(call("POST", "/populate", "[{\"name\":\"a\",\"upstream\":\"x:1\"},null]"),
                400, "missing required field: name at proxy 2", "null");
        assertPopulateError(call("POST", "/populate", "{\"name\":\"p3\"}"), 400,
                "bad request body: json: cannot unmarshal object into Go value of type []struct { toxiproxy.Proxy; Enabled *bool \"json:\\\"enabled\\\"\" }",
                "null");
        assertHealthy(before);
    }

    @Test
    void populateWithNothingIs201WithNullProxies() throws IOException {
        String before = state();
        assertOk(call("POST", "/populate", "[]"), 201, "{\"proxies\":null}");
        assertOk(call("POST", "/populate", "null"), 201, "{\"proxies\":null}");
        assertHealthy(before);
    }

    @Test
    void populateKeepsAnIdenticalProxyWithItsToxics() throws IOException {
        String base = call("GET", "/proxies/base", null).text();
        Matcher m = Pattern.compile("\"listen\":\"([^\"]+)\"").matcher(base);
        assertThat(m.find()).isTrue();
        String listen = m.group(1);
        Response same = call("POST", "/populate", "[{\"name\":\"base\",\"listen\":\"" + listen.replace("127.0.0.1", "localhost")
                + "\",\"upstream\":\"127.0.0.1:9\",\"enabled\":false}]");
        assertOk(same, 201, "{\"proxies\":[" + base + "]}"); // untouched: still enabled, toxic kept
        assertOk(call("GET", "/proxies/base", null), 200, base);
        Response replaced = call("POST", "/populate", "[{\"name\":\"base\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"127.0.0.1:9\"}]");
        assertThat(replaced.status()).isEqualTo(201);
        assertThat(replaced.text()).contains("\"toxics\":[]").doesNotContain("\"listen\":\"127.0.0.1:0\"");
    }

    // ---- chaosgate's stricter answers ----

    @Test
    void valuesThatCrashOrMisleadToxiproxyAreRefused() throws IOException {
        rejectsUnchanged("POST", "/proxies/base/toxics", "{\"type\":\"slicer\"}", 400,
                "invalid attribute: slicer.average_size must be >= 1 (bytes), got 0");
        rejectsUnchanged("POST", "/proxies/base/toxics", "{\"type\":\"slicer\",\"attributes\":{\"average_size\":-5}}", 400,
                "invalid attribute: slicer.average_size must be >= 1 (bytes), got -5");
        rejectsUnchanged("POST", "/proxies/base/toxics", "{\"type\":\"bandwidth\",\"attributes\":{\"rate\":-1}}", 400,
                "invalid attribute: bandwidth.rate must be >= 0 (KB/s), got -1");
        rejectsUnchanged("POST", "/proxies/base/toxics", "{\"type\":\"latency\",\"attributes\":{\"latency\":-1}}", 400,
                "invalid attribute: latency.latency must be >= 0 (ms), got -1");
        rejectsUnchanged("POST", "/proxies/base/toxics", "{\"type\":\"timeout\",\"attributes\":{\"timeout\":-100}}", 400,
                "invalid attribute: timeout.timeout must be >= 0 (ms), got -100");
        rejectsUnchanged("POST", "/proxies/base/toxics", "{\"type\":\"limit_data\",\"attributes\":{\"bytes\":-1}}", 400,
                "invalid attribute: limit_data.bytes must be >= 0 (bytes), got -1");
        rejectsUnchanged("PATCH", BASE_TOXIC_PATH, "{\"attributes\":{\"jitter\":-1}}", 400,
                "invalid attribute: latency.jitter must be >= 0 (ms), got -1");
        rejectsUnchanged("POST", "/proxies/base/toxics", "{\"type\":\"latency\",\"toxicity\":1.5}", 400,
                "toxicity must be between 0 and 1 (a probability), got 1.5");
        rejectsUnchanged("POST", "/proxies/base/toxics", "{\"type\":\"latency\",\"toxicity\":-0.1}", 400,
                "toxicity must be between 0 and 1 (a probability), got -0.1");
        rejectsUnchanged("PATCH", BASE_TOXIC_PATH, "{\"toxicity\":7,\"attributes\":{\"latency\":1}}", 400,
                "toxicity must be between 0 and 1 (a probability), got 7");
        // The bounds themselves are fine.
        assertThat(call("POST", "/proxies/base/toxics", "{\"type\":\"slicer\",\"toxicity\":0,\"attributes\":{\"average_size\":1}}").status())
                .isEqualTo(200);
        assertThat(call("PATCH", BASE_TOXIC_PATH, "{\"toxicity\":1,\"attributes\":{\"latency\":0,\"jitter\":0}}").status())
                .isEqualTo(200);
    }

    @Test
    void oversizedBodyIs413Json() throws IOException {
        String before = state();
        byte[] big = new byte[2 << 20];
        Arrays.fill(big, (byte) ' ');
        big[0] = '[';
        big[big.length - 1] = ']';
        Response r = RawHttp.exchange(server.port(), "POST", "/populate", Map.of("Content-Type", "application/json"), big);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.header("Content-Type")).isEqualTo(TEXT);
        assertThat(r.text()).isEqualTo("{\"error\":\"request body too large: the limit is 1048576 bytes\",\"status\":413}\n");
        assertHealthy(before);
        // Announced with Expect: 100-continue, the same answer comes before the body is sent.
        Map<String, String> expect = new LinkedHashMap<>();
        expect.put("Content-Type", "application/json");
        expect.put("Content-Length", String.valueOf(big.length));
        expect.put("Expect", "100-continue");
        Response early = RawHttp.exchange(server.port(), "POST", "/proxies", expect, null);
        assertThat(early.status()).isEqualTo(413);
        assertThat(early.text()).isEqualTo("{\"error\":\"request body too large: the limit is 1048576 bytes\",\"status\":413}\n");
        assertHealthy(before);
        // Just under the limit is decoded as usual.
        byte[] fits = new byte[(1 << 20) - 2];
        Arrays.fill(fits, (byte) ' ');
        fits[0] = '[';
        fits[fits.length - 1] = ']';
        assertOk(RawHttp.exchange(server.port(), "POST", "/populate", Map.of(), fits), 201, "{\"proxies\":null}");
    }

    // ---- HTTP level ----

    @Test
    void malformedRequestLinesAre400AndTheServerKeepsServing() throws IOException {
        String before = state();
        for (String raw : List.of("GARBAGE\r\n\r\n", "GET\r\n\r\n", "GET /version HTTP/x.y\r\n\r\n",
                "GET /version HTTP/1.1\r\nBad Header Line\r\n\r\n", "\u0001\u0002\u0003 / HTTP/1.1\r\n\r\n")) {
            Response r = RawHttp.raw(server.port(), raw.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(r.status()).as(raw).isEqualTo(400);
            assertHealthy(before);
        }
    }

    // Found by ToxiproxyApiFuzzTest: requests Go's server refuses (or serves) before any handler runs.

    @Test
    void absoluteFormTargetsAreServedLikeTheirPath() throws IOException {
        String before = state();
        Response r = RawHttp.raw(server.port(), ("GET http://127.0.0.1:" + server.port() + "/proxies/base HTTP/1.1\r\nHost: x\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.text()).startsWith("{\"name\":\"base\",");
        assertHealthy(before);
    }

    @Test
    void requestsGoRefusesBeforeRoutingAre400AndClose() throws IOException {
        String before = state();
        for (String raw : List.of("GET /version HTTP/1.1\r\n\r\n", // no Host
                "GET /version HTTP/2.0\r\nHost: x\r\n\r\n", "GET /version HTTP/0.9\r\nHost: x\r\n\r\n",
                "GET /proxies/a\u0000b HTTP/1.1\r\nHost: x\r\n\r\n", "GET /proxies/a\u001bb HTTP/1.1\r\nHost: x\r\n\r\n",
                // An unknown coding hides where the body ends (RFC 9112 6.3): answered once, then closed.
                "POST /proxies HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n{\"name\":\"te\",\"upstream\":\"x:1\"}")) {
            Response r = RawHttp.raw(server.port(), raw.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(r.status()).as(raw).isEqualTo(400);
            assertThat(r.text()).as(raw).startsWith("{\"error\":\"malformed HTTP request: ").endsWith("\",\"status\":400}\n");
            assertThat(r.header("Connection")).as(raw).isEqualTo("close");
            assertHealthy(before);
        }
        // HTTP/1.0 needs no Host, and any HTTP/1.x minor version is served, as by Go.
        assertThat(RawHttp.raw(server.port(), "GET /version HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)).status()).isEqualTo(200);
        assertThat(RawHttp.raw(server.port(), "GET /version HTTP/1.2\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)).status())
                .isEqualTo(200);
    }

    @Test
    void portsAreAsciiDigitsOnly() throws IOException {
        // Java's Character.isDigit takes Arabic-Indic and full-width digits; Go's port parser does not.
        rejectsUnchanged("POST", "/proxies", "{\"name\":\"digits\",\"listen\":\"127.0.0.1:\u0663\u0663\u0663\u0663\",\"upstream\":\"x:1\"}", 500,
                "listen tcp: lookup tcp/\u0663\u0663\u0663\u0663: unknown port");
        rejectsUnchanged("PATCH", "/proxies/base", "{\"listen\":\"127.0.0.1:\uff11\uff12\"}", 500, "lookup tcp/\uff11\uff12: unknown port");
    }

    @Test
    void keepAliveConnectionsServeManyRequestsIncludingErrors() throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 2000);
            socket.setSoTimeout(5000);
            String requests = "GET /version HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /proxies HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\n{bad json"
                    + "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "PUT /proxies HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"
                    + "POST /reset HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /proxies/base/toxics HTTP/1.1\r\nHost: x\r\n\r\n";
            socket.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII)); // pipelined
            InputStream in = socket.getInputStream();
            assertThat(RawHttp.read(in).text()).isEqualTo("{\"version\": \"2.12.0\"}\n");
            assertThat(RawHttp.read(in).text()).isEqualTo(
                    "{\"error\":\"bad request body: invalid character 'b' looking for beginning of object key string\",\"status\":400}\n");
            assertThat(RawHttp.read(in).text()).isEqualTo("404 page not found\n");
            assertThat(RawHttp.read(in).status()).isEqualTo(405);
            assertThat(RawHttp.read(in).status()).isEqualTo(204);
            assertThat(RawHttp.read(in).text()).isEqualTo("[]");
        }
    }

    @Test
    void queryStringsAreIgnored() throws IOException {
        assertOk(call("GET", "/version?verbose=1", null), 200, "{\"version\": \"2.12.0\"}\n");
        assertThat(call("GET", "/proxies/base?x=y", null).text()).startsWith("{\"name\":\"base\",");
    }

    // ---- helpers ----

    private Response call(String method, String path, String body) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("User-Agent", "curl/7.88.1");
        if (body != null) {
            headers.put("Content-Type", "application/json");
        }
        return RawHttp.exchange(server.port(), method, path, headers, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a request that must be refused with {@code status}/{@code message}, then checks the server is healthy and unchanged. */
    private void rejectsUnchanged(String method, String path, String body, int status, String message) throws IOException {
        String before = state();
        Response r = call(method, path, body);
        assertError(r, status, message, method + " " + path + " " + body);
        assertHealthy(before);
    }

    private void assertError(Response r, int status, String message) {
        assertError(r, status, message, "");
    }

    private static void assertError(Response r, int status, String message, String what) {
        assertThat(r.status()).as("status of %s: %s", what, r).isEqualTo(status);
        assertThat(r.header("Content-Type")).as("Content-Type of %s", what).isEqualTo(TEXT);
        assertThat(r.header("X-Content-Type-Options")).as("nosniff on %s", what).isEqualTo("nosniff");
        assertThat(r.header("X-Toxiproxy-Request-Id")).as("request id on %s", what).isNotNull();
        assertThat(r.text()).as("body of %s", what).isEqualTo("{\"error\":" + goString(message) + ",\"status\":" + status + "}\n");
    }

    private static void assertPopulateError(Response r, int status, String message, String proxies) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.header("Content-Type")).isEqualTo(JSON);
        assertThat(r.header("X-Content-Type-Options")).isNull();
        assertThat(r.text()).isEqualTo("{\"error\":" + goString(message) + ",\"status\":" + status + ",\"proxies\":" + proxies + "}");
    }

    private static void assertOk(Response r, int status, String body) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.header("Content-Type")).isEqualTo(body.startsWith("{\"version\"") ? "application/json;charset=utf-8" : JSON);
        assertThat(r.text()).isEqualTo(body);
    }

    private static void assertNoRoute(Response r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(404);
        assertThat(r.header("Content-Type")).isEqualTo(TEXT);
        assertThat(r.header("X-Toxiproxy-Request-Id")).isNull();
        assertThat(r.text()).isEqualTo("404 page not found\n");
    }

    /** The whole observable state: every proxy with its toxics. */
    private String state() throws IOException {
        Response r = call("GET", "/proxies", null);
        assertThat(r.status()).isEqualTo(200);
        return r.text();
    }

    private void assertHealthy(String before) throws IOException {
        assertOk(call("GET", "/version", null), 200, "{\"version\": \"2.12.0\"}\n");
        assertThat(state()).as("state after a refused request").isEqualTo(before);
    }

    private static ServerSocket takenPort() throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.bind(new InetSocketAddress("127.0.0.1", 0));
        return socket;
    }

    private static void assertAccepts(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        }
    }

    /** A JSON string as Go's json.Marshal writes it (the cases these messages need). */
    private static String goString(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '<' -> out.append("\\u003c");
                case '>' -> out.append("\\u003e");
                case '&' -> out.append("\\u0026");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
