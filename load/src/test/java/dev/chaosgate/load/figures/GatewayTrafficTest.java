package dev.chaosgate.load.figures;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class GatewayTrafficTest {
    private final GatewayTraffic traffic = new GatewayTraffic(Instant.now(), 503);

    private void second(int second, int answered, int shed) {
        for (int i = 0; i < answered; i++) {
            traffic.count(second, 200);
        }
        for (int i = 0; i < shed; i++) {
            traffic.count(second, 503);
        }
    }

    @Test
    void theEpisodeBridgesOneCalmSecondAndIgnoresStrayOnes() {
        second(0, 9, 1);     // a stray shed: 10 %, overloaded
        second(1, 20, 0);
        second(5, 10, 30);
        second(6, 10, 50);
        second(7, 20, 1);    // calm inside the episode
        second(8, 10, 10);
        second(9, 20, 0);
        second(10, 20, 0);

        GatewayTraffic.Overload overload = traffic.overload();

        assertThat(overload.episode()).isEqualTo(new GatewayTraffic.Window(5, 9));
        assertThat(overload.episode().seconds()).isEqualTo(4);
        assertThat(overload.overloadedSeconds()).isEqualTo(4);
    }

    @Test
    void noShedNoOverload() {
        second(0, 10, 0);

        assertThat(traffic.overload()).isNull();
        assertThat(traffic.attempts()).isEqualTo(10);
        assertThat(traffic.turnedAway()).isZero();
    }

    @Test
    void ratesAreAveragedOverTheSecondsAsked() {
        second(0, 10, 10);
        second(1, 20, 0);

        assertThat(traffic.attemptRate(0, 2)).isEqualTo(20.0);
        assertThat(traffic.answerRate(0, 2)).isEqualTo(15.0);
        assertThat(traffic.peakAttemptRate()).isEqualTo(20);
        assertThat(traffic.timeline()).extracting(GatewayTraffic.Second::turnedAway).containsExactly(10L, 0L);
    }
}
