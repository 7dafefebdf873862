package dev.chaosgate.upstream.live;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes credentials out of what chaosgate keeps or shows of a request: the journal, the console, recordings and
 * reports never hold an API key. The value of {@code Authorization}, {@code Proxy-Authorization}, {@code api-key}
 * (Azure OpenAI), {@code x-api-key} (Anthropic) and {@code x-goog-api-key} (Gemini) becomes {@value #REDACTED}
 * (an {@code Authorization} keeps its scheme: {@code Bearer [redacted]}), and so does the value of a query
 * parameter that carries a key ({@code ?key=}, Gemini's; {@code api_key}, {@code api-key}, {@code apikey},
 * {@code access_token}). What goes on the wire to the real API is never redacted. Pure and thread-safe.
 */
public final class Redaction {
    /** What a secret's value is replaced with. */
    public static final String REDACTED = "[redacted]";
    /** Header names (lower case) whose values are secrets. */
    public static final Set<String> SECRET_HEADERS = Set.of("authorization", "proxy-authorization", "api-key", "x-api-key",
            "x-goog-api-key");
    private static final Pattern SECRET_QUERY = Pattern.compile(
            "(?i)([?&;](?:key|api_key|api-key|apikey|access_token)=)[^&;#]*");
    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)\\s+\\S.*$", Pattern.DOTALL);

    private Redaction() {
    }

    /** Whether a header of this name (any case) carries a secret. */
    public static boolean isSecretHeader(String name) {
        return name != null && SECRET_HEADERS.contains(name.toLowerCase(Locale.ROOT));
    }

    /** The value to keep of header {@code name}: {@code value} itself, or its redacted form for a secret header. */
    public static String headerValue(String name, String value) {
        if (!isSecretHeader(name) || value == null) {
            return value;
        }
        Matcher scheme = SCHEME.matcher(value.strip());
        // "Bearer [redacted]" still says how the client authenticated, which a bug report may need.
        boolean authorization = name.equalsIgnoreCase("authorization") || name.equalsIgnoreCase("proxy-authorization");
        return authorization && scheme.matches() ? scheme.group(1) + " " + REDACTED : REDACTED;
    }

    /** {@code headers} (names as given) with every secret value redacted; unmodifiable, in the same order. */
    public static Map<String, List<String>> headers(Map<String, List<String>> headers) {
        Map<String, List<String>> kept = new LinkedHashMap<>();
        headers.forEach((name, values) -> kept.put(name, isSecretHeader(name)
                ? values.stream().map(v -> headerValue(name, v)).toList() : values));
        return Collections.unmodifiableMap(kept);
    }

    /** A request target or URL ({@code /v1beta/models?key=abc}) with the value of every key-carrying query parameter redacted. */
    public static String target(String target) {
        if (target == null || target.indexOf('=') < 0) {
            return target;
        }
        return SECRET_QUERY.matcher(target).replaceAll("$1" + Matcher.quoteReplacement(REDACTED));
    }
}
