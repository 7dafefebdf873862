package dev.chaosgate.link.backend;

import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Testcontainers;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link LinkBackendTest}'s scenario against a real Toxiproxy 2.12 container. Needs a Docker engine;
 * skipped (and reported as skipped) without one.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerToxiproxyBackendTest {

    @Test
    void sameScenarioAgainstARealToxiproxy() throws IOException {
        try (ContainerToxiproxyBackend backend = ContainerToxiproxyBackend.start()) {
            assertThat(backend.client().version()).contains("2.12.0");
            assertThat(backend.upstreamAddress("127.0.0.1", 8080)).isEqualTo("host.testcontainers.internal:8080");
            assertThat(backend.upstreamAddress("redis", 6379)).isEqualTo("redis:6379");

            LinkBackendTest.latencyScenario(backend);
        }
    }

    @Test
    void handsOutTheExposedPortsOnly() {
        try (ContainerToxiproxyBackend backend = ContainerToxiproxyBackend.start()) {
            assertThat(backend.listenAddress(0)).isEqualTo("0.0.0.0:8666");
            assertThat(backend.listenAddress(0)).isEqualTo("0.0.0.0:8667");
            assertThat(backend.listenAddress(8697)).isEqualTo("0.0.0.0:8697");
            assertThatThrownBy(() -> backend.listenAddress(9000)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
