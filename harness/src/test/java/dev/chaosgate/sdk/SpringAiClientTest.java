package dev.chaosgate.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Spring AI and the Anthropic SDKs append {@code /v1/...} themselves: the clients hand them the origin, never a second {@code /v1}. */
class SpringAiClientTest {
    @Test
    void chaosgateOriginWinsWhenSet() {
        assertThat(ChatScreen.origin("http://127.0.0.1:4000/", "http://127.0.0.1:4000/v1")).isEqualTo("http://127.0.0.1:4000");
    }

    @Test
    void elseTheBaseUrlLosesItsTrailingV1() {
        assertThat(ChatScreen.origin(null, "http://127.0.0.1:4000/v1")).isEqualTo("http://127.0.0.1:4000");
        assertThat(ChatScreen.origin("", "http://127.0.0.1:4000/v1/")).isEqualTo("http://127.0.0.1:4000");
    }

    @Test
    void aBaseUrlWithoutV1IsKeptAsItIs() {
        assertThat(ChatScreen.origin(null, "http://127.0.0.1:4000/proxy")).isEqualTo("http://127.0.0.1:4000/proxy");
    }
}
