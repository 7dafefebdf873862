package dev.chaosgate.report;

/**
 * Makes any text writable as XML 1.0. {@code XMLStreamWriter} escapes markup but passes through characters XML
 * forbids (a terminal's ANSI escapes, NUL, lone surrogates), which would make {@code junit.xml} unreadable to every
 * CI server; they become visible {@code \u001b}-style escapes instead.
 */
final class XmlText {
    private XmlText() {
    }

    static String clean(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean allowed;
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                if (out != null) {
                    out.append(c).append(text.charAt(i + 1));
                }
                i++;
                continue;
            }
            allowed = c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD);
            if (allowed) {
                if (out != null) {
                    out.append(c);
                }
            } else {
                if (out == null) {
                    out = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out == null ? text : out.toString();
    }

    /** {@link #clean} on one line: line breaks become spaces (attribute values lose them anyway). */
    static String oneLine(String text) {
        return clean(text).replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
