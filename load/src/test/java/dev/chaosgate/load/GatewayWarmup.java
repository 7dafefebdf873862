package dev.chaosgate.load;

import dev.chaosgate.gateway.ChaosGateway;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Warms a gateway up before it is measured (JIT, connection and buffer pools): chat completions
 * with its faults paused, then the scenario played again from its start, so the run meets a warm
 * gateway in a fresh scenario. Without it the first second's slow answers pile up in flight and
 * the gateway sheds before any spike.
 */
final class GatewayWarmup {
    private static final String BODY = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"warm up\"}]}";
    private static final int CALLERS_PER_GATEWAY = 2;

    private GatewayWarmup() {
    }

    /** Warms {@code gateways} at the same time for {@code during}. */
    static void warm(Duration during, ChaosGateway... gateways) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long end = System.nanoTime() + during.toNanos();
        List<Thread> callers = new ArrayList<>();
        try {
            for (ChaosGateway gateway : gateways) {
                gateway.pauseFaults();
            }
            for (int i = 0; i < CALLERS_PER_GATEWAY * gateways.length; i++) {
                HttpRequest request = HttpRequest.newBuilder(URI.create(gateways[i % gateways.length].baseUrl() + "/chat/completions"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
                Thread caller = new Thread(() -> {
                    try {
                        while (System.nanoTime() - end < 0) {
                            client.send(request, HttpResponse.BodyHandlers.discarding());
                        }
                    } catch (IOException e) {
                        throw new IllegalStateException("the gateway failed while warming up: " + e.getMessage(), e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "chaosgate-warmup-" + i);
                caller.start();
                callers.add(caller);
            }
            for (Thread caller : callers) {
                caller.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            for (ChaosGateway gateway : gateways) {
                gateway.resumeFaults();
                gateway.restart();
            }
        }
    }
}
