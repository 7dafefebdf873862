package dev.chaosgate.load.figures;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LatenciesTest {
    @Test
    void percentilesAreNearestRank() {
        Latencies latencies = new Latencies();
        for (int millis = 100; millis >= 1; millis--) {
            latencies.record(millis);
        }

        assertThat(latencies.percentiles()).isEqualTo(new Latencies.Percentiles(50, 95, 99));
        assertThat(latencies.percentile(100)).isEqualTo(100);
        assertThat(latencies.count()).isEqualTo(100);
    }

    @Test
    void nothingRecordedIsZero() {
        assertThat(new Latencies().percentiles()).isEqualTo(new Latencies.Percentiles(0, 0, 0));
    }
}
