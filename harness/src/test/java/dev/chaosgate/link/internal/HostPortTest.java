package dev.chaosgate.link.internal;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Hosts are read as Go's resolver reads them, not as {@code InetAddress.getByName} would. */
class HostPortTest {
    @ParameterizedTest
    @ValueSource(strings = {"12.0.1", "127.1", "2130706433", "127.000.0.1", "256.0.0.1", "1.2.3.4.5", "."})
    void numbersThatAreNoDottedQuadAreNamesThatDoNotExist(String host) throws Exception {
        HostPort address = HostPort.parse(host + ":0");

        assertThatThrownBy(address::resolve).isInstanceOf(HostPort.AddressException.class)
                .hasMessage("lookup " + host + ": no such host");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "0.0.0.0", "10.20.30.40", "255.255.255.255"})
    void dottedQuadsResolveToThemselves(String host) throws Exception {
        assertThat(HostPort.parse(host + ":7").resolve().getAddress().getHostAddress()).isEqualTo(host);
    }
}
