package dev.chaosgate.verdict.clients;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The no-backoff client retries the moment a failure comes back. Apart from {@link ReferenceClientsTest}
 * because its gaps are the one upper bound under a second: it runs with the cores to itself, where another
 * test's work cannot delay a retry sent at once.
 */
class NoBackoffClientTest {
    @Test
    void noBackoffRetriesAtOnce() {
        ReferenceClientsTest.Run run = ReferenceClientsTest.run(new NoBackoffClient(), "bad-gateway-burst", false);
        assertThat(run.exchanges()).hasSize(3);
        assertThat(run.gaps()).allSatisfy(gap -> assertThat(gap).isLessThan(Duration.ofMillis(100)));
        ReferenceClientsTest.assertAnswered(run);
    }
}
