package dev.chaosgate.example.chat;

import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.junit.ChaosTest;
import dev.chaosgate.junit.PlayScenario;
import org.junit.jupiter.api.Test;

/** The tutorial's first step: one scenario, one message, one verdict. */
// tag::first-test[]
@ChaosTest
class FirstChaosTest {
    @Test
    @PlayScenario("bad-gateway-burst")
    void aBurstOf502sIsRetriedAway(ChaosGateway gateway) {
        try (RunningChatApp app = RunningChatApp.start(gateway.baseUrl())) {       // the app, pointed at the gateway
            ChatApiClient.Screen screen = new ChatApiClient(app.url()).send("Where is my order 1234?");

            gateway.verdict("Where is my order 1234?", screen.shown(), screen.draft()).assertPassed();
        }
    }
}
// end::first-test[]
