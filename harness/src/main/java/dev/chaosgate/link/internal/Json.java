package dev.chaosgate.link.internal;

import dev.chaosgate.link.ProxyInfo;
import dev.chaosgate.link.ToxicDefinition;

import java.util.List;
import java.util.Map;

/** Writes the API's JSON byte for byte as Toxiproxy's Go {@code json.Marshal} does: field order, escaping, floats. */
final class Json {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Json() {
    }

    static String proxy(ProxyInfo proxy) {
        return "{\"name\":" + string(proxy.name())
                + ",\"listen\":" + string(proxy.listen())
                + ",\"upstream\":" + string(proxy.upstream())
                + ",\"enabled\":" + proxy.enabled()
                + ",\"Logger\":{}"
                + ",\"toxics\":" + toxics(proxy.toxics()) + "}";
    }

    static String proxyList(List<ProxyInfo> proxies) {
        StringBuilder out = new StringBuilder("[");
        for (ProxyInfo proxy : proxies) {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append(proxy(proxy));
        }
        return out.append(']').toString();
    }

    static String toxics(List<ToxicDefinition> toxics) {
        StringBuilder out = new StringBuilder("[");
        for (ToxicDefinition toxic : toxics) {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append(toxic(toxic));
        }
        return out.append(']').toString();
    }

    static String toxic(ToxicDefinition toxic) {
        StringBuilder attributes = new StringBuilder("{");
        for (Map.Entry<String, Long> attribute : toxic.attributes().entrySet()) {
            if (attributes.length() > 1) {
                attributes.append(',');
            }
            attributes.append(string(attribute.getKey())).append(':').append(attribute.getValue());
        }
        attributes.append('}');
        return "{\"attributes\":" + attributes
                + ",\"name\":" + string(toxic.name())
                + ",\"type\":" + string(toxic.type())
                + ",\"stream\":" + string(toxic.stream())
                + ",\"toxicity\":" + GoJson.formatFloat32(toxic.toxicity()) + "}";
    }

    /** A JSON string as Go escapes it: HTML-sensitive characters and U+2028/2029 too. */
    static String string(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                        out.append("\\u00").append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
                        if (c >= 0x100) {
                            out.setLength(out.length() - 4);
                            out.append(HEX[(c >> 12) & 0xF]).append(HEX[(c >> 8) & 0xF])
                                    .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
                        }
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
