package dev.chaosgate.link.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.chaosgate.link.internal.GoJson.GoJsonException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoJsonTest {

    private static JsonNode decode(String body) throws GoJsonException {
        return GoJson.decodeFirstValue(body.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode decode(byte[] body) throws GoJsonException {
        return GoJson.decodeFirstValue(body);
    }

    private static String errorOf(String body) {
        return errorOf(body.getBytes(StandardCharsets.UTF_8));
    }

    private static String errorOf(byte[] body) {
        try {
            JsonNode node = GoJson.decodeFirstValue(body);
            throw new AssertionError("expected an error, decoded " + node);
        } catch (GoJsonException e) {
            return e.getMessage();
        }
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static byte[] concat(String before, byte[] middle, String after) {
        byte[] a = before.getBytes(StandardCharsets.UTF_8);
        byte[] c = after.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[a.length + middle.length + c.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(middle, 0, out, a.length, middle.length);
        System.arraycopy(c, 0, out, a.length + middle.length, c.length);
        return out;
    }

    @Nested
    class EndOfInput {

        @Test
        void emptyBodyIsEof() {
            assertThat(errorOf("")).isEqualTo("EOF");
            assertThat(errorOf((byte[]) null)).isEqualTo("EOF");
        }

        @ParameterizedTest
        @ValueSource(strings = {" ", "\n", "\t\r\n  ", "\r\n\r\n"})
        void whitespaceOnlyBodyIsEof(String body) {
            assertThat(errorOf(body)).isEqualTo("EOF");
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "{\"type\":", "{", "[", "  {", "{\"a\"", "{\"a\":1", "{\"a\":1,", "[1,2", "[1,", "\"abc",
            "\"abc\\", "\"\\u12", "t", "tru", "fals", "nul", "-", "1.", "1e", "1e+", "{\"a\":[1,{\"b\":", "{\"type\": "
        })
        void truncatedValueIsUnexpectedEof(String body) {
            assertThat(errorOf(body)).isEqualTo("unexpected EOF");
        }

        @Test
        void syntaxErrorBeforeEndWinsOverEof() {
            assertThat(errorOf("{\"a\":x")).isEqualTo("invalid character 'x' looking for beginning of value");
        }
    }

    @Nested
    class SyntaxErrors {

        @Test
        void badObjectKey() {
            assertThat(errorOf("{bad json")).isEqualTo("invalid character 'b' looking for beginning of object key string");
            assertThat(errorOf("{\"a\":1,}")).isEqualTo("invalid character '}' looking for beginning of object key string");
            assertThat(errorOf("{'a':1}")).isEqualTo("invalid character '\\'' looking for beginning of object key string");
            assertThat(errorOf("{,")).isEqualTo("invalid character ',' looking for beginning of object key string");
            assertThat(errorOf("{\"a\":1, 2}")).isEqualTo("invalid character '2' looking for beginning of object key string");
        }

        @Test
        void badValueStart() {
            assertThat(errorOf("x")).isEqualTo("invalid character 'x' looking for beginning of value");
            assertThat(errorOf("  }")).isEqualTo("invalid character '}' looking for beginning of value");
            assertThat(errorOf("{\"a\":x}")).isEqualTo("invalid character 'x' looking for beginning of value");
            assertThat(errorOf("[1,]")).isEqualTo("invalid character ']' looking for beginning of value");
            assertThat(errorOf("[,")).isEqualTo("invalid character ',' looking for beginning of value");
            assertThat(errorOf("{\"a\":+1}")).isEqualTo("invalid character '+' looking for beginning of value");
            assertThat(errorOf("{\"a\":.5}")).isEqualTo("invalid character '.' looking for beginning of value");
            assertThat(errorOf("'a'")).isEqualTo("invalid character '\\'' looking for beginning of value");
            assertThat(errorOf("[\\]")).isEqualTo("invalid character '\\\\' looking for beginning of value");
            assertThat(errorOf("True")).isEqualTo("invalid character 'T' looking for beginning of value");
        }

        @Test
        void afterObjectKey() {
            assertThat(errorOf("{\"a\" 1}")).isEqualTo("invalid character '1' after object key");
            assertThat(errorOf("{\"a\"=1}")).isEqualTo("invalid character '=' after object key");
            assertThat(errorOf("{\"a\",")).isEqualTo("invalid character ',' after object key");
        }

        @Test
        void afterObjectKeyValuePair() {
            assertThat(errorOf("{\"a\":1 \"b\":2}")).isEqualTo("invalid character '\"' after object key:value pair");
            assertThat(errorOf("{\"a\":1]")).isEqualTo("invalid character ']' after object key:value pair");
            assertThat(errorOf("{\"a\":truex}")).isEqualTo("invalid character 'x' after object key:value pair");
            assertThat(errorOf("{\"a\":01}")).isEqualTo("invalid character '1' after object key:value pair");
            assertThat(errorOf("{\"a\":1;")).isEqualTo("invalid character ';' after object key:value pair");
        }

        @Test
        void afterArrayElement() {
            assertThat(errorOf("[1 2]")).isEqualTo("invalid character '2' after array element");
            assertThat(errorOf("[1}")).isEqualTo("invalid character '}' after array element");
            assertThat(errorOf("[01]")).isEqualTo("invalid character '1' after array element");
            assertThat(errorOf("[\"a\" \"b\"]")).isEqualTo("invalid character '\"' after array element");
        }

        @Test
        void controlCharactersInStrings() {
            assertThat(errorOf("\"a\nb\"")).isEqualTo("invalid character '\\n' in string literal");
            assertThat(errorOf("\"a\tb\"")).isEqualTo("invalid character '\\t' in string literal");
            assertThat(errorOf("\"a\rb\"")).isEqualTo("invalid character '\\r' in string literal");
            assertThat(errorOf(concat("{\"a\":\"", bytes(0x01), "\"}"))).isEqualTo("invalid character '\\x01' in string literal");
            assertThat(errorOf(concat("\"", bytes(0x00), "\""))).isEqualTo("invalid character '\\x00' in string literal");
            assertThat(errorOf(concat("\"", bytes(0x1f), "\""))).isEqualTo("invalid character '\\x1f' in string literal");
            assertThat(errorOf(concat("\"", bytes(0x07), "\""))).isEqualTo("invalid character '\\a' in string literal");
            assertThat(errorOf(concat("\"", bytes(0x08), "\""))).isEqualTo("invalid character '\\b' in string literal");
            assertThat(errorOf(concat("\"", bytes(0x0b), "\""))).isEqualTo("invalid character '\\v' in string literal");
            assertThat(errorOf(concat("\"", bytes(0x0c), "\""))).isEqualTo("invalid character '\\f' in string literal");
        }

        @Test
        void badEscapes() {
            assertThat(errorOf("\"\\x\"")).isEqualTo("invalid character 'x' in string escape code");
            assertThat(errorOf("\"\\'\"")).isEqualTo("invalid character '\\'' in string escape code");
            assertThat(errorOf("\"\\U0041\"")).isEqualTo("invalid character 'U' in string escape code");
            assertThat(errorOf("\"\\u12g4\"")).isEqualTo("invalid character 'g' in \\u hexadecimal character escape");
            assertThat(errorOf("\"\\u\"")).isEqualTo("invalid character '\"' in \\u hexadecimal character escape");
            assertThat(errorOf("\"\\u004\"")).isEqualTo("invalid character '\"' in \\u hexadecimal character escape");
        }

        @Test
        void badLiterals() {
            assertThat(errorOf("tx")).isEqualTo("invalid character 'x' in literal true (expecting 'r')");
            assertThat(errorOf("trx")).isEqualTo("invalid character 'x' in literal true (expecting 'u')");
            assertThat(errorOf("{\"a\":trux}")).isEqualTo("invalid character 'x' in literal true (expecting 'e')");
            assertThat(errorOf("tr ue")).isEqualTo("invalid character ' ' in literal true (expecting 'u')");
            assertThat(errorOf("fx")).isEqualTo("invalid character 'x' in literal false (expecting 'a')");
            assertThat(errorOf("fax")).isEqualTo("invalid character 'x' in literal false (expecting 'l')");
            assertThat(errorOf("falx")).isEqualTo("invalid character 'x' in literal false (expecting 's')");
            assertThat(errorOf("fals0")).isEqualTo("invalid character '0' in literal false (expecting 'e')");
            assertThat(errorOf("nil")).isEqualTo("invalid character 'i' in literal null (expecting 'u')");
            assertThat(errorOf("nux")).isEqualTo("invalid character 'x' in literal null (expecting 'l')");
            assertThat(errorOf("[nulL]")).isEqualTo("invalid character 'L' in literal null (expecting 'l')");
        }

        @Test
        void badNumbers() {
            assertThat(errorOf("-x")).isEqualTo("invalid character 'x' in numeric literal");
            assertThat(errorOf("[-]")).isEqualTo("invalid character ']' in numeric literal");
            assertThat(errorOf("- 1")).isEqualTo("invalid character ' ' in numeric literal");
            assertThat(errorOf("1.x")).isEqualTo("invalid character 'x' after decimal point in numeric literal");
            assertThat(errorOf("[1.]")).isEqualTo("invalid character ']' after decimal point in numeric literal");
            assertThat(errorOf("1ex")).isEqualTo("invalid character 'x' in exponent of numeric literal");
            assertThat(errorOf("1e+x")).isEqualTo("invalid character 'x' in exponent of numeric literal");
            assertThat(errorOf("[1E]")).isEqualTo("invalid character ']' in exponent of numeric literal");
        }

        @Test
        void nonAsciiAndSpecialBytesAreQuotedLikeGo() {
            // Go's quoteChar takes the byte as rune U+00XX: é (C3 A9) reports its first byte as 'Ã'.
            assertThat(errorOf("{\"a\":é}")).isEqualTo("invalid character 'Ã' looking for beginning of value");
            assertThat(errorOf("{é")).isEqualTo("invalid character 'Ã' looking for beginning of object key string");
            // A UTF-8 byte order mark: EF BB BF.
            assertThat(errorOf(concat("", bytes(0xEF, 0xBB, 0xBF), "{}"))).isEqualTo("invalid character 'ï' looking for beginning of value");
            assertThat(errorOf(bytes(0x80))).isEqualTo("invalid character '\\u0080' looking for beginning of value");
            assertThat(errorOf(bytes(0x9f))).isEqualTo("invalid character '\\u009f' looking for beginning of value");
            assertThat(errorOf(bytes(0xA0))).isEqualTo("invalid character '\\u00a0' looking for beginning of value");
            assertThat(errorOf(bytes(0xAD))).isEqualTo("invalid character '\\u00ad' looking for beginning of value");
            assertThat(errorOf(bytes(0xFF))).isEqualTo("invalid character 'ÿ' looking for beginning of value");
            assertThat(errorOf(bytes(0x7f))).isEqualTo("invalid character '\\x7f' looking for beginning of value");
            assertThat(errorOf(bytes(0x00))).isEqualTo("invalid character '\\x00' looking for beginning of value");
            assertThat(errorOf(bytes(0x0c))).isEqualTo("invalid character '\\f' looking for beginning of value");
        }

        @Test
        void quoteCharMatchesGo() {
            assertThat(GoJson.quoteChar('x')).isEqualTo("'x'");
            assertThat(GoJson.quoteChar('\'')).isEqualTo("'\\''");
            assertThat(GoJson.quoteChar('"')).isEqualTo("'\"'");
            assertThat(GoJson.quoteChar('\\')).isEqualTo("'\\\\'");
            assertThat(GoJson.quoteChar(' ')).isEqualTo("' '");
            assertThat(GoJson.quoteChar('\n')).isEqualTo("'\\n'");
            assertThat(GoJson.quoteChar('\t')).isEqualTo("'\\t'");
            assertThat(GoJson.quoteChar(0)).isEqualTo("'\\x00'");
            assertThat(GoJson.quoteChar(0x1b)).isEqualTo("'\\x1b'");
            assertThat(GoJson.quoteChar('~')).isEqualTo("'~'");
            assertThat(GoJson.quoteChar(0xE9)).isEqualTo("'é'");
        }

        @Test
        void nestingDepthLimit() throws GoJsonException {
            String ok = "[".repeat(10000) + "]".repeat(10000);
            JsonNode node = decode(ok);
            int depth = 0;
            while (node.isArray() && node.size() > 0) {
                node = node.get(0);
                depth++;
            }
            assertThat(depth).isEqualTo(9999);
            assertThat(errorOf("[".repeat(10001))).isEqualTo("invalid character '[' exceeded max depth");
            assertThat(errorOf("{\"a\":".repeat(10000) + "{")).isEqualTo("invalid character '{' exceeded max depth");
        }
    }

    @Nested
    class Decoding {

        @Test
        void trailingGarbageIsIgnored() throws GoJsonException {
            assertThat(decode("{\"a\":1} xyz").get("a").intValue()).isEqualTo(1);
            assertThat(decode("{\"a\":1}xyz").get("a").intValue()).isEqualTo(1);
            assertThat(decode("{\"a\":1}}}}").size()).isEqualTo(1);
            assertThat(decode("[1,2]{").size()).isEqualTo(2);
            assertThat(decode("{} {bad json").isObject()).isTrue();
            assertThat(decode("{\"a\":1}\n{\"a\":2}").get("a").intValue()).isEqualTo(1);
        }

        @Test
        void topLevelScalarsEndAtTheFirstByteThatCannotContinueThem() throws GoJsonException {
            assertThat(decode("123abc").intValue()).isEqualTo(123);
            assertThat(decode("01").intValue()).isEqualTo(0);
            assertThat(decode("1.5.5").asText()).isEqualTo("1.5");
            assertThat(decode("truex").booleanValue()).isTrue();
            assertThat(decode("false,").booleanValue()).isFalse();
            assertThat(decode("nullnull").isNull()).isTrue();
            assertThat(decode("\"x\"y").textValue()).isEqualTo("x");
            assertThat(decode("-0 ").asText()).isEqualTo("0");
            assertThat(decode("7").intValue()).isEqualTo(7);
            assertThat(decode("null")).isEqualTo(NullNode.getInstance());
        }

        @Test
        void whitespaceAroundAndInside() throws GoJsonException {
            JsonNode node = decode(" \t\r\n{ \"a\" :\t[ 1 ,\n2 ] , \"b\"\r\n:\"c\" } \n");
            assertThat(node.get("a").size()).isEqualTo(2);
            assertThat(node.get("a").get(1).intValue()).isEqualTo(2);
            assertThat(node.get("b").textValue()).isEqualTo("c");
            assertThat(decode("  [ ]  ").isArray()).isTrue();
            assertThat(decode("{ }").isObject()).isTrue();
        }

        @Test
        void nestedStructures() throws GoJsonException {
            JsonNode node = decode("{\"name\":\"p\",\"toxics\":[{\"type\":\"latency\",\"attributes\":{\"latency\":100,"
                    + "\"jitter\":0},\"toxicity\":0.5},{},[],[[[]]],{\"x\":{\"y\":{\"z\":null}}}],\"enabled\":true}");
            assertThat(node.get("name").textValue()).isEqualTo("p");
            assertThat(node.get("enabled").booleanValue()).isTrue();
            JsonNode toxics = node.get("toxics");
            assertThat(toxics.size()).isEqualTo(5);
            assertThat(toxics.get(0).get("attributes").get("latency").longValue()).isEqualTo(100);
            assertThat(toxics.get(0).get("toxicity").decimalValue()).isEqualByComparingTo("0.5");
            assertThat(toxics.get(1).isObject()).isTrue();
            assertThat(toxics.get(1).size()).isZero();
            assertThat(toxics.get(2).isArray()).isTrue();
            assertThat(toxics.get(3).get(0).get(0).size()).isZero();
            assertThat(toxics.get(4).get("x").get("y").get("z").isNull()).isTrue();
        }

        @Test
        void unknownFieldsAreKeptInTheTree() throws GoJsonException {
            JsonNode node = decode("{\"name\":\"p\",\"extra\":{\"deep\":[1,2,3]}}");
            assertThat(node.get("extra").get("deep").size()).isEqualTo(3);
        }

        @Test
        void duplicateKeysLastWinsAndMovesToItsLastPosition() throws GoJsonException {
            JsonNode node = decode("{\"a\":1,\"b\":2,\"a\":3}");
            assertThat(node.get("a").intValue()).isEqualTo(3);
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            assertThat(names).containsExactly("b", "a");
        }

        @Test
        void stringEscapes() throws GoJsonException {
            assertThat(decode("\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\"").textValue())
                    .isEqualTo("a\"b\\c/d\be\ff\ng\rh\ti");
            assertThat(decode("\"\\u0041\\u00e9\\u00E9\\u20ac\"").textValue()).isEqualTo("Aéé€");
            assertThat(decode("\"\\ud83d\\ude00\"").textValue()).isEqualTo("😀");
            assertThat(decode("\"\\uD83D\\uDE00!\"").textValue()).isEqualTo("😀!");
            assertThat(decode("\"\\u0000\"").textValue()).isEqualTo("\u0000");
            assertThat(decode("{\"k\\u0065y\":1}").get("key").intValue()).isEqualTo(1);
        }

        @Test
        void invalidSurrogatesBecomeReplacementCharacters() throws GoJsonException {
            assertThat(decode("\"\\ud83d\"").textValue()).isEqualTo("\uFFFD");
            assertThat(decode("\"\\ude00\\ud83d\"").textValue()).isEqualTo("\uFFFD\uFFFD");
            // A high surrogate followed by a non-surrogate escape: the second escape is kept.
            assertThat(decode("\"\\ud83d\\u0041\"").textValue()).isEqualTo("\uFFFDA");
            assertThat(decode("\"\\ud83dx\"").textValue()).isEqualTo("\uFFFDx");
            assertThat(decode("\"\\ud83d\\n\"").textValue()).isEqualTo("\uFFFD\n");
        }

        @Test
        void utf8IsDecodedAndInvalidBytesBecomeReplacementCharacters() throws GoJsonException {
            assertThat(decode("\"héllo €😀\"").textValue()).isEqualTo("héllo €😀");
            assertThat(decode(concat("\"a", bytes(0xFF), "b\"")).textValue()).isEqualTo("a\uFFFDb");
            // Truncated sequence followed by the closing quote.
            assertThat(decode(concat("\"", bytes(0xE2, 0x82), "\"")).textValue()).isEqualTo("\uFFFD\uFFFD");
            // Overlong encoding of '/' and an encoded surrogate: one U+FFFD per byte, like Go.
            assertThat(decode(concat("\"", bytes(0xC0, 0xAF), "\"")).textValue()).isEqualTo("\uFFFD\uFFFD");
            assertThat(decode(concat("\"", bytes(0xED, 0xA0, 0x80), "\"")).textValue()).isEqualTo("\uFFFD\uFFFD\uFFFD");
            // A lone continuation byte between valid characters.
            assertThat(decode(concat("\"é", bytes(0x80), "é\"")).textValue()).isEqualTo("é\uFFFDé");
            assertThat(decode(concat("\"", bytes(0xF4, 0x90, 0x80, 0x80), "\"")).textValue()).isEqualTo("\uFFFD\uFFFD\uFFFD\uFFFD");
        }

        @Test
        void numberLiteralsAreKept() throws GoJsonException {
            JsonNode node = decode("[1000, 1000.0, 1e3, 1E+3, -1.5e-3, 0, -0, 0.5, 9223372036854775807,"
                    + " 9223372036854775808, -9223372036854775808, 99999999999999999999, 1e999999999999]");
            assertThat(node.get(0).isIntegralNumber()).isTrue();
            assertThat(node.get(0).longValue()).isEqualTo(1000);
            assertThat(GoJson.numberLiteral(node.get(1))).isEqualTo("1000.0");
            assertThat(node.get(1).decimalValue()).isEqualByComparingTo("1000");
            assertThat(GoJson.numberLiteral(node.get(2))).isEqualTo("1e3");
            assertThat(node.get(2).decimalValue()).isEqualByComparingTo("1000");
            assertThat(GoJson.numberLiteral(node.get(3))).isEqualTo("1E+3");
            assertThat(GoJson.numberLiteral(node.get(4))).isEqualTo("-1.5e-3");
            assertThat(node.get(4).decimalValue()).isEqualByComparingTo("-0.0015");
            assertThat(node.get(5).intValue()).isZero();
            assertThat(node.get(6).intValue()).isZero();
            assertThat(node.get(7).doubleValue()).isEqualTo(0.5);
            assertThat(node.get(8).longValue()).isEqualTo(Long.MAX_VALUE);
            assertThat(GoJson.numberLiteral(node.get(9))).isEqualTo("9223372036854775808");
            assertThat(node.get(10).longValue()).isEqualTo(Long.MIN_VALUE);
            assertThat(GoJson.numberLiteral(node.get(11))).isEqualTo("99999999999999999999");
            assertThat(GoJson.numberLiteral(node.get(12))).isEqualTo("1e999999999999");
            assertThat(node.get(12).doubleValue()).isEqualTo(Double.POSITIVE_INFINITY);
        }

        @Test
        void veryLongNumberLiteralsStillDecode() throws GoJsonException {
            String digits = "1" + "0".repeat(5000);
            JsonNode node = decode("[" + digits + ", 0." + "0".repeat(5000) + "1]");
            assertThat(GoJson.numberLiteral(node.get(0))).isEqualTo(digits);
            assertThat(node.get(0).doubleValue()).isEqualTo(Double.POSITIVE_INFINITY);
            assertThat(node.get(1).doubleValue()).isEqualTo(0.0);
        }
    }

    @Nested
    class TypedReaders {

        @Test
        void int64() throws GoJsonException {
            assertThat(GoJson.readInt64(null, "X.a")).isNull();
            assertThat(GoJson.readInt64(MissingNode.getInstance(), "X.a")).isNull();
            assertThat(GoJson.readInt64(decode("null"), "X.a")).isNull();
            assertThat(GoJson.readInt64(decode("100"), "X.a")).isEqualTo(100L);
            assertThat(GoJson.readInt64(decode("-0"), "X.a")).isEqualTo(0L);
            assertThat(GoJson.readInt64(decode("-42"), "X.a")).isEqualTo(-42L);
            assertThat(GoJson.readInt64(decode("9223372036854775807"), "X.a")).isEqualTo(Long.MAX_VALUE);
            assertThat(GoJson.readInt64(decode("-9223372036854775808"), "X.a")).isEqualTo(Long.MIN_VALUE);
        }

        @Test
        void int64FromTheDecodedTreeWithGoMessages() throws GoJsonException {
            JsonNode body = decode("{\"type\":\"latency\",\"attributes\":{\"latency\":\"100\"}}");
            assertThatThrownBy(() -> GoJson.readInt64(body.get("attributes").get("latency"), "LatencyToxic.attributes.latency"))
                    .isInstanceOf(GoJsonException.class)
                    .hasMessage("json: cannot unmarshal string into Go struct field LatencyToxic.attributes.latency of type int64");

            JsonNode timeout = decode("{\"attributes\":{\"timeout\":1000.0}}");
            assertThatThrownBy(() -> GoJson.readInt64(timeout.get("attributes").get("timeout"), "TimeoutToxic.attributes.timeout"))
                    .hasMessage("json: cannot unmarshal number 1000.0 into Go struct field TimeoutToxic.attributes.timeout of type int64");
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "1.5                  | number 1.5",
            "1e3                  | number 1e3",
            "1E3                  | number 1E3",
            "-1.0e+2              | number -1.0e+2",
            "0.0                  | number 0.0",
            "99999999999999999999 | number 99999999999999999999",
            "9223372036854775808  | number 9223372036854775808",
            "-9223372036854775809 | number -9223372036854775809",
            "\"100\"              | string",
            "true                 | bool",
            "false                | bool",
            "{}                   | object",
            "{\"a\":1}            | object",
            "[]                   | array",
            "[1]                  | array",
        })
        void int64Mismatches(String json, String kind) throws GoJsonException {
            JsonNode node = decode(json);
            assertThatThrownBy(() -> GoJson.readInt64(node, "LatencyToxic.attributes.jitter"))
                    .isInstanceOf(GoJsonException.class)
                    .hasMessage("json: cannot unmarshal " + kind + " into Go struct field LatencyToxic.attributes.jitter of type int64");
            assertThatThrownBy(() -> GoJson.readInt(node, "SlicerToxic.attributes.average_size"))
                    .isInstanceOf(GoJsonException.class)
                    .hasMessage("json: cannot unmarshal " + kind + " into Go struct field SlicerToxic.attributes.average_size of type int");
        }

        @Test
        void goInt() throws GoJsonException {
            assertThat(GoJson.readInt(decode("null"), "S.a")).isNull();
            assertThat(GoJson.readInt(decode("3000000000"), "S.a")).isEqualTo(3_000_000_000L);
        }

        @Test
        void string() throws GoJsonException {
            assertThat(GoJson.readString(decode("\"p\""), "Proxy.name")).isEqualTo("p");
            assertThat(GoJson.readString(decode("\"\""), "Proxy.name")).isEmpty();
            assertThat(GoJson.readString(decode("null"), "Proxy.name")).isNull();
            assertThat(GoJson.readString(null, "Proxy.name")).isNull();
            assertThatThrownBy(() -> GoJson.readString(decode("1"), "Proxy.name"))
                    .hasMessage("json: cannot unmarshal number into Go struct field Proxy.name of type string");
            assertThatThrownBy(() -> GoJson.readString(decode("1.5e3"), "Proxy.name"))
                    .hasMessage("json: cannot unmarshal number into Go struct field Proxy.name of type string");
            assertThatThrownBy(() -> GoJson.readString(decode("true"), "Proxy.listen"))
                    .hasMessage("json: cannot unmarshal bool into Go struct field Proxy.listen of type string");
            assertThatThrownBy(() -> GoJson.readString(decode("{}"), "Proxy.upstream"))
                    .hasMessage("json: cannot unmarshal object into Go struct field Proxy.upstream of type string");
            assertThatThrownBy(() -> GoJson.readString(decode("[\"a\"]"), "Proxy.name"))
                    .hasMessage("json: cannot unmarshal array into Go struct field Proxy.name of type string");
        }

        @Test
        void bool() throws GoJsonException {
            assertThat(GoJson.readBool(decode("true"), "Proxy.enabled")).isTrue();
            assertThat(GoJson.readBool(decode("false"), "Proxy.enabled")).isFalse();
            assertThat(GoJson.readBool(decode("null"), "Proxy.enabled")).isNull();
            assertThat(GoJson.readBool(MissingNode.getInstance(), "Proxy.enabled")).isNull();
            assertThatThrownBy(() -> GoJson.readBool(decode("1"), "Proxy.enabled"))
                    .hasMessage("json: cannot unmarshal number into Go struct field Proxy.enabled of type bool");
            assertThatThrownBy(() -> GoJson.readBool(decode("\"true\""), "Proxy.enabled"))
                    .hasMessage("json: cannot unmarshal string into Go struct field Proxy.enabled of type bool");
            assertThatThrownBy(() -> GoJson.readBool(decode("{}"), "Proxy.enabled"))
                    .hasMessage("json: cannot unmarshal object into Go struct field Proxy.enabled of type bool");
            assertThatThrownBy(() -> GoJson.readBool(decode("[]"), "Proxy.enabled"))
                    .hasMessage("json: cannot unmarshal array into Go struct field Proxy.enabled of type bool");
        }

        @Test
        void float32() throws GoJsonException {
            assertThat(GoJson.readFloat32(decode("0.5"), "ToxicWrapper.toxicity")).isEqualTo(0.5f);
            assertThat(GoJson.readFloat32(decode("1"), "ToxicWrapper.toxicity")).isEqualTo(1f);
            assertThat(GoJson.readFloat32(decode("0.1"), "ToxicWrapper.toxicity")).isEqualTo(0.1f);
            assertThat(GoJson.readFloat32(decode("1e-50"), "ToxicWrapper.toxicity")).isEqualTo(0f);
            assertThat(GoJson.readFloat32(decode("3.4028235e38"), "ToxicWrapper.toxicity")).isEqualTo(Float.MAX_VALUE);
            assertThat(GoJson.readFloat32(decode("-2"), "ToxicWrapper.toxicity")).isEqualTo(-2f);
            assertThat(GoJson.readFloat32(decode("null"), "ToxicWrapper.toxicity")).isNull();
            assertThat(GoJson.readFloat32(null, "ToxicWrapper.toxicity")).isNull();
            assertThatThrownBy(() -> GoJson.readFloat32(decode("\"0.5\""), "ToxicWrapper.toxicity"))
                    .hasMessage("json: cannot unmarshal string into Go struct field ToxicWrapper.toxicity of type float32");
            assertThatThrownBy(() -> GoJson.readFloat32(decode("1e999"), "ToxicWrapper.toxicity"))
                    .hasMessage("json: cannot unmarshal number 1e999 into Go struct field ToxicWrapper.toxicity of type float32");
            assertThatThrownBy(() -> GoJson.readFloat32(decode("-1e39"), "ToxicWrapper.toxicity"))
                    .hasMessage("json: cannot unmarshal number -1e39 into Go struct field ToxicWrapper.toxicity of type float32");
            String huge = "1" + "0".repeat(40);
            assertThatThrownBy(() -> GoJson.readFloat32(decode(huge), "ToxicWrapper.toxicity"))
                    .hasMessage("json: cannot unmarshal number " + huge + " into Go struct field ToxicWrapper.toxicity of type float32");
            assertThatThrownBy(() -> GoJson.readFloat32(decode("true"), "ToxicWrapper.toxicity"))
                    .hasMessage("json: cannot unmarshal bool into Go struct field ToxicWrapper.toxicity of type float32");
            assertThatThrownBy(() -> GoJson.readFloat32(decode("{}"), "ToxicWrapper.toxicity"))
                    .hasMessage("json: cannot unmarshal object into Go struct field ToxicWrapper.toxicity of type float32");
            assertThatThrownBy(() -> GoJson.readFloat32(decode("[]"), "ToxicWrapper.toxicity"))
                    .hasMessage("json: cannot unmarshal array into Go struct field ToxicWrapper.toxicity of type float32");
        }

        @Test
        void topLevelObject() throws GoJsonException {
            GoJson.requireObject(decode("{}"), "api.Proxy");
            GoJson.requireObject(decode("null"), "api.Proxy");
            assertThatThrownBy(() -> GoJson.requireObject(decode("[]"), "toxiproxy.Proxy"))
                    .hasMessage("json: cannot unmarshal array into Go value of type toxiproxy.Proxy");
            assertThatThrownBy(() -> GoJson.requireObject(decode("\"x\""), "toxiproxy.Proxy"))
                    .hasMessage("json: cannot unmarshal string into Go value of type toxiproxy.Proxy");
            assertThatThrownBy(() -> GoJson.requireObject(decode("12.5"), "toxiproxy.Proxy"))
                    .hasMessage("json: cannot unmarshal number into Go value of type toxiproxy.Proxy");
            assertThatThrownBy(() -> GoJson.requireObject(decode("false"), "toxiproxy.Proxy"))
                    .hasMessage("json: cannot unmarshal bool into Go value of type toxiproxy.Proxy");
        }

        @Test
        void topLevelArray() throws GoJsonException {
            GoJson.requireArray(decode("[]"), "[]struct {...}");
            GoJson.requireArray(decode("null"), "[]struct {...}");
            assertThatThrownBy(() -> GoJson.requireArray(decode("{\"name\":\"a\"}"), "[]struct {...}"))
                    .isInstanceOf(GoJsonException.class)
                    .hasMessage("json: cannot unmarshal object into Go value of type []struct {...}");
            assertThatThrownBy(() -> GoJson.requireArray(decode("1"), "[]struct {...}"))
                    .hasMessage("json: cannot unmarshal number into Go value of type []struct {...}");
            assertThatThrownBy(() -> GoJson.requireArray(decode("\"a\""), "[]struct {...}"))
                    .hasMessage("json: cannot unmarshal string into Go value of type []struct {...}");
            assertThatThrownBy(() -> GoJson.requireArray(decode("true"), "[]struct {...}"))
                    .hasMessage("json: cannot unmarshal bool into Go value of type []struct {...}");
        }

        @Test
        void fieldLookupMatchesKeysLikeGo() throws GoJsonException {
            JsonNode node = decode("{\"Name\":\"a\",\"LISTEN\":\"b\",\"upstream\":\"c\",\"upStream\":\"d\"}");
            assertThat(GoJson.field(node, "name").textValue()).isEqualTo("a");
            assertThat(GoJson.field(node, "listen").textValue()).isEqualTo("b");
            assertThat(GoJson.field(node, "upstream").textValue()).isEqualTo("d"); // last one in the document
            assertThat(GoJson.field(node, "enabled").isMissingNode()).isTrue();
            assertThat(GoJson.field(decode("[]"), "name").isMissingNode()).isTrue();
            assertThat(GoJson.field(null, "name").isMissingNode()).isTrue();
            // Unicode simple folding: KELVIN SIGN matches k, LONG S matches s.
            assertThat(GoJson.field(decode("{\"\u212Aey\":1}"), "key").intValue()).isEqualTo(1);
            assertThat(GoJson.field(decode("{\"\u017Fize\":2}"), "size").intValue()).isEqualTo(2);
            assertThat(GoJson.field(decode("{\"nam\":2}"), "name").isMissingNode()).isTrue();
        }
    }

    @Nested
    class Float32Format {

        @ParameterizedTest
        @CsvSource({
            "1, 1",
            "0.5, 0.5",
            "0.25, 0.25",
            "0.1, 0.1",
            "0.3, 0.3",
            "7, 7",
            "1e-7, 1e-7",
            "100000000, 100000000",
            "0, 0",
            "-0.5, -0.5",
            "-7, -7",
            "1.5e-7, 1.5e-7",
            "1e-6, 0.000001",
            "9.99e-7, 9.99e-7",
            "1e21, 1e+21",
            "1.5e22, 1.5e+22",
            "1e20, 100000000000000000000",
            "123456789, 123456790",
            "16777216, 16777216",
            "0.001, 0.001",
            "3.14159, 3.14159",
            "0.33333334, 0.33333334",
            "3.4028235e38, 3.4028235e+38",
            "1.17549435e-38, 1.1754944e-38",
            "1.4e-45, 1e-45",
            "1e-10, 1e-10",
            "1e-45, 1e-45",
            "2.5e-38, 2.5e-38",
            "1e10, 10000000000",
        })
        void formatsLikeGo(float value, String expected) {
            assertThat(GoJson.formatFloat32(value)).isEqualTo(expected);
        }

        @Test
        void negativeZeroAndSums() {
            assertThat(GoJson.formatFloat32(-0f)).isEqualTo("-0");
            assertThat(GoJson.formatFloat32(0.1f + 0.2f)).isEqualTo("0.3");
            assertThat(GoJson.formatFloat32(Float.MIN_VALUE)).isEqualTo("1e-45");
            assertThat(GoJson.formatFloat32(-Float.MAX_VALUE)).isEqualTo("-3.4028235e+38");
        }

        @Test
        void rejectsNanAndInfinity() {
            assertThatThrownBy(() -> GoJson.formatFloat32(Float.NaN)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> GoJson.formatFloat32(Float.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void randomValuesRoundTripWithNoMoreDigitsThanJava() {
            Random random = new Random(42);
            for (int i = 0; i < 20000; i++) {
                float f = Float.intBitsToFloat(random.nextInt());
                if (Float.isNaN(f) || Float.isInfinite(f)) {
                    continue;
                }
                String text = GoJson.formatFloat32(f);
                assertThat(Float.parseFloat(text)).as(text).isEqualTo(f);
                assertThat(text).doesNotContain("E").doesNotEndWith(".0");
                int ours = significantDigits(text);
                int java = significantDigits(Float.toString(f));
                assertThat(ours).as("%s vs %s", text, Float.toString(f)).isLessThanOrEqualTo(java);
            }
        }

        private int significantDigits(String text) {
            BigDecimal d = new BigDecimal(text).stripTrailingZeros();
            return d.signum() == 0 ? 1 : d.precision();
        }
    }
}
