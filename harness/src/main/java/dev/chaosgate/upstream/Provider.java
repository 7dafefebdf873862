package dev.chaosgate.upstream;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The provider a client under test speaks to. The fake upstream serves every provider's wire dialect at once
 * (each request's path picks it), so a provider only says what the client expects: the base URL its SDK takes and,
 * for the bundled client, which wire it writes. See {@code docs/providers.md}.
 */
public enum Provider {
    /** OpenAI's Chat Completions and Responses ({@code POST /v1/chat/completions}, {@code /v1/responses}). */
    OPENAI("openai"),
    /** Anthropic's Messages API ({@code POST /v1/messages}); its SDKs append {@code /v1/messages} to the origin. */
    ANTHROPIC("anthropic"),
    /**
     * Azure OpenAI's Chat Completions on a deployment URL ({@code POST /openai/deployments/{d}/chat/completions});
     * its SDKs take the origin as their {@code endpoint} and add {@code /openai/deployments/...} themselves.
     */
    AZURE("azure"),
    /**
     * Google's Gemini API ({@code POST /v1beta/models/{model}:generateContent}, {@code :streamGenerateContent});
     * {@code @google/genai} takes the origin as its {@code httpOptions.baseUrl} and adds {@code /v1beta/models/...}.
     */
    GEMINI("gemini");

    private final String id;

    Provider(String id) {
        this.id = id;
    }

    /** The name {@code run --provider} takes: {@code openai}, {@code anthropic}, {@code azure}, {@code gemini}. */
    public String id() {
        return id;
    }

    /**
     * The base URL this provider's SDKs take, from the gateway's {@code /v1} base URL: OpenAI's SDKs take it as
     * it is; Anthropic's, Azure OpenAI's (its {@code endpoint}) and Gemini's the origin without {@code /v1}.
     */
    public String sdkBaseUrl(String v1BaseUrl) {
        if (this == OPENAI) {
            return v1BaseUrl;
        }
        String url = v1BaseUrl.endsWith("/") ? v1BaseUrl.substring(0, v1BaseUrl.length() - 1) : v1BaseUrl;
        return url.endsWith("/v1") ? url.substring(0, url.length() - 3) : url;
    }

    /** The provider named {@code id} (any case), or an error listing the names. */
    public static Provider named(String id) {
        for (Provider provider : values()) {
            if (provider.id.equalsIgnoreCase(id.strip())) {
                return provider;
            }
        }
        throw new IllegalArgumentException("no provider named '" + id + "'; the providers are "
                + Arrays.stream(values()).map(Provider::id).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return id.toLowerCase(Locale.ROOT);
    }
}
