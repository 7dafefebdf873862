package dev.chaosgate.report;

import java.util.regex.Pattern;

/** Escaping for text put into the HTML page and its inline SVG (element content and quoted attributes alike). */
final class Html {
    private Html() {
    }

    /** A terminal's colour and cursor codes ({@code ESC [ 31 m}), which a client's output may carry. */
    private static final Pattern ANSI = Pattern.compile("\\x1B\\[[0-9;?]*[ -/]*[@-~]");

    /**
     * The text with {@code & < > " '} as entities, terminal escape codes removed and other control characters than
     * tab and line breaks dropped (a browser would show them as boxes).
     */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        text = ANSI.matcher(text).replaceAll("");
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    if (c >= 0x20 && c != 0x7F || c == '\n' || c == '\t' || c == '\r') {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
