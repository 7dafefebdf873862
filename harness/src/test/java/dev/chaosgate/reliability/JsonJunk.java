package dev.chaosgate.reliability;

import java.util.List;
import java.util.Random;

/** Random JSON text, valid and not: values of every type, odd numbers and strings, and broken framing. */
final class JsonJunk {
    /** Strings that upset parsers, encoders and path handling. */
    static final List<String> ODD_STRINGS = List.of("", " ", "x", "null", "true", "0", "-1", "über", "名前", "😀",
            "a/b", "..", "%zz", "%2F", "a b", "<script>", "\\", "\"", "tab\there", "line\nbreak", "nul\u0000byte",
            "\u202eevil", "e\u0301", "\uFEFFbom", "ａｂｃ", "🏳️‍🌈", "x".repeat(300));
    /** Number literals: big, tiny, negative zero, exponents, beyond int64 and float64. */
    static final List<String> ODD_NUMBERS = List.of("0", "-0", "1", "-1", "0.5", "1.0", "1e3", "1E-3", "-0.0", "2147483648",
            "9223372036854775807", "9223372036854775808", "-9223372036854775809", "1e308", "1e309", "-1e309",
            "3.4028236e38", "1e-400", "123456789012345678901234567890", "0.1e1", "7");

    private final Random random;

    JsonJunk(Random random) {
        this.random = random;
    }

    /** A JSON string literal; control characters as {@code \\u00XX}, everything else as UTF-8. */
    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    <T> T pick(List<T> items) {
        return items.get(random.nextInt(items.size()));
    }

    String oddString() {
        return quote(pick(ODD_STRINGS));
    }

    /** Any JSON value, nested up to {@code depth}. */
    String value(int depth) {
        int kind = random.nextInt(depth > 0 ? 8 : 6);
        return switch (kind) {
            case 0 -> "null";
            case 1 -> random.nextBoolean() ? "true" : "false";
            case 2 -> pick(ODD_NUMBERS);
            case 3, 4 -> oddString();
            case 5 -> Integer.toString(random.nextInt(2000) - 1000);
            case 6 -> array(depth - 1);
            default -> object(depth - 1, List.of());
        };
    }

    String array(int depth) {
        StringBuilder out = new StringBuilder("[");
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
            out.append(i > 0 ? "," : "").append(value(depth));
        }
        return out.append(']').toString();
    }

    /** An object with some of {@code keys} (in random case) and some keys of its own. */
    String object(int depth, List<String> keys) {
        StringBuilder out = new StringBuilder("{");
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
            String key = !keys.isEmpty() && random.nextInt(3) > 0 ? recase(pick(keys)) : pick(ODD_STRINGS);
            out.append(i > 0 ? "," : "").append(quote(key)).append(':').append(value(depth));
        }
        return out.append('}').toString();
    }

    /** {@code name} as written, upper case, or capitalised: Go matches field names case-insensitively. */
    String recase(String name) {
        return switch (random.nextInt(4)) {
            case 0 -> name.toUpperCase(java.util.Locale.ROOT);
            case 1 -> name.isEmpty() ? name : Character.toUpperCase(name.charAt(0)) + name.substring(1);
            default -> name;
        };
    }

    /** Whitespace and junk that do not change one JSON value: Go reads the first value and ignores the rest. */
    String trailing() {
        return switch (random.nextInt(6)) {
            case 0 -> " garbage {{{";
            case 1 -> "}}]]";
            case 2 -> "\n\n\t";
            case 3 -> " {\"name\":\"second\"}";
            case 4 -> "\u0000\u0001";
            default -> "";
        };
    }

    /** {@code json} broken: cut short, a byte changed, a token doubled, a quote lost. */
    String damage(String json) {
        if (json.length() < 2) {
            return "{";
        }
        int at = random.nextInt(json.length());
        return switch (random.nextInt(7)) {
            case 0 -> json.substring(0, at);
            case 1 -> json.substring(0, at) + pick(List.of("{", "}", "[", "]", ",", ":", "\"", "'", "\\", "\u0000", "x")) + json.substring(at);
            case 2 -> json.replaceFirst(":", "");
            case 3 -> json.replace("\"", "'");
            case 4 -> json.substring(0, at) + json.substring(Math.min(json.length(), at + 1 + random.nextInt(5)));
            case 5 -> "{" + json;
            default -> json.replace(",", ",,");
        };
    }
}
