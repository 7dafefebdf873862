package dev.chaosgate.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.link.LinkEvent;
import dev.chaosgate.link.ToxicStream;
import dev.chaosgate.scenario.Chaos;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.upstream.Faults;
import dev.chaosgate.upstream.StreamPacing;
import dev.chaosgate.upstream.UpstreamExchange;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class JournalTest {
    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"write a haiku\"}]}";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private int send(ChaosGateway gateway, int retryCount) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/chat/completions"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", "op-1")
                .header("X-Stainless-Retry-Count", String.valueOf(retryCount))
                .POST(HttpRequest.BodyPublishers.ofString(CHAT)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static List<JsonNode> parse(String lines) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : lines.split("\n")) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }

    @Test
    void aPlayedScenarioIsJournalledAsJsonLinesAndLive() throws Exception {
        Scenario scenario = Chaos.scenario("burst-then-fine")
                .then(Chaos.phase("burst").forRequests(2).serving(Faults.badGateway()))
                .then(Chaos.phase("recovered"))
                .build();
        try (ChaosGateway gateway = ChaosGateway.builder().pacing(StreamPacing.immediate()).scenario(scenario).start()) {
            List<Journal.Entry> live = new CopyOnWriteArrayList<>();
            gateway.journal().onEntry(live::add);

            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                statuses.add(send(gateway, i));
            }
            assertThat(statuses).containsExactly(502, 502, 200);
            await().atMost(Duration.ofSeconds(5)).until(() -> gateway.journal().requests().size() == 3);

            String text = gateway.journal().toJsonLines();
            StringWriter written = new StringWriter();
            gateway.journal().writeJsonLines(written);
            assertThat(written.toString()).isEqualTo(text);
            assertThat(text).endsWith("\n");
            List<JsonNode> lines = parse(text);
            assertThat(lines).allSatisfy(line -> assertThat(line.get("type").asText()).isIn("request", "link"));

            List<JsonNode> requests = lines.stream().filter(l -> l.get("type").asText().equals("request")).toList();
            assertThat(requests).extracting(r -> r.get("phase").asText()).containsExactly("burst", "burst", "recovered");
            assertThat(requests).extracting(r -> r.get("status").asInt()).containsExactly(502, 502, 200);
            assertThat(requests).extracting(r -> r.get("sequence").asLong()).containsExactly(1L, 2L, 3L);
            assertThat(requests).extracting(r -> r.get("retryCount").asInt()).containsExactly(0, 1, 2);
            for (JsonNode r : requests) {
                assertThat(r.get("method").asText()).isEqualTo("POST");
                assertThat(r.get("path").asText()).isEqualTo("/v1/chat/completions");
                assertThat(r.get("prompt").asText()).isEqualTo("write a haiku");
                assertThat(r.get("idempotencyKey").asText()).isEqualTo("op-1");
                assertThat(r.get("headers").get("idempotency-key").get(0).asText()).isEqualTo("op-1");
                assertThat(r.get("body").asText()).isEqualTo(CHAT);
                assertThat(r.get("complete").asBoolean()).isTrue();
                assertThat(r.get("streamed").asBoolean()).isFalse();
                assertThat(r.get("durationMs").isNumber()).isTrue();
                assertThat(r.get("responseHeaders").isObject()).isTrue();
                assertThat(Instant.parse(r.get("arrived").asText())).isBeforeOrEqualTo(Instant.now());
                assertThat(r.get("connection").asInt()).isPositive();
            }
            assertThat(requests.get(0).get("fault").isNull()).isFalse();
            assertThat(requests.get(0).get("failureClass").asText()).isEqualTo("bad_gateway");
            assertThat(requests.get(2).get("fault").isNull()).isTrue();

            // Every request's connection was OPENED on the link before it, on an earlier line.
            for (int i = 0; i < lines.size(); i++) {
                JsonNode line = lines.get(i);
                if (!line.get("type").asText().equals("request")) {
                    continue;
                }
                int port = line.get("connection").asInt();
                List<JsonNode> before = lines.subList(0, i);
                assertThat(before).as("OPENED before request %s", line.get("sequence"))
                        .anySatisfy(l -> {
                            assertThat(l.get("type").asText()).isEqualTo("link");
                            assertThat(l.get("kind").asText()).isEqualTo("OPENED");
                            assertThat(l.get("upstreamPort").asInt()).isEqualTo(port);
                        });
            }
            JsonNode opened = lines.get(0);
            assertThat(opened.get("type").asText()).isEqualTo("link");
            assertThat(opened.get("proxy").asText()).isEqualTo(ChaosGateway.LINK);
            assertThat(opened.get("connection").asLong()).isEqualTo(1);
            assertThat(opened.get("clientPort").asInt()).isPositive();
            Instant.parse(opened.get("at").asText());

            // The live listener saw the same entries (its last word on each entry is the journal's).
            assertThat(live).containsExactlyElementsOf(gateway.journal().entries());
        }
    }

    @Test
    void aResetPeerToxicShowsAsAResetLinkEntry() throws Exception {
        try (ChaosGateway gateway = ChaosGateway.builder().pacing(StreamPacing.immediate()).start()) {
            gateway.link().addToxic(ChaosGateway.LINK, "rp", "reset_peer", ToxicStream.UPSTREAM, 1f, Map.of("timeout", 0L));
            assertThatThrownBy(() -> send(gateway, 0)).isInstanceOf(IOException.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> gateway.journal().linkEvents().stream()
                    .anyMatch(e -> e.kind() == LinkEvent.Kind.CLOSED));
            List<LinkEvent> events = gateway.journal().linkEvents();
            assertThat(events).extracting(LinkEvent::kind).startsWith(LinkEvent.Kind.OPENED, LinkEvent.Kind.RESET, LinkEvent.Kind.CLOSED);
            assertThat(gateway.journal().toJsonLines()).contains("\"kind\":\"RESET\"");
        }
    }

    @Test
    void finishedVersionReplacesTheUnfinishedOneInPlaceAndTheBoundDropsTheOldest() {
        Journal journal = new Journal(3);
        List<Journal.Entry> live = new ArrayList<>();
        journal.onEntry(live::add);
        journal.onEntry(entry -> {
            throw new IllegalStateException("ignored");
        });
        journal.record(event(1, LinkEvent.Kind.OPENED));
        journal.record(exchange(1, false));
        journal.record(event(2, LinkEvent.Kind.OPENED));
        journal.record(exchange(1, true));
        journal.record(exchange(1, false)); // late unfinished version: ignored
        assertThat(journal.entries()).hasSize(3);
        assertThat(journal.requests()).singleElement().extracting(UpstreamExchange::complete).isEqualTo(true);
        assertThat(journal.entries().get(1)).isInstanceOf(Journal.Request.class);
        assertThat(live).hasSize(4);

        journal.record(event(3, LinkEvent.Kind.OPENED));
        assertThat(journal.dropped()).isEqualTo(1);
        assertThat(journal.entries()).hasSize(3);
        assertThat(journal.entries().get(0)).isInstanceOf(Journal.Request.class);
        assertThat(journal.linkEvents()).extracting(LinkEvent::connection).containsExactly(2L, 3L);
        assertThatThrownBy(() -> new Journal(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nonNumericRetryCountAndMissingHeadersStayReadable() throws Exception {
        Journal journal = new Journal();
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("x-stainless-retry-count", List.of("abc"));
        journal.record(new UpstreamExchange(7, Instant.EPOCH, 5000, "GET", "/v1/models", headers, "", null, 200,
                Map.of(), false, Duration.ofMillis(3), true, null, null, null));
        journal.record(exchange(8, true));
        List<JsonNode> lines = parse(journal.toJsonLines());
        assertThat(lines.get(0).get("retryCount").asText()).isEqualTo("abc");
        assertThat(lines.get(0).get("idempotencyKey").isNull()).isTrue();
        assertThat(lines.get(0).get("arrived").asText()).isEqualTo("1970-01-01T00:00:00Z");
        assertThat(lines.get(0).get("durationMs").asDouble()).isEqualTo(3.0);
        assertThat(lines.get(1).get("retryCount").isNull()).isTrue();
    }

    private static LinkEvent event(long connection, LinkEvent.Kind kind) {
        return new LinkEvent(Instant.now(), ChaosGateway.LINK, connection, kind, 40000 + (int) connection, 50000 + (int) connection);
    }

    private static UpstreamExchange exchange(long sequence, boolean complete) {
        return new UpstreamExchange(sequence, Instant.now(), 50001, "POST", "/v1/chat/completions", Map.of(), "{}",
                null, 200, Map.of(), false, Duration.ZERO, complete, null, null, null);
    }
}
