package dev.chaosgate.gateway;

import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.verdict.Attempt;
import dev.chaosgate.verdict.ClientReport;
import dev.chaosgate.verdict.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@code black-hole-timeout} holds a connection until the client closes it: nothing in the gateway (the link's
 * {@code timeout} toxic with timeout 0, the link's sockets, the fake upstream's Jetty idle timeout, once 30 s)
 * closes it first. A raw socket client sends a chat request and waits, reading, for {@link #HOLD}: 40 s by default
 * (past the old 30 s close), 3 minutes with {@code -Dchaosgate.long=true}. Then it closes, and the gateway sees it.
 * It only waits and asserts no timing, so it runs beside the other tests (see junit-platform.properties).
 */
@Timeout(300)
@Execution(ExecutionMode.CONCURRENT)
class BlackHoleHoldTest {
    /** How long the client waits: past Jetty's former 30 s idle close, or the 3 minutes when asked for. */
    static final Duration HOLD = Boolean.getBoolean("chaosgate.long") ? Duration.ofMinutes(3) : Duration.ofSeconds(40);
    private static final String PROMPT = "Explain how TCP slow start works";

    @Test
    void aBlackHoleHoldsTheConnectionUntilTheClientClosesIt() throws Exception {
        try (ChaosGateway gateway = ChaosGateway.builder().scenario(ScenarioCatalog.builtIn().get("black-hole-timeout")).start()) {
            URI base = URI.create(gateway.baseUrl());
            long start = System.nanoTime();
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 2000);
                byte[] body = ("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}")
                        .getBytes(StandardCharsets.UTF_8);
                OutputStream out = socket.getOutputStream();
                out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                socket.setSoTimeout(1000);
                InputStream in = socket.getInputStream();
                Duration held = Duration.ZERO;
                while (held.compareTo(HOLD) < 0) {
                    try {
                        int read = in.read();
                        held = Duration.ofNanos(System.nanoTime() - start);
                        fail("the black hole " + (read < 0 ? "closed the connection" : "sent a byte (" + read + ")")
                                + " after " + held.toMillis() + " ms; it must hold it until the client closes it (" + HOLD + ")");
                    } catch (SocketTimeoutException quiet) {
                        held = Duration.ofNanos(System.nanoTime() - start);
                    } catch (IOException broken) {
                        fail("the connection broke after " + Duration.ofNanos(System.nanoTime() - start).toMillis()
                                + " ms (" + broken + "); a black hole holds it until the client closes it (" + HOLD + ")");
                    }
                }
                assertThat(gateway.linkCounters().connectionsOpen()).as("the link still holds the connection after %s", held)
                        .isEqualTo(1);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (gateway.linkCounters().connectionsOpen() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(gateway.linkCounters().connectionsOpen()).as("the link saw the client close its connection").isZero();
            assertThat(gateway.exchanges()).as("nothing reached the upstream through the black hole").isEmpty();
            Verdict verdict = gateway.verdict(ClientReport.of(PROMPT, List.of(), PROMPT));
            assertThat(verdict.attempts()).as(verdict.explain()).hasSize(1);
            Attempt attempt = verdict.attempts().get(0);
            assertThat(attempt.clientGaveUp()).as("the close is the client's: %s", attempt.describe()).isTrue();
            assertThat(attempt.end().minus(attempt.offset())).as("the attempt lasted until the client closed it: %s", attempt.describe())
                    .isGreaterThanOrEqualTo(HOLD.minusSeconds(1));
        }
    }
}
