package dev.chaosgate.cli.bundled;

import dev.chaosgate.fixtures.FailureClass;
import dev.chaosgate.fixtures.Fixture;
import dev.chaosgate.fixtures.Fixtures;
import dev.chaosgate.fixtures.GuidanceCatalog;
import dev.chaosgate.fixtures.GuidanceJudgement;
import dev.chaosgate.fixtures.HttpHeader;
import dev.chaosgate.fixtures.WireResponse;
import dev.chaosgate.cli.bundled.WellBehavedClient.Failure;
import dev.chaosgate.cli.bundled.WellBehavedClient.Kind;
import dev.chaosgate.cli.bundled.WellBehavedClient.StreamEnd;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The well-behaved client's messages, without a gateway: every failure class gets a message that passes the
 * guidance catalog and contains no markup, JSON or exception text; every wire fixture is classified as the
 * fixture says; Retry-After is parsed as documented.
 */
class ClientMessagesTest {

    private static final GuidanceCatalog CATALOG = GuidanceCatalog.builtIn();
    private static final Pattern RAW = Pattern.compile("[<>{}\\[\\]]|\"\\w+\"\\s*:|Exception|\\bat [\\w.$]+\\(|\\bnull\\b|_");

    /** Every error fixture, rendered as the upstream serves it: classified right, message passes its class. */
    @Test
    void everyErrorFixtureIsClassifiedAndGetsAPassingMessage() {
        List<String> checked = new ArrayList<>();
        for (Fixture fixture : Fixtures.all()) {
            if (fixture.failureClass().isEmpty() || fixture.isStream() || fixture.status() < 400) {
                continue;
            }
            WireResponse wire = fixture.render();
            Map<String, String> headers = new LinkedHashMap<>();
            for (HttpHeader header : wire.headers()) {
                headers.put(header.name(), header.value());
            }
            Failure failure = Failure.http(wire.status(), headers, wire.bodyText());
            assertThat(failure.failureClass()).as("class of %s", fixture.name()).isEqualTo(fixture.failureClass().get());
            assertPasses(failure);
            checked.add(fixture.name());
        }
        assertThat(checked).hasSizeGreaterThan(15);
    }

    /** At least one message per built-in class, connection and stream failures included. */
    @Test
    void everyFailureClassHasAPassingMessage() {
        List<Failure> failures = List.of(
                Failure.http(502, Map.of(), "<html><body>bad</body></html>"),
                Failure.http(520, Map.of(), "<html></html>"),
                Failure.http(500, Map.of(), "{\"error\":{\"type\":\"server_error\"}}"),
                Failure.http(409, Map.of(), ""),
                Failure.http(503, Map.of("Retry-After", "3"), "<html></html>"),
                Failure.http(504, Map.of(), "<html></html>"),
                Failure.http(524, Map.of(), "<html></html>"),
                Failure.http(408, Map.of(), ""),
                Failure.http(429, Map.of("retry-after", "20"), "{\"error\":{\"code\":\"rate_limit_exceeded\"}}"),
                Failure.http(429, Map.of(), "<html>1015</html>"),
                Failure.http(429, Map.of(), "{\"error\":{\"code\":\"insufficient_quota\",\"type\":\"insufficient_quota\"}}"),
                Failure.http(429, Map.of(), "{\"error\":{\"message\":\"Request too large for gpt-4o\",\"code\":\"rate_limit_exceeded\"}}"),
                Failure.http(413, Map.of(), ""),
                Failure.http(403, Map.of("cf-ray", "8c2f0a1b3d4e5f60-AMS"), "<html>Error 1020 Access denied</html>"),
                Failure.http(403, Map.of(), "{\"error\":{\"code\":\"unsupported_country_region_territory\"}}"),
                Failure.http(400, Map.of(), "{\"error\":{\"type\":\"invalid_request_error\"}}"),
                Failure.http(404, Map.of(), "{\"error\":{\"code\":\"model_not_found\"}}"),
                Failure.http(422, Map.of(), ""),
                Failure.http(401, Map.of(), "{\"error\":{\"code\":\"invalid_api_key\"}}"),
                Failure.connection(Kind.CONNECT, new ConnectException("Connection refused")),
                Failure.connection(Kind.IO, new IOException("Connection reset")),
                Failure.connection(Kind.TIMEOUT, new HttpTimeoutException("request timed out")),
                Failure.tlsCertificate(new javax.net.ssl.SSLHandshakeException("PKIX path building failed")),
                Failure.streamCut(StreamEnd.EOF, "Partial", "data: {\"choices\":[]}", null),
                Failure.streamCut(StreamEnd.ERROR_FRAME, "Partial", "data: {\"error\":{}}", null),
                Failure.streamCut(StreamEnd.RESET, "Partial", "", new IOException("reset")),
                Failure.streamCut(StreamEnd.IDLE_TIMEOUT, "", "", new HttpTimeoutException("idle")));
        List<FailureClass> covered = new ArrayList<>();
        for (Failure failure : failures) {
            assertPasses(failure);
            covered.add(failure.failureClass());
        }
        assertThat(covered).containsAll(FailureClass.builtIns());
    }

    @Test
    void retryAfterIsParsedAsDocumented() {
        Instant now = Instant.parse("2026-05-01T10:00:00Z");
        DateTimeFormatter http = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT)
                .withZone(ZoneOffset.UTC);
        assertThat(WellBehavedClient.parseServerDelay(null, "3", now)).contains(Duration.ofSeconds(3));
        assertThat(WellBehavedClient.parseServerDelay(null, "1.5", now)).contains(Duration.ofMillis(1500));
        assertThat(WellBehavedClient.parseServerDelay("1500", "9", now)).contains(Duration.ofMillis(1500));
        assertThat(WellBehavedClient.parseServerDelay("garbage", "2", now)).contains(Duration.ofSeconds(2));
        assertThat(WellBehavedClient.parseServerDelay(null, http.format(now.plusSeconds(3)), now)).contains(Duration.ofSeconds(3));
        assertThat(WellBehavedClient.parseServerDelay(null, "Fri, 1 May 2026 10:00:05 GMT", now)).contains(Duration.ofSeconds(5));
        assertThat(WellBehavedClient.parseServerDelay(null, http.format(now.minusSeconds(600)), now)).isEmpty();
        assertThat(WellBehavedClient.parseServerDelay(null, "-5", now)).isEmpty();
        assertThat(WellBehavedClient.parseServerDelay(null, "0", now)).isEmpty();
        assertThat(WellBehavedClient.parseServerDelay(null, "soon, probably", now)).isEmpty();
        assertThat(WellBehavedClient.parseServerDelay(null, "999999999", now)).isEmpty();
        assertThat(WellBehavedClient.parseServerDelay(null, "21", now)).isEmpty();
        assertThat(WellBehavedClient.parseServerDelay(null, null, now)).isEqualTo(Optional.empty());
    }

    @Test
    void backoffGrowsWithJitterAndACap() {
        WellBehavedClient client = new WellBehavedClient();
        for (int i = 0; i < 50; i++) {
            assertThat(client.backoff(1)).isBetween(Duration.ofMillis(500), Duration.ofMillis(625));
            assertThat(client.backoff(2)).isBetween(Duration.ofMillis(1000), Duration.ofMillis(1250));
            assertThat(client.backoff(10)).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(10));
        }
        Failure limited = Failure.http(429, Map.of("retry-after", "3"), "{\"error\":{\"code\":\"rate_limit_exceeded\"}}");
        // Retry-After 3 plus up to 25 % jitter (a crowd told the same wait spreads out) and 20 ms.
        assertThat(client.delayBeforeRetry(1, limited)).isBetween(Duration.ofSeconds(3), Duration.ofMillis(3770));
        Failure garbage = Failure.http(429, Map.of("retry-after", "soon"), "{\"error\":{\"code\":\"slow_down\"}}");
        assertThat(client.delayBeforeRetry(1, garbage)).isBetween(Duration.ofMillis(500), Duration.ofMillis(625));
    }

    private static void assertPasses(Failure failure) {
        String message = new WellBehavedClient().messageFor(failure);
        GuidanceJudgement judgement = CATALOG.entry(failure.failureClass()).judge(message);
        assertThat(judgement.passed()).as("%s for %s %s: %s", message, failure.kind(), failure.status(), judgement.summary())
                .isTrue();
        assertThat(RAW.matcher(message).find()).as("raw text in: %s", message).isFalse();
    }
}
