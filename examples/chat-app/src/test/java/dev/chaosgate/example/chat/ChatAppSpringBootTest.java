package dev.chaosgate.example.chat;

import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.junit.ChaosExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.chaosgate.verdict.ChaosAssertions.assertThat;

/**
 * The Spring Boot recipe of {@code docs/junit.md}: {@code @SpringBootTest} starts the application context once for
 * the class, before its first test, so the gateway must exist before the context does. A {@code ChaosExtension} in a
 * static field starts one gateway for the class first, and {@code @DynamicPropertySource} hands its URL to the app.
 * The verdict passes only if the app's requests went through this gateway (else {@code FAULT_NOT_EXERCISED}).
 */
// tag::spring-boot-test[]
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "chat.api.key=sk-test")
class ChatAppSpringBootTest {
    @RegisterExtension                          // static: one gateway for the class, started before the context
    static ChaosExtension chaos = ChaosExtension.builder().scenario("bad-gateway-burst").build();

    @DynamicPropertySource
    static void pointTheAppAtTheGateway(DynamicPropertyRegistry registry) {
        registry.add("chat.api.base-url", () -> chaos.gateway().baseUrl());    // read when the context starts
    }

    @LocalServerPort
    int port;

    @Test
    void aBurstOf502sIsRetriedAway(ChaosGateway gateway) {
        ChatApiClient.Screen screen = new ChatApiClient("http://127.0.0.1:" + port).send("Where is my order 1234?");

        assertThat(gateway).forPrompt("Where is my order 1234?").showed(screen.shown()).withDraft(screen.draft()).passes();
    }
}
// end::spring-boot-test[]
