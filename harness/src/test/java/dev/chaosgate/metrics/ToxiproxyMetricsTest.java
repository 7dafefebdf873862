package dev.chaosgate.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaosgate.link.LinkEvent;
import dev.chaosgate.link.LinkServer;
import dev.chaosgate.link.ProxyInfo;
import dev.chaosgate.metrics.PrometheusText.Family;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /metrics} of the link's Toxiproxy API as {@code toxiproxy-server -proxy-metrics
 * -runtime-metrics} serves it, read with a real Prometheus text-format parser. Names, type and labels
 * are Toxiproxy 2.12's ({@code collectors/proxy.go}: namespace {@code toxiproxy}, subsystem
 * {@code proxy}, labels direction, proxy, listener, upstream; no help text); the byte counts are what
 * the test itself sent and received.
 */
class ToxiproxyMetricsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void parser() {
        PrometheusText.assumeParserInstalled();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
    }

    @Test
    void proxyMetricsCountEveryByteOfEachDirection() throws Exception {
        LinkServer link = start(LinkServer.builder().proxyMetrics(true));
        byte[] request = randomBytes(100_003, 1);
        byte[] answer = randomBytes(250_007, 2);
        AnsweringServer server = new AnsweringServer(request.length, answer);
        closeables.add(server);
        ProxyInfo proxy = link.engine().createProxy("api", "127.0.0.1:0", "127.0.0.1:" + server.port(), true);
        CountDownLatch closed = new CountDownLatch(1);
        link.engine().onEvent(event -> {
            if (event.kind() == LinkEvent.Kind.CLOSED) {
                closed.countDown();
            }
        });

        byte[] received = exchange(proxy, request);
        assertThat(received).as("the answer through the proxy").isEqualTo(answer);
        assertThat(closed.await(10, TimeUnit.SECONDS)).as("the connection closed on the link").isTrue();

        HttpResponse<String> scrape = get(link, "/metrics");
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(scrape.headers().firstValue("X-Toxiproxy-Request-Id")).as("a routed request, as in Toxiproxy").isPresent();
        assertThat(scrape.headers().firstValue("X-Content-Type-Options")).as("Prometheus' handler sets no nosniff").isEmpty();
        Map<String, Family> families = PrometheusText.parse(scrape.body());
        assertThat(families.keySet()).as("only the proxy metrics without -runtime-metrics")
                .containsExactly("toxiproxy_proxy_received_bytes_total", "toxiproxy_proxy_sent_bytes_total");

        Family receivedBytes = families.get("toxiproxy_proxy_received_bytes_total");
        Family sentBytes = families.get("toxiproxy_proxy_sent_bytes_total");
        assertThat(receivedBytes.type()).isEqualTo("COUNTER");
        assertThat(sentBytes.type()).isEqualTo("COUNTER");
        String upstream = "127.0.0.1:" + server.port();
        assertBytes(receivedBytes, proxy, upstream, "upstream", request.length, "read from the client");
        assertBytes(sentBytes, proxy, upstream, "upstream", request.length, "written to the upstream server");
        assertBytes(receivedBytes, proxy, upstream, "downstream", answer.length, "read from the upstream server");
        assertBytes(sentBytes, proxy, upstream, "downstream", answer.length, "written back to the client");
        assertThat(receivedBytes.samples()).as("one series per direction").hasSize(2);

        // A deleted proxy keeps its totals, as a Prometheus counter keeps its series in Toxiproxy.
        link.engine().deleteProxy("api");
        Map<String, Family> afterDelete = PrometheusText.parse(get(link, "/metrics").body());
        assertBytes(afterDelete.get("toxiproxy_proxy_sent_bytes_total"), proxy, upstream, "downstream", answer.length,
                "written back to the client, after the proxy was deleted");

        HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create(link.url() + "/metrics"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).as("Toxiproxy routes /metrics for every method").isEqualTo(200);
    }

    @Test
    void aProxyMovedToAnotherUpstreamKeepsItsOldSeriesAndCountsAfreshUnderTheNewOne() throws Exception {
        LinkServer link = start(LinkServer.builder().proxyMetrics(true));
        byte[] first = randomBytes(1_001, 3);
        byte[] firstAnswer = randomBytes(2_002, 4);
        byte[] second = randomBytes(3_003, 5);
        byte[] secondAnswer = randomBytes(4_004, 6);
        AnsweringServer one = new AnsweringServer(first.length, firstAnswer);
        AnsweringServer two = new AnsweringServer(second.length, secondAnswer);
        closeables.add(one);
        closeables.add(two);
        ProxyInfo before = link.engine().createProxy("api", "127.0.0.1:0", "127.0.0.1:" + one.port(), true);
        assertThat(exchange(before, first)).isEqualTo(firstAnswer);
        ProxyInfo after = link.engine().updateProxy("api", null, "127.0.0.1:" + two.port(), null);
        assertThat(exchange(after, second)).isEqualTo(secondAnswer);

        Map<String, Family> families = PrometheusText.parse(get(link, "/metrics").body());

        Family receivedBytes = families.get("toxiproxy_proxy_received_bytes_total");
        assertBytes(receivedBytes, before, "127.0.0.1:" + one.port(), "upstream", first.length,
                "read from the client while the proxy led to the first upstream");
        assertBytes(receivedBytes, after, "127.0.0.1:" + two.port(), "upstream", second.length,
                "read from the client after the move, not counting the bytes before it");
        assertBytes(families.get("toxiproxy_proxy_sent_bytes_total"), after, "127.0.0.1:" + two.port(), "downstream",
                secondAnswer.length, "written back to the client after the move");
        assertThat(receivedBytes.samples()).as("two sets of addresses, two directions").hasSize(4);
    }

    @Test
    void runtimeMetricsAreTheJvmsAndComeOnlyWithTheirFlag() throws Exception {
        LinkServer link = start(LinkServer.builder().runtimeMetrics(true));
        link.engine().createProxy("api", "127.0.0.1:0", "127.0.0.1:1", true);

        Map<String, Family> families = PrometheusText.parse(get(link, "/metrics").body());

        assertThat(families).containsKeys("jvm_memory_used_bytes", "jvm_threads_current", "jvm_runtime_info",
                "process_cpu_seconds_total", "process_start_time_seconds");
        assertThat(families.get("process_cpu_seconds_total").type()).isEqualTo("COUNTER");
        assertThat(families.get("jvm_threads_current").type()).isEqualTo("GAUGE");
        assertThat(families.keySet()).as("no proxy metrics without -proxy-metrics")
                .noneMatch(name -> name.startsWith("toxiproxy_"));
        assertThat(families.keySet()).as("the JVM's metrics, never Go's names").noneMatch(name -> name.startsWith("go_"));
    }

    @Test
    void bothFlagsServeBoth() throws Exception {
        LinkServer link = start(LinkServer.builder().proxyMetrics(true).runtimeMetrics(true));
        link.engine().createProxy("api", "127.0.0.1:0", "127.0.0.1:1", true);

        Map<String, Family> families = PrometheusText.parse(get(link, "/metrics").body());

        assertThat(families).containsKeys("toxiproxy_proxy_received_bytes_total", "toxiproxy_proxy_sent_bytes_total",
                "jvm_memory_used_bytes", "process_cpu_seconds_total");
    }

    @Test
    void withoutMetricsFlagsMetricsIsNotFoundAsInToxiproxy() throws Exception {
        LinkServer link = start(LinkServer.builder());

        HttpResponse<String> scrape = get(link, "/metrics");

        assertThat(scrape.statusCode()).isEqualTo(404);
        assertThat(scrape.body()).isEqualTo("404 page not found\n");
        assertThat(scrape.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
        assertThat(scrape.headers().firstValue("X-Toxiproxy-Request-Id")).as("unrouted, as in Toxiproxy").isEmpty();
    }

    private static void assertBytes(Family family, ProxyInfo proxy, String upstream, String direction, long expected,
                                    String what) {
        Map<String, String> labels = Map.of("direction", direction, "listener", proxy.listen(), "proxy", proxy.name(),
                "upstream", upstream);
        assertThat(family.sample(labels))
                .as("%s{%s}: the bytes %s (%d sent by the test); samples served: %s", family.name(), labels, what,
                        expected, family.samples())
                .hasValueSatisfying(sample -> assertThat(sample.value()).isEqualByComparingTo(BigDecimal.valueOf(expected)));
    }

    private LinkServer start(dev.chaosgate.link.LinkServerBuilder builder) {
        LinkServer link = builder.ioThreads(1).start();
        closeables.add(link);
        return link;
    }

    private static HttpResponse<String> get(LinkServer link, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(link.url() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Sends {@code request} through the proxy, reads the answer to its end, then closes. */
    private static byte[] exchange(ProxyInfo proxy, byte[] request) throws IOException {
        int port = Integer.parseInt(proxy.listen().substring(proxy.listen().lastIndexOf(':') + 1));
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            return socket.getInputStream().readAllBytes();
        }
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Reads exactly the request's length, answers with different bytes (so directions cannot be swapped), closes. */
    private static final class AnsweringServer implements AutoCloseable {
        private final ServerSocket socket;
        private final Thread thread;

        AnsweringServer(int requestLength, byte[] answer) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            thread = new Thread(() -> {
                try (Socket connection = socket.accept()) {
                    InputStream in = connection.getInputStream();
                    byte[] read = in.readNBytes(requestLength);
                    if (read.length == requestLength) {
                        connection.getOutputStream().write(answer);
                        connection.getOutputStream().flush();
                    }
                } catch (IOException e) {
                    // closed by the test
                }
            }, "answering-server");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
