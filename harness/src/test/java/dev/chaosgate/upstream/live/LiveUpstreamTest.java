package dev.chaosgate.upstream.live;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where live mode sends a request, which URLs it refuses, and what redaction leaves of a secret. */
class LiveUpstreamTest {

    @ParameterizedTest(name = "{0} + {1}")
    @CsvSource(delimiter = '|', textBlock = """
            https://api.openai.com/v1                  | /v1/chat/completions          | https://api.openai.com/v1/chat/completions
            https://api.openai.com/v1/                 | /v1/models                    | https://api.openai.com/v1/models
            https://openrouter.ai/api/v1               | /v1/chat/completions?x=1      | https://openrouter.ai/api/v1/chat/completions?x=1
            https://res.openai.azure.com               | /openai/deployments/d/chat/completions?api-version=2024-10-21 | https://res.openai.azure.com/openai/deployments/d/chat/completions?api-version=2024-10-21
            http://127.0.0.1:11434                     | /v1/chat/completions          | http://127.0.0.1:11434/v1/chat/completions
            https://api.anthropic.com/v1               | /v1/messages                  | https://api.anthropic.com/v1/messages
            """)
    void aRequestGoesUnderTheBaseUrlWithTheGatewaysV1ReplacedByTheUrls(String base, String target, String expected) {
        assertThat(LiveUpstream.parse(base).target(target)).isEqualTo(URI.create(expected));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            ftp://api.example.com/v1                | is not an http or https URL
            api.openai.com/v1                       | is not an http or https URL
            https:///v1                             | has no host
            https://api.example.com/v1?key=abc      | has a query or a fragment
            http://bad host/v1                      | is not a URL
            """)
    void aUrlItCannotUseIsRefusedSayingWhyAndWithAnExample(String url, String why) {
        assertThatThrownBy(() -> LiveUpstream.parse(url)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(why).hasMessageNotContaining("abc");
    }

    @Test
    void credentialsInTheUrlAreRefusedWithoutRepeatingThem() {
        assertThatThrownBy(() -> LiveUpstream.parse("https://user:sk-secret@api.example.com/v1"))
                .hasMessageContaining("carries credentials").hasMessageNotContaining("sk-secret");
    }

    @Test
    void secretHeadersKeepOnlyTheirSchemeAndOthersStayAsTheyAre() {
        Map<String, List<String>> kept = Redaction.headers(Map.of(
                "authorization", List.of("Bearer sk-abc123"), "api-key", List.of("az-key"), "x-api-key", List.of("sk-ant-1"),
                "x-goog-api-key", List.of("AIza-1"), "Proxy-Authorization", List.of("Basic dXNlcjpwdw=="),
                "idempotency-key", List.of("stainless-retry-1")));

        assertThat(kept).containsEntry("authorization", List.of("Bearer [redacted]")).containsEntry("api-key", List.of("[redacted]"))
                .containsEntry("x-api-key", List.of("[redacted]")).containsEntry("x-goog-api-key", List.of("[redacted]"))
                .containsEntry("Proxy-Authorization", List.of("Basic [redacted]"))
                .as("not a secret").containsEntry("idempotency-key", List.of("stainless-retry-1"));
        assertThat(Redaction.headerValue("Authorization", "sk-bare-key")).as("no scheme: all of it").isEqualTo("[redacted]");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            /v1beta/models/gemini:generateContent?key=AIza123           | /v1beta/models/gemini:generateContent?key=[redacted]
            /v1/x?alt=sse&KEY=AIza123&b=2                               | /v1/x?alt=sse&KEY=[redacted]&b=2
            /v1/x?api_key=1&api-key=2&apikey=3&access_token=4           | /v1/x?api_key=[redacted]&api-key=[redacted]&apikey=[redacted]&access_token=[redacted]
            /v1/x?monkey=1&keys=2                                       | /v1/x?monkey=1&keys=2
            /v1/chat/completions                                        | /v1/chat/completions
            """)
    void keysInTheQueryAreRedactedAndOtherParametersKept(String target, String expected) {
        assertThat(Redaction.target(target)).isEqualTo(expected);
    }
}
