package dev.chaosgate.upstream.internal;

import dev.chaosgate.upstream.WireDialect;
import dev.chaosgate.upstream.dialect.anthropic.AnthropicDialect;
import dev.chaosgate.upstream.dialect.azure.AzureOpenAiDialect;
import dev.chaosgate.upstream.dialect.gemini.GeminiDialect;

import java.util.List;

/** The providers' dialects the upstream speaks besides OpenAI's own, each picked by a request's path. */
public final class Dialects {
    private static final List<WireDialect> ALL = List.of(new AnthropicDialect(), new AzureOpenAiDialect(),
            new GeminiDialect());

    private Dialects() {
    }

    /** Every dialect, in the order {@code run --provider} lists them. */
    public static List<WireDialect> all() {
        return ALL;
    }

    /** The dialect that serves a request of {@code method} to {@code route} (a path without query), or null for OpenAI's. */
    static WireDialect of(String method, String route) {
        for (WireDialect dialect : ALL) {
            if (dialect.serves(method, route)) {
                return dialect;
            }
        }
        return null;
    }
}
