package dev.chaosgate.upstream;

import static dev.chaosgate.upstream.UpstreamClients.CF_RAY;
import static dev.chaosgate.upstream.UpstreamClients.REQUEST_ID;
import static dev.chaosgate.upstream.UpstreamClients.chatParams;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIInvalidDataException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.errors.UnexpectedStatusCodeException;
import dev.chaosgate.fixtures.Fixture;
import dev.chaosgate.fixtures.FixtureName;
import dev.chaosgate.fixtures.Fixtures;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every error fixture, and every {@link Faults} shortcut for one, as a client receives it over a
 * real socket: what HttpClient sees on the wire, and which exception the openai-java SDK throws.
 */
@Timeout(30)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErrorResponseFaultsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FakeUpstream upstream;
    private UpstreamClients clients;
    private OpenAIClient sdk;

    @BeforeAll
    void start() {
        upstream = FakeUpstream.builder().seed(11).pacing(StreamPacing.immediate()).start();
        clients = new UpstreamClients(upstream.baseUrl());
        sdk = clients.sdk(0);
    }

    @AfterAll
    void stop() {
        clients.close();
        upstream.close();
    }

    @BeforeEach
    void reset() {
        upstream.serveNormally();
        upstream.clearExchanges();
    }

    static Stream<Fixture> errorFixtures() {
        return Fixtures.all().stream().filter(fixture -> fixture.status() >= 400);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errorFixtures")
    void everyErrorFixtureReachesBothClientsAsWritten(Fixture fixture) throws Exception {
        upstream.serve(Faults.status(fixture.status()).withFixture(fixture.name()));

        HttpResponse<String> response = clients.chat("hi");
        assertThat(response.statusCode()).isEqualTo(fixture.status());
        String contentType = response.headers().firstValue("content-type").orElseThrow();
        assertThat(contentType).isEqualTo(fixture.contentType());
        if (contentType.startsWith("application/json")) {
            assertThat(JSON.readTree(response.body()).path("error").isObject()).isTrue();
        } else {
            assertThat(response.body()).startsWithIgnoringCase("<").contains("</html>");
        }
        if (fixture.name().startsWith("cloudflare/") || fixture.name().startsWith("openai/")) {
            assertThat(response.headers().allValues("server")).containsExactly("cloudflare");
            assertThat(response.headers().firstValue("cf-ray")).get().asString().matches(CF_RAY);
        } else {
            assertThat(response.headers().allValues("server")).containsExactly("nginx");
        }
        if (fixture.name().startsWith("openai/")) {
            assertThat(response.headers().firstValue("x-request-id")).get().asString().matches(REQUEST_ID);
        }

        OpenAIServiceException thrown = catchThrowableOfType(OpenAIServiceException.class,
                () -> sdk.chat().completions().create(chatParams("hi")));
        assertThat(thrown).isInstanceOf(expectedException(fixture.status()));
        assertThat(thrown.statusCode()).isEqualTo(fixture.status());
        assertThat(thrown.headers().values("content-type")).containsExactly(fixture.contentType());
        if (contentType.startsWith("application/json")) {
            String message = JSON.readTree(response.body()).at("/error/message").asText();
            assertThat(thrown.getMessage()).isEqualTo(fixture.status() + ": " + message);
        } else {
            // The SDK finds no JSON "error" in an HTML page: all an app gets is the status.
            assertThat(thrown.getMessage()).isEqualTo(fixture.status() + ": Unknown");
        }
        assertThat(upstream.exchanges()).hasSize(2).allSatisfy(exchange -> {
            assertThat(exchange.status()).isEqualTo(fixture.status());
            assertThat(exchange.fault()).isEqualTo(fixture.status() + " " + fixture.name());
        });
    }

    private static Class<? extends OpenAIServiceException> expectedException(int status) {
        return switch (status) {
            case 400 -> BadRequestException.class;
            case 401 -> UnauthorizedException.class;
            case 403 -> PermissionDeniedException.class;
            case 404 -> NotFoundException.class;
            case 429 -> RateLimitException.class;
            default -> status >= 500 ? InternalServerException.class : UnexpectedStatusCodeException.class;
        };
    }

    @Test
    void shortcutsServeTheirFixtures() throws Exception {
        assertServes(Faults.badGateway(), 502, "text/html; charset=UTF-8", "502: Bad gateway");
        assertServes(Faults.overloaded(), 503, "application/json", "server_is_overloaded");
        assertServes(Faults.gatewayTimeout(), 504, "text/html", "504 Gateway Time-out");
        assertServes(Faults.originTimeout(), 524, "text/html; charset=UTF-8", "524");
        assertServes(Faults.accessDenied(), 403, "text/html; charset=UTF-8", "1020");
        assertServes(Faults.rateLimited(), 429, "application/json", "rate_limit_exceeded");
        assertServes(Faults.quotaExhausted(), 429, "application/json", "insufficient_quota");
        assertServes(Faults.requestTooLarge(), 429, "application/json", "Request too large");
    }

    @Test
    void statusAloneServesTheUsualFixtureForIt() throws Exception {
        assertServes(Faults.status(500), 500, "application/json", "server_error");
        assertServes(Faults.status(502), 502, "text/html; charset=UTF-8", "Bad gateway");
        assertServes(Faults.status(503), 503, "application/json", "server_is_overloaded");
        assertServes(Faults.status(504), 504, "text/html", "nginx");
        assertServes(Faults.status(520), 520, "text/html; charset=UTF-8", "520");
        assertServes(Faults.status(522), 522, "text/html; charset=UTF-8", "522");
        assertServes(Faults.status(401), 401, "application/json", "invalid_api_key");
        // No fixture for this status: OpenAI's 500 body under it.
        assertServes(Faults.status(418), 418, "application/json", "server_error");
    }

    @Test
    void aStatusTheSdkHasNoExceptionForIsAnUnexpectedStatusCode() {
        upstream.serve(Faults.status(418));

        UnexpectedStatusCodeException thrown = catchThrowableOfType(UnexpectedStatusCodeException.class,
                () -> sdk.chat().completions().create(chatParams("hi")));
        assertThat(thrown.statusCode()).isEqualTo(418);
        assertThat(thrown.getMessage()).startsWith("418: The server had an error");
        assertThat(thrown.type()).hasValue("server_error");
    }

    @Test
    void aFixtureCanBeServedUnderAnotherStatusWithExtraHeadersAndADelay() throws Exception {
        upstream.serve(Faults.status(503).withFixture(FixtureName.NGINX_502).withHeader("x-extra", "1")
                .withDelay(Duration.ofMillis(300)));
        long start = System.nanoTime();
        HttpResponse<String> response = clients.chat("hi");

        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(280);
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).contains("502 Bad Gateway");
        assertThat(response.headers().firstValue("x-extra")).hasValue("1");
    }

    @Test
    void cloudflareJsonErrorsCarryANumericCodeTheSdkCannotRead() {
        upstream.serve(Faults.status(502).withFixture(FixtureName.CLOUDFLARE_502_JSON));

        InternalServerException thrown = catchThrowableOfType(InternalServerException.class,
                () -> sdk.chat().completions().create(chatParams("hi")));
        assertThat(thrown.getMessage()).isEqualTo("502: Bad gateway.");
        assertThat(thrown.type()).hasValue("cf_bad_gateway");
        assertThatThrownBy(thrown::code).isInstanceOf(OpenAIInvalidDataException.class).hasMessageContaining("code");
        assertThat(thrown.headers().values("server")).containsExactly("cloudflare");
    }

    @Test
    void unknownFixturesFailWhenTheFaultIsBuiltNamingTheClosestOne() {
        assertThatThrownBy(() -> Faults.status(502).withFixture("cloudflare/502-brandd"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cloudflare/502-branded");
        assertThatThrownBy(() -> Faults.status(700)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Faults.badGateway().withHeader("bad name", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Faults.badGateway().withDelay(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    private void assertServes(UpstreamFault fault, int status, String contentType, String bodyContains) throws Exception {
        upstream.serve(fault);
        HttpResponse<String> response = clients.chat("hi");
        assertThat(response.statusCode()).as(fault.label()).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type")).as(fault.label()).hasValue(contentType);
        assertThat(response.body()).as(fault.label()).contains(bodyContains);
        if (contentType.startsWith("application/json")) {
            JsonNode error = JSON.readTree(response.body()).path("error");
            assertThat(error.path("message").asText()).as(fault.label()).isNotBlank();
        }
    }
}
