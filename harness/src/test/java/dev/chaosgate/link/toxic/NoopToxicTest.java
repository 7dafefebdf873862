package dev.chaosgate.link.toxic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaosgate.link.ToxicStream;
import dev.chaosgate.link.testing.LinkTestSupport;
import dev.chaosgate.link.testing.TcpPeer;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class NoopToxicTest extends LinkTestSupport {

    @Test
    void passesEverythingBothWays() throws Exception {
        int port = proxyToEcho("p");
        addToxic("p", "n_up", "noop", ToxicStream.UPSTREAM, Map.of());
        addToxic("p", "n_down", "noop", ToxicStream.DOWNSTREAM, Map.of());
        Socket client = connect(port);
        byte[] data = pattern(64 * 1024, 1);

        client.getOutputStream().write(data);
        assertThat(readExactly(client, data.length)).isEqualTo(data);
        assertThat(engine.toxics("p")).extracting(t -> t.name()).containsExactly("n_up", "n_down");
        assertThat(roundTripMillis(client, "rt".getBytes())).isLessThan(500);
    }

    @Test
    void passesTheEndOfTheStream() throws Exception {
        int port = proxyToSink("p");
        addToxic("p", "n", "noop", ToxicStream.DOWNSTREAM, Map.of());
        TcpPeer client = connectRecording(port);
        TcpPeer server = sink.awaitPeer(SHORT);

        server.send("last words".getBytes());
        server.close();
        client.awaitEnd(SHORT);
        assertThat(client.received()).isEqualTo("last words".getBytes());
        assertThat(client.failure()).isNull();
    }

    @Test
    void echoRoundTripsSurviveNoopToxicsComingAndGoing() throws Exception {
        int port = proxyToEcho("p");
        Socket client = connect(port);
        AtomicBoolean done = new AtomicBoolean();
        Future<Integer> churn = background(() -> {
            int changes = 0;
            while (!done.get() && changes < 400) {
                ToxicStream stream = changes % 4 < 2 ? ToxicStream.UPSTREAM : ToxicStream.DOWNSTREAM;
                String name = "noop_" + stream.wireName();
                if (changes % 2 == 0) {
                    addToxic("p", name, "noop", stream, Map.of());
                } else {
                    engine.removeToxic("p", name);
                }
                changes++;
            }
            return changes;
        });

        for (int i = 0; i < 100; i++) {
            byte[] message = ("message " + i).getBytes();
            client.getOutputStream().write(message);
            assertThat(readExactly(client, message.length)).isEqualTo(message);
        }
        done.set(true);
        assertThat(churn.get(10, TimeUnit.SECONDS)).isPositive();
    }
}
