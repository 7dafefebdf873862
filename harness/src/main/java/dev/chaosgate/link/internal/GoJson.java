package dev.chaosgate.link.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Map;

/**
 * Reads request bodies the way Toxiproxy does: with Go's {@code encoding/json}
 * {@code json.NewDecoder(body).Decode(&v)}, including Go's exact error texts.
 *
 * <ul>
 *   <li>{@link #decodeFirstValue(byte[])} scans the body byte by byte with the same state machine as
 *       Go's scanner: one value is read, whatever follows it is ignored, and errors are
 *       {@code EOF}, {@code unexpected EOF} or Go's {@code invalid character ...} texts.</li>
 *   <li>The {@code read*} / {@code require*} methods check a tree node against the Go type a
 *       field has and word mismatches like Go's {@code UnmarshalTypeError}. JSON {@code null} is
 *       accepted everywhere and means "leave the default", as in Go.</li>
 *   <li>{@link #formatFloat32(float)} prints a {@code float32} as Go's JSON encoder does.</li>
 * </ul>
 *
 * <p>Number literals keep their text: integers use Jackson's int/long/BigInteger nodes, every
 * other literal (fraction or exponent) becomes a {@link DecimalNode} whose {@code asText()} is the
 * literal as written, so {@code 1000.0} stays distinguishable from {@code 1000}. See
 * {@link #numberLiteral(JsonNode)}.
 *
 * <p>Duplicate object keys: the later value wins (as when Go decodes into a field twice) and the
 * key moves to the position of its last occurrence, so iterating an object visits members in the
 * order of their last occurrence. {@link #field(JsonNode, String)} resolves a Go field name the
 * way Go matches keys to struct fields (exact or case-insensitive).
 */
public final class GoJson {

    /** The text of a Go {@code encoding/json} decoding error, without any prefix. */
    public static final class GoJsonException extends Exception {
        private static final long serialVersionUID = 1L;

        public GoJsonException(String message) {
            super(message);
        }
    }

    /** Go's {@code maxNestingDepth}. */
    private static final int MAX_NESTING_DEPTH = 10000;
    /** Literals longer than this (Jackson's own default limit) get an approximate numeric value. */
    private static final int MAX_EXACT_NUMBER_LENGTH = 1000;
    /** Magnitudes beyond 10^±this are clamped in the tree's numeric value (the literal is kept). */
    private static final int MAX_DECIMAL_EXPONENT = 10000;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private GoJson() {}

    // ------------------------------------------------------------------------------------------
    // Decoding
    // ------------------------------------------------------------------------------------------

    /**
     * Decodes the first JSON value of {@code body} like Go's {@code json.Decoder.Decode}: leading
     * whitespace is skipped, anything after the first complete value is ignored (even garbage).
     *
     * @throws GoJsonException {@code EOF} for an empty/blank body, {@code unexpected EOF} for a
     *     truncated value, or Go's {@code invalid character ...} syntax error text
     */
    public static JsonNode decodeFirstValue(byte[] body) throws GoJsonException {
        byte[] b = body == null ? new byte[0] : body;
        Scanner scanner = new Scanner();
        int end = -1;
        for (int i = 0; i < b.length; i++) {
            int op = scanner.step(b[i] & 0xFF);
            if (op == Scanner.END) {
                end = i; // the value ended before this byte
                break;
            }
            if (op == Scanner.END_OBJECT || op == Scanner.END_ARRAY) {
                if (scanner.endValue(' ') == Scanner.END) {
                    end = i + 1;
                    break;
                }
            } else if (op == Scanner.ERROR) {
                throw new GoJsonException(scanner.error);
            }
        }
        if (end < 0) {
            // Go's readValue at io.EOF: a final space completes a number or literal.
            if (scanner.step(' ') == Scanner.END) {
                end = b.length;
            } else if (nonSpace(b)) {
                throw new GoJsonException("unexpected EOF");
            } else {
                throw new GoJsonException("EOF");
            }
        }
        int start = 0;
        while (isSpace(b[start] & 0xFF)) {
            start++;
        }
        return new TreeBuilder(b, end).build(start);
    }

    private static boolean isSpace(int c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static boolean nonSpace(byte[] b) {
        for (byte c : b) {
            if (!isSpace(c & 0xFF)) {
                return true;
            }
        }
        return false;
    }

    /** A transcription of the state machine in Go's {@code encoding/json/scanner.go}. */
    private static final class Scanner {
        // Results of a step (only the ones the decoder distinguishes).
        static final int CONTINUE = 0;
        static final int SKIP_SPACE = 1;
        static final int END_OBJECT = 2;
        static final int END_ARRAY = 3;
        static final int END = 4;
        static final int ERROR = 5;

        // Parse states.
        private static final byte PARSE_OBJECT_KEY = 0;
        private static final byte PARSE_OBJECT_VALUE = 1;
        private static final byte PARSE_ARRAY_VALUE = 2;

        // Step functions.
        private static final int BEGIN_VALUE_OR_EMPTY = 0;
        private static final int BEGIN_VALUE = 1;
        private static final int BEGIN_STRING_OR_EMPTY = 2;
        private static final int BEGIN_STRING = 3;
        private static final int END_VALUE = 4;
        private static final int END_TOP = 5;
        private static final int IN_STRING = 6;
        private static final int IN_STRING_ESC = 7;
        private static final int IN_STRING_ESC_U = 8;
        private static final int IN_STRING_ESC_U1 = 9;
        private static final int IN_STRING_ESC_U12 = 10;
        private static final int IN_STRING_ESC_U123 = 11;
        private static final int NEG = 12;
        private static final int NUM1 = 13;
        private static final int NUM0 = 14;
        private static final int DOT = 15;
        private static final int DOT0 = 16;
        private static final int EXP = 17;
        private static final int EXP_SIGN = 18;
        private static final int EXP0 = 19;
        private static final int T = 20;
        private static final int TR = 21;
        private static final int TRU = 22;
        private static final int F = 23;
        private static final int FA = 24;
        private static final int FAL = 25;
        private static final int FALS = 26;
        private static final int N = 27;
        private static final int NU = 28;
        private static final int NUL = 29;
        private static final int FAILED = 30;

        private int state = BEGIN_VALUE;
        private byte[] parseState = new byte[16];
        private int depth;
        String error;

        int step(int c) {
            switch (state) {
                case BEGIN_VALUE_OR_EMPTY:
                    if (isSpace(c)) {
                        return SKIP_SPACE;
                    }
                    if (c == ']') {
                        return endValue(c);
                    }
                    return beginValue(c);
                case BEGIN_VALUE:
                    return beginValue(c);
                case BEGIN_STRING_OR_EMPTY:
                    if (isSpace(c)) {
                        return SKIP_SPACE;
                    }
                    if (c == '}') {
                        parseState[depth - 1] = PARSE_OBJECT_VALUE;
                        return endValue(c);
                    }
                    return beginString(c);
                case BEGIN_STRING:
                    return beginString(c);
                case END_VALUE:
                    return endValue(c);
                case END_TOP:
                    return endTop(c);
                case IN_STRING:
                    if (c == '"') {
                        state = END_VALUE;
                        return CONTINUE;
                    }
                    if (c == '\\') {
                        state = IN_STRING_ESC;
                        return CONTINUE;
                    }
                    if (c < 0x20) {
                        return fail(c, "in string literal");
                    }
                    return CONTINUE;
                case IN_STRING_ESC:
                    switch (c) {
                        case 'b': case 'f': case 'n': case 'r': case 't': case '\\': case '/': case '"':
                            state = IN_STRING;
                            return CONTINUE;
                        case 'u':
                            state = IN_STRING_ESC_U;
                            return CONTINUE;
                        default:
                            return fail(c, "in string escape code");
                    }
                case IN_STRING_ESC_U:
                    return hex(c, IN_STRING_ESC_U1);
                case IN_STRING_ESC_U1:
                    return hex(c, IN_STRING_ESC_U12);
                case IN_STRING_ESC_U12:
                    return hex(c, IN_STRING_ESC_U123);
                case IN_STRING_ESC_U123:
                    return hex(c, IN_STRING);
                case NEG:
                    if (c == '0') {
                        state = NUM0;
                        return CONTINUE;
                    }
                    if ('1' <= c && c <= '9') {
                        state = NUM1;
                        return CONTINUE;
                    }
                    return fail(c, "in numeric literal");
                case NUM1:
                    if ('0' <= c && c <= '9') {
                        return CONTINUE;
                    }
                    return num0(c);
                case NUM0:
                    return num0(c);
                case DOT:
                    if ('0' <= c && c <= '9') {
                        state = DOT0;
                        return CONTINUE;
                    }
                    return fail(c, "after decimal point in numeric literal");
                case DOT0:
                    if ('0' <= c && c <= '9') {
                        return CONTINUE;
                    }
                    if (c == 'e' || c == 'E') {
                        state = EXP;
                        return CONTINUE;
                    }
                    return endValue(c);
                case EXP:
                    if (c == '+' || c == '-') {
                        state = EXP_SIGN;
                        return CONTINUE;
                    }
                    return expSign(c);
                case EXP_SIGN:
                    return expSign(c);
                case EXP0:
                    if ('0' <= c && c <= '9') {
                        return CONTINUE;
                    }
                    return endValue(c);
                case T:
                    return literal(c, 'r', TR, "in literal true (expecting 'r')");
                case TR:
                    return literal(c, 'u', TRU, "in literal true (expecting 'u')");
                case TRU:
                    return literal(c, 'e', END_VALUE, "in literal true (expecting 'e')");
                case F:
                    return literal(c, 'a', FA, "in literal false (expecting 'a')");
                case FA:
                    return literal(c, 'l', FAL, "in literal false (expecting 'l')");
                case FAL:
                    return literal(c, 's', FALS, "in literal false (expecting 's')");
                case FALS:
                    return literal(c, 'e', END_VALUE, "in literal false (expecting 'e')");
                case N:
                    return literal(c, 'u', NU, "in literal null (expecting 'u')");
                case NU:
                    return literal(c, 'l', NUL, "in literal null (expecting 'l')");
                case NUL:
                    return literal(c, 'l', END_VALUE, "in literal null (expecting 'l')");
                case FAILED:
                default:
                    return ERROR;
            }
        }

        private int beginValue(int c) {
            if (isSpace(c)) {
                return SKIP_SPACE;
            }
            switch (c) {
                case '{':
                    state = BEGIN_STRING_OR_EMPTY;
                    return push(c, PARSE_OBJECT_KEY);
                case '[':
                    state = BEGIN_VALUE_OR_EMPTY;
                    return push(c, PARSE_ARRAY_VALUE);
                case '"':
                    state = IN_STRING;
                    return CONTINUE;
                case '-':
                    state = NEG;
                    return CONTINUE;
                case '0':
                    state = NUM0;
                    return CONTINUE;
                case 't':
                    state = T;
                    return CONTINUE;
                case 'f':
                    state = F;
                    return CONTINUE;
                case 'n':
                    state = N;
                    return CONTINUE;
                default:
                    if ('1' <= c && c <= '9') {
                        state = NUM1;
                        return CONTINUE;
                    }
                    return fail(c, "looking for beginning of value");
            }
        }

        private int beginString(int c) {
            if (isSpace(c)) {
                return SKIP_SPACE;
            }
            if (c == '"') {
                state = IN_STRING;
                return CONTINUE;
            }
            return fail(c, "looking for beginning of object key string");
        }

        int endValue(int c) {
            if (depth == 0) {
                state = END_TOP;
                return endTop(c);
            }
            if (isSpace(c)) {
                state = END_VALUE;
                return SKIP_SPACE;
            }
            switch (parseState[depth - 1]) {
                case PARSE_OBJECT_KEY:
                    if (c == ':') {
                        parseState[depth - 1] = PARSE_OBJECT_VALUE;
                        state = BEGIN_VALUE;
                        return CONTINUE;
                    }
                    return fail(c, "after object key");
                case PARSE_OBJECT_VALUE:
                    if (c == ',') {
                        parseState[depth - 1] = PARSE_OBJECT_KEY;
                        state = BEGIN_STRING;
                        return CONTINUE;
                    }
                    if (c == '}') {
                        pop();
                        return END_OBJECT;
                    }
                    return fail(c, "after object key:value pair");
                case PARSE_ARRAY_VALUE:
                default:
                    if (c == ',') {
                        state = BEGIN_VALUE;
                        return CONTINUE;
                    }
                    if (c == ']') {
                        pop();
                        return END_ARRAY;
                    }
                    return fail(c, "after array element");
            }
        }

        private int endTop(int c) {
            if (!isSpace(c)) {
                // Go records "after top-level value" here, but the decoder stops at this byte.
                fail(c, "after top-level value");
            }
            return END;
        }

        private int num0(int c) {
            if (c == '.') {
                state = DOT;
                return CONTINUE;
            }
            if (c == 'e' || c == 'E') {
                state = EXP;
                return CONTINUE;
            }
            return endValue(c);
        }

        private int expSign(int c) {
            if ('0' <= c && c <= '9') {
                state = EXP0;
                return CONTINUE;
            }
            return fail(c, "in exponent of numeric literal");
        }

        private int hex(int c, int next) {
            if (('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')) {
                state = next;
                return CONTINUE;
            }
            return fail(c, "in \\u hexadecimal character escape");
        }

        private int literal(int c, int expected, int next, String context) {
            if (c == expected) {
                state = next;
                return CONTINUE;
            }
            return fail(c, context);
        }

        private int push(int c, byte newParseState) {
            if (depth == parseState.length) {
                byte[] grown = new byte[parseState.length * 2];
                System.arraycopy(parseState, 0, grown, 0, depth);
                parseState = grown;
            }
            parseState[depth++] = newParseState;
            if (depth <= MAX_NESTING_DEPTH) {
                return CONTINUE;
            }
            return fail(c, "exceeded max depth");
        }

        private void pop() {
            depth--;
            state = depth == 0 ? END_TOP : END_VALUE;
        }

        private int fail(int c, String context) {
            state = FAILED;
            error = "invalid character " + quoteChar(c) + " " + context;
            return ERROR;
        }
    }

    /**
     * Go's {@code quoteChar}: the byte is taken as the rune U+00XX and quoted like
     * {@code strconv.Quote}, in single quotes. (So a non-ASCII byte prints as its Latin-1
     * character, e.g. the first byte of {@code é} prints as {@code 'Ã'}, exactly like Go.)
     */
    static String quoteChar(int c) {
        if (c == '\'') {
            return "'\\''";
        }
        if (c == '"') {
            return "'\"'";
        }
        StringBuilder sb = new StringBuilder(8).append('\'');
        switch (c) {
            case '\\': sb.append("\\\\"); break;
            case 0x07: sb.append("\\a"); break;
            case '\b': sb.append("\\b"); break;
            case '\f': sb.append("\\f"); break;
            case '\n': sb.append("\\n"); break;
            case '\r': sb.append("\\r"); break;
            case '\t': sb.append("\\t"); break;
            case 0x0B: sb.append("\\v"); break;
            default:
                if (c < 0x20 || c == 0x7F) {
                    sb.append("\\x").append(hexDigit(c >> 4)).append(hexDigit(c & 0xF));
                } else if ((c >= 0x80 && c <= 0xA0) || c == 0xAD) {
                    // C1 controls, NBSP and soft hyphen are not "printable" to strconv.
                    sb.append("\\u00").append(hexDigit(c >> 4)).append(hexDigit(c & 0xF));
                } else {
                    sb.append((char) c);
                }
        }
        return sb.append('\'').toString();
    }

    private static char hexDigit(int d) {
        return "0123456789abcdef".charAt(d & 0xF);
    }

    /** Builds the Jackson tree of a value the {@link Scanner} has already validated. */
    private static final class TreeBuilder {
        private final byte[] b;
        private final int end;
        private int pos;

        TreeBuilder(byte[] b, int end) {
            this.b = b;
            this.end = end;
        }

        JsonNode build(int start) {
            pos = start;
            // Iterative, so 10000 levels of nesting cannot overflow the Java stack.
            ArrayList<ContainerNode<?>> containers = new ArrayList<>();
            ArrayList<String> keys = new ArrayList<>();
            while (true) {
                skipSpace();
                JsonNode value;
                int c = b[pos];
                if (c == '{') {
                    pos++;
                    skipSpace();
                    if (b[pos] == '}') {
                        pos++;
                        value = new ObjectNode(NODES);
                    } else {
                        containers.add(new ObjectNode(NODES));
                        keys.add(readKey());
                        continue;
                    }
                } else if (c == '[') {
                    pos++;
                    skipSpace();
                    if (b[pos] == ']') {
                        pos++;
                        value = new ArrayNode(NODES);
                    } else {
                        containers.add(new ArrayNode(NODES));
                        keys.add(null);
                        continue;
                    }
                } else {
                    value = scalar(c);
                }
                // Attach the finished value; close every container that ends right after it.
                while (true) {
                    int top = containers.size() - 1;
                    if (top < 0) {
                        return value;
                    }
                    ContainerNode<?> container = containers.get(top);
                    if (container instanceof ObjectNode) {
                        ObjectNode object = (ObjectNode) container;
                        String key = keys.get(top);
                        object.remove(key); // a duplicate key moves to its last occurrence
                        object.set(key, value);
                    } else {
                        ((ArrayNode) container).add(value);
                    }
                    skipSpace();
                    int next = b[pos++];
                    if (next == ',') {
                        if (container instanceof ObjectNode) {
                            keys.set(top, readKey());
                        }
                        break;
                    }
                    // '}' or ']'
                    containers.remove(top);
                    keys.remove(top);
                    value = container;
                }
            }
        }

        private void skipSpace() {
            while (pos < end && isSpace(b[pos] & 0xFF)) {
                pos++;
            }
        }

        private String readKey() {
            skipSpace();
            String key = readString();
            skipSpace();
            pos++; // ':'
            return key;
        }

        private JsonNode scalar(int c) {
            switch (c) {
                case '"':
                    return TextNode.valueOf(readString());
                case 't':
                    pos += 4;
                    return BooleanNode.TRUE;
                case 'f':
                    pos += 5;
                    return BooleanNode.FALSE;
                case 'n':
                    pos += 4;
                    return NullNode.getInstance();
                default:
                    int start = pos;
                    while (pos < end && isNumberByte(b[pos])) {
                        pos++;
                    }
                    return numberNode(new String(b, start, pos - start, StandardCharsets.US_ASCII));
            }
        }

        private static boolean isNumberByte(byte c) {
            return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
        }

        /** Unquotes like Go's {@code unquoteBytes}; {@code pos} is at the opening quote. */
        private String readString() {
            pos++;
            int start = pos;
            while (true) {
                byte c = b[pos];
                if (c == '"') {
                    String s = new String(b, start, pos - start, StandardCharsets.US_ASCII);
                    pos++;
                    return s;
                }
                if (c == '\\' || c < 0) {
                    break; // needs the slow path
                }
                pos++;
            }
            StringBuilder sb = new StringBuilder(pos - start + 16);
            sb.append(new String(b, start, pos - start, StandardCharsets.US_ASCII));
            while (true) {
                int c = b[pos] & 0xFF;
                if (c == '"') {
                    pos++;
                    return sb.toString();
                }
                if (c == '\\') {
                    int e = b[pos + 1];
                    pos += 2;
                    switch (e) {
                        case 'b': sb.append('\b'); break;
                        case 'f': sb.append('\f'); break;
                        case 'n': sb.append('\n'); break;
                        case 'r': sb.append('\r'); break;
                        case 't': sb.append('\t'); break;
                        case 'u': {
                            int r = hex4(pos);
                            pos += 4;
                            if (r >= 0xD800 && r < 0xE000) {
                                int r2 = b[pos] == '\\' && b[pos + 1] == 'u' ? hex4(pos + 2) : -1;
                                if (r < 0xDC00 && r2 >= 0xDC00 && r2 < 0xE000) {
                                    sb.append((char) r).append((char) r2);
                                    pos += 6;
                                } else {
                                    sb.append('\uFFFD'); // Go: invalid surrogate becomes U+FFFD
                                }
                            } else {
                                sb.append((char) r);
                            }
                            break;
                        }
                        default: // '"', '\\', '/'
                            sb.append((char) e);
                    }
                } else if (c < 0x80) {
                    sb.append((char) c);
                    pos++;
                } else {
                    pos = appendUtf8Rune(sb, pos);
                }
            }
        }

        private int hex4(int at) {
            int r = 0;
            for (int i = at; i < at + 4; i++) {
                r = (r << 4) | Character.digit(b[i], 16);
            }
            return r;
        }

        /**
         * Go's {@code utf8.DecodeRune}: appends the rune at {@code p} (or U+FFFD for each invalid
         * byte) and returns the position after it.
         */
        private int appendUtf8Rune(StringBuilder sb, int p) {
            int b0 = b[p] & 0xFF;
            int size;
            int lo = 0x80;
            int hi = 0xBF;
            if (b0 >= 0xC2 && b0 <= 0xDF) {
                size = 2;
            } else if (b0 >= 0xE0 && b0 <= 0xEF) {
                size = 3;
                if (b0 == 0xE0) {
                    lo = 0xA0;
                } else if (b0 == 0xED) {
                    hi = 0x9F;
                }
            } else if (b0 >= 0xF0 && b0 <= 0xF4) {
                size = 4;
                if (b0 == 0xF0) {
                    lo = 0x90;
                } else if (b0 == 0xF4) {
                    hi = 0x8F;
                }
            } else {
                sb.append('\uFFFD');
                return p + 1;
            }
            if (p + size > end) {
                sb.append('\uFFFD');
                return p + 1;
            }
            int b1 = b[p + 1] & 0xFF;
            if (b1 < lo || b1 > hi) {
                sb.append('\uFFFD');
                return p + 1;
            }
            int cp;
            if (size == 2) {
                cp = ((b0 & 0x1F) << 6) | (b1 & 0x3F);
            } else {
                int b2 = b[p + 2] & 0xFF;
                if (b2 < 0x80 || b2 > 0xBF) {
                    sb.append('\uFFFD');
                    return p + 1;
                }
                if (size == 3) {
                    cp = ((b0 & 0x0F) << 12) | ((b1 & 0x3F) << 6) | (b2 & 0x3F);
                } else {
                    int b3 = b[p + 3] & 0xFF;
                    if (b3 < 0x80 || b3 > 0xBF) {
                        sb.append('\uFFFD');
                        return p + 1;
                    }
                    cp = ((b0 & 0x07) << 18) | ((b1 & 0x3F) << 12) | ((b2 & 0x3F) << 6) | (b3 & 0x3F);
                }
            }
            sb.appendCodePoint(cp);
            return p + size;
        }
    }

    /** A number literal with a fraction or exponent (or a very long one), keeping its text. */
    private static final class GoNumberNode extends DecimalNode {
        private static final long serialVersionUID = 1L;
        private final String literal;

        GoNumberNode(String literal, BigDecimal value) {
            super(value);
            this.literal = literal;
        }

        @Override
        public String asText() {
            return literal;
        }
    }

    private static JsonNode numberNode(String literal) {
        boolean integral = literal.indexOf('.') < 0 && literal.indexOf('e') < 0 && literal.indexOf('E') < 0;
        if (literal.length() > MAX_EXACT_NUMBER_LENGTH) {
            return new GoNumberNode(literal, approximate(literal));
        }
        if (integral) {
            if (literal.length() <= 18) {
                long v = Long.parseLong(literal);
                return v == (int) v ? IntNode.valueOf((int) v) : LongNode.valueOf(v);
            }
            BigInteger v = new BigInteger(literal);
            return v.bitLength() < 64 ? LongNode.valueOf(v.longValue()) : BigIntegerNode.valueOf(v);
        }
        return new GoNumberNode(literal, exactDecimal(literal));
    }

    private static BigDecimal exactDecimal(String literal) {
        int e = Math.max(literal.indexOf('e'), literal.indexOf('E'));
        if (e < 0) {
            return new BigDecimal(literal);
        }
        BigDecimal mantissa = new BigDecimal(literal.substring(0, e));
        if (mantissa.signum() == 0) {
            return mantissa;
        }
        BigInteger exponent = new BigInteger(literal.substring(e + 1));
        BigInteger adjusted = exponent.add(BigInteger.valueOf((long) mantissa.precision() - mantissa.scale() - 1));
        if (adjusted.compareTo(BigInteger.valueOf(MAX_DECIMAL_EXPONENT)) > 0) {
            return clamped(mantissa.signum(), MAX_DECIMAL_EXPONENT);
        }
        if (adjusted.compareTo(BigInteger.valueOf(-MAX_DECIMAL_EXPONENT)) < 0) {
            return clamped(mantissa.signum(), -MAX_DECIMAL_EXPONENT);
        }
        return mantissa.scaleByPowerOfTen(exponent.intValueExact());
    }

    private static BigDecimal approximate(String literal) {
        double d = Double.parseDouble(literal);
        if (Double.isInfinite(d)) {
            return clamped(d > 0 ? 1 : -1, MAX_DECIMAL_EXPONENT);
        }
        return new BigDecimal(d);
    }

    private static BigDecimal clamped(int signum, int exponent) {
        BigDecimal v = BigDecimal.ONE.scaleByPowerOfTen(exponent);
        return signum < 0 ? v.negate() : v;
    }

    /**
     * The number literal of a number node as Go would print it in a type error: the literal as
     * written for nodes made by {@link #decodeFirstValue(byte[])} (integers are always printed in
     * their canonical form, which is how they were written, apart from {@code -0}).
     */
    public static String numberLiteral(JsonNode number) {
        return number.asText();
    }

    // ------------------------------------------------------------------------------------------
    // Typed readers (Go's UnmarshalTypeError texts)
    // ------------------------------------------------------------------------------------------

    /**
     * Reads an {@code int64} field.
     *
     * @param structAndPath e.g. {@code LatencyToxic.attributes.latency}
     * @return null if the node is missing or JSON null
     */
    public static Long readInt64(JsonNode node, String structAndPath) throws GoJsonException {
        return readInteger(node, structAndPath, "int64");
    }

    /** Reads a Go {@code int} field (64-bit, like Toxiproxy's amd64/arm64 builds). */
    public static Long readInt(JsonNode node, String structAndPath) throws GoJsonException {
        return readInteger(node, structAndPath, "int");
    }

    private static Long readInteger(JsonNode node, String structAndPath, String goType) throws GoJsonException {
        if (absent(node)) {
            return null;
        }
        if (node.isNumber()) {
            String literal = numberLiteral(node);
            Long v = parseInt64(literal);
            if (v == null) {
                throw fieldMismatch("number " + literal, structAndPath, goType);
            }
            return v;
        }
        throw fieldMismatch(kind(node), structAndPath, goType);
    }

    /** Go's {@code strconv.ParseInt(s, 10, 64)} for a JSON number literal; null if it fails. */
    private static Long parseInt64(String literal) {
        int n = literal.length();
        if (n == 0 || n > 20) {
            return null;
        }
        for (int i = 0; i < n; i++) {
            char c = literal.charAt(i);
            if (!(c >= '0' && c <= '9') && !(i == 0 && c == '-')) {
                return null;
            }
        }
        try {
            return Long.parseLong(literal);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Reads a {@code string} field; a number is reported as just {@code number}. */
    public static String readString(JsonNode node, String structAndPath) throws GoJsonException {
        if (absent(node)) {
            return null;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        throw fieldMismatch(kind(node), structAndPath, "string");
    }

    /** Reads a {@code bool} field; a number is reported as just {@code number}. */
    public static Boolean readBool(JsonNode node, String structAndPath) throws GoJsonException {
        if (absent(node)) {
            return null;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        throw fieldMismatch(kind(node), structAndPath, "bool");
    }

    /**
     * Reads a {@code float32} field: the literal is rounded to the nearest float32 (like
     * {@code strconv.ParseFloat(s, 32)}); one beyond float32 range is {@code number <literal>}.
     */
    public static Float readFloat32(JsonNode node, String structAndPath) throws GoJsonException {
        if (absent(node)) {
            return null;
        }
        if (node.isNumber()) {
            String literal = numberLiteral(node);
            float f;
            try {
                f = Float.parseFloat(literal);
            } catch (NumberFormatException e) {
                f = Float.POSITIVE_INFINITY;
            }
            if (Float.isInfinite(f) || Float.isNaN(f)) {
                throw fieldMismatch("number " + literal, structAndPath, "float32");
            }
            return f;
        }
        throw fieldMismatch(kind(node), structAndPath, "float32");
    }

    /**
     * Top-level check that the value decodes into a Go struct or map: JSON null and objects pass.
     *
     * @param goTypeDescription Go's name of the target type, e.g. {@code api.Proxy}
     */
    public static void requireObject(JsonNode node, String goTypeDescription) throws GoJsonException {
        if (absent(node) || node.isObject()) {
            return;
        }
        throw valueMismatch(kind(node), goTypeDescription);
    }

    /**
     * Top-level check that the value decodes into a Go slice: JSON null and arrays pass.
     *
     * @param goTypeDescription Go's name of the target type, e.g. {@code []api.Proxy}
     */
    public static void requireArray(JsonNode node, String goTypeDescription) throws GoJsonException {
        if (absent(node) || node.isArray()) {
            return;
        }
        throw valueMismatch(kind(node), goTypeDescription);
    }

    /**
     * The member of {@code object} that Go would decode into the struct field whose JSON name is
     * {@code goFieldName}: Go matches keys exactly or case-insensitively (Unicode simple folding),
     * and the last matching member in the document wins. Returns a {@link MissingNode} if none
     * matches or {@code object} is not an object.
     */
    public static JsonNode field(JsonNode object, String goFieldName) {
        JsonNode found = MissingNode.getInstance();
        if (object == null || !object.isObject()) {
            return found;
        }
        for (Map.Entry<String, JsonNode> member : object.properties()) {
            if (member.getKey().equals(goFieldName) || foldEquals(member.getKey(), goFieldName)) {
                found = member.getValue();
            }
        }
        return found;
    }

    private static boolean foldEquals(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb && fold(ca) != fold(cb)) {
                return false;
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return i == a.length() && j == b.length();
    }

    private static int fold(int cp) {
        return Character.toLowerCase(Character.toUpperCase(cp));
    }

    private static boolean absent(JsonNode node) {
        return node == null || node.isMissingNode() || node.isNull();
    }

    /** Go's name for the JSON kind in an {@code UnmarshalTypeError}. */
    private static String kind(JsonNode node) {
        switch (node.getNodeType()) {
            case STRING:
            case BINARY:
                return "string";
            case NUMBER:
                return "number";
            case BOOLEAN:
                return "bool";
            case ARRAY:
                return "array";
            default:
                return "object";
        }
    }

    private static GoJsonException fieldMismatch(String value, String structAndPath, String goType) {
        return new GoJsonException(
                "json: cannot unmarshal " + value + " into Go struct field " + structAndPath + " of type " + goType);
    }

    private static GoJsonException valueMismatch(String value, String goType) {
        return new GoJsonException("json: cannot unmarshal " + value + " into Go value of type " + goType);
    }

    // ------------------------------------------------------------------------------------------
    // Encoding
    // ------------------------------------------------------------------------------------------

    /**
     * Formats a float32 as Go's {@code encoding/json} encodes a {@code float32} field: the
     * shortest decimal that reads back as the same float32, plain notation ({@code 1},
     * {@code 0.5}, {@code 100000000}) unless the magnitude is below 1e-6 or at least 1e21, where
     * it is {@code 1e-7} / {@code 1e+21} style. Zero is {@code 0} ({@code -0} for negative zero).
     *
     * @throws IllegalArgumentException for NaN or infinities (Go refuses to encode them)
     */
    public static String formatFloat32(float f) {
        if (Float.isNaN(f) || Float.isInfinite(f)) {
            throw new IllegalArgumentException("json: unsupported value: " + f);
        }
        boolean negative = Float.floatToRawIntBits(f) < 0;
        float abs = Math.abs(f);
        if (abs == 0f) {
            return negative ? "-0" : "0";
        }
        BigDecimal shortest = shortestFloat32(abs);
        String digits = shortest.unscaledValue().toString();
        // value = 0.digits * 10^point
        int point = digits.length() - shortest.scale();
        StringBuilder sb = new StringBuilder(24);
        if (negative) {
            sb.append('-');
        }
        if (abs < 1e-6f || abs >= 1e21f) {
            sb.append(digits.charAt(0));
            if (digits.length() > 1) {
                sb.append('.').append(digits, 1, digits.length());
            }
            int exp = point - 1;
            sb.append('e').append(exp < 0 ? '-' : '+');
            int mag = Math.abs(exp);
            if (mag < 10 && exp > 0) {
                sb.append('0'); // Go cleans "e-07" to "e-7" but leaves positive exponents padded
            }
            sb.append(mag);
        } else if (point <= 0) {
            sb.append("0.");
            for (int i = point; i < 0; i++) {
                sb.append('0');
            }
            sb.append(digits);
        } else if (point >= digits.length()) {
            sb.append(digits);
            for (int i = digits.length(); i < point; i++) {
                sb.append('0');
            }
        } else {
            sb.append(digits, 0, point).append('.').append(digits, point, digits.length());
        }
        return sb.toString();
    }

    /**
     * The shortest decimal inside the float32 rounding interval of {@code v} (bounds included when
     * the mantissa is even, as in Go's Ryu); among equally short ones, the closest to {@code v}.
     * Trailing zeros stripped.
     */
    private static BigDecimal shortestFloat32(float v) {
        BigDecimal exact = new BigDecimal(v);
        BigDecimal half = new BigDecimal("0.5");
        BigDecimal low = exact.add(new BigDecimal(Math.nextDown(v))).multiply(half);
        float up = Math.nextUp(v);
        BigDecimal high = Float.isInfinite(up)
                ? exact.add(new BigDecimal(Math.ulp(v)).multiply(half))
                : exact.add(new BigDecimal(up)).multiply(half);
        boolean inclusive = (Float.floatToRawIntBits(v) & 1) == 0;
        for (int precision = 1; precision <= 9; precision++) {
            BigDecimal down = exact.round(new MathContext(precision, RoundingMode.FLOOR));
            BigDecimal upper = exact.round(new MathContext(precision, RoundingMode.CEILING));
            boolean downOk = inside(down, low, high, inclusive);
            boolean upOk = inside(upper, low, high, inclusive);
            if (downOk && upOk) {
                return exact.round(new MathContext(precision, RoundingMode.HALF_EVEN)).stripTrailingZeros();
            }
            if (downOk) {
                return down.stripTrailingZeros();
            }
            if (upOk) {
                return upper.stripTrailingZeros();
            }
        }
        return exact.round(new MathContext(9, RoundingMode.HALF_EVEN)).stripTrailingZeros();
    }

    private static boolean inside(BigDecimal d, BigDecimal low, BigDecimal high, boolean inclusive) {
        int lo = d.compareTo(low);
        int hi = d.compareTo(high);
        return inclusive ? lo >= 0 && hi <= 0 : lo > 0 && hi < 0;
    }
}
