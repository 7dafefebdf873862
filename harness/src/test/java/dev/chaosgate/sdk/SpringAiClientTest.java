package dev.chaosgate.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Spring AI appends {@code /v1/chat/completions} itself: the client hands it the origin, never a second {@code /v1}. */
class SpringAiClientTest {
    @Test
    void chaosgateOriginWinsWhenSet() {
        assertThat(SpringAiClient.origin("http://127.0.0.1:4000/", "http://127.0.0.1:4000/v1")).isEqualTo("http://127.0.0.1:4000");
    }

    @Test
    void elseTheBaseUrlLosesItsTrailingV1() {
        assertThat(SpringAiClient.origin(null, "http://127.0.0.1:4000/v1")).isEqualTo("http://127.0.0.1:4000");
        assertThat(SpringAiClient.origin("", "http://127.0.0.1:4000/v1/")).isEqualTo("http://127.0.0.1:4000");
    }

    @Test
    void aBaseUrlWithoutV1IsKeptAsItIs() {
        assertThat(SpringAiClient.origin(null, "http://127.0.0.1:4000/proxy")).isEqualTo("http://127.0.0.1:4000/proxy");
    }
}
