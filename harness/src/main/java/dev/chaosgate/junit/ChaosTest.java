package dev.chaosgate.junit;

import dev.chaosgate.upstream.Provider;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Gives every test of the class its own {@link dev.chaosgate.gateway.ChaosGateway} playing the
 * test's {@link PlayScenario}: declare a {@code ChaosGateway} parameter on the test method, a
 * {@code @BeforeEach}/{@code @AfterEach} method or the constructor, point the client under test at
 * {@link dev.chaosgate.gateway.ChaosGateway#baseUrl() gateway.baseUrl()}, and look at what happened
 * in {@link dev.chaosgate.gateway.ChaosGateway#exchanges() gateway.exchanges()}.
 *
 * <pre>{@code
 * @ChaosTest
 * class ChatRetryTests {
 *     @Test
 *     @PlayScenario("bad-gateway-single")
 *     void oneBadGatewayIsRetriedAway(ChaosGateway gateway) {
 *         OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey("test").build();
 *         ChatCompletion answer = client.chat().completions().create(ChatCompletionCreateParams.builder()
 *                 .model("gpt-4o-mini").addUserMessage("Where is my order?").build());
 *         assertThat(answer.choices()).isNotEmpty();
 *         assertThat(gateway.exchanges()).extracting(UpstreamExchange::status).containsExactly(502, 200);
 *     }
 * }
 * }</pre>
 *
 * <p><b>Lifetime.</b> Each test (each invocation of a parameterized or repeated test) gets a fresh
 * gateway on its own free ports; the constructor, {@code @BeforeEach}, the test and
 * {@code @AfterEach} of one test share it, and it is closed when the test ends. Tests never share
 * state, so the class may run under JUnit's parallel execution. {@code @Nested} classes inherit the
 * extension, {@code @ChaosTest} settings and a class-level {@code @PlayScenario}. To share one gateway
 * across the tests of a class, register the extension instead:
 * {@code @RegisterExtension static ChaosExtension chaos = ChaosExtension.builder().scenario("...").build();}
 * (see {@link ChaosExtension}). There is no gateway for {@code @BeforeAll}/{@code @AfterAll} methods
 * or for {@code @TestInstance(PER_CLASS)} constructors of a {@code @ChaosTest} class: asking for one
 * there is an error that says so.
 *
 * <p><b>Composing.</b> {@code @ChaosTest} may sit on an annotation of your own (with
 * {@code @PlayScenario} too), e.g. {@code @ChaosTest(pacing = Pacing.IMMEDIATE) @PlayScenario("bad-gateway-single")
 * @interface FlakyGateway {}}. It is {@link Inherited}, so subclasses of a {@code @ChaosTest} class
 * are chaos tests too.
 *
 * <p>See {@code docs/junit.md}.
 *
 * @see PlayScenario
 * @see ScenarioSource
 * @see ChaosExtension
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(ChaosExtension.class)
public @interface ChaosTest {

    /**
     * The seed of the gateway's random draws around the faults (link toxicity and jitter, fixture values);
     * each scenario's own seed keeps deciding its fault schedule, so no seed leaves its fault unmet.
     * Leave it out to use the seed written in each scenario; give at most one value:
     * {@code @ChaosTest(seed = 7)}.
     */
    long[] seed() default {};

    /**
     * The provider the client under test speaks ({@link Provider#OPENAI} unless said otherwise): point its SDK at
     * {@link dev.chaosgate.gateway.ChaosGateway#sdkBaseUrl() gateway.sdkBaseUrl()}. The gateway answers every
     * provider's wire whatever is set here; see {@code docs/providers.md}.
     */
    Provider provider() default Provider.OPENAI;

    /** How fast streamed answers flow; {@link Pacing#REALISTIC} unless said otherwise. */
    Pacing pacing() default Pacing.REALISTIC;

    /**
     * Whether the gateway serves HTTPS, with a certificate authority made for it: point the client at
     * {@code gateway.baseUrl()} ({@code https://...}) and give it the authority through an
     * {@link javax.net.ssl.SSLContext} parameter (or {@code gateway.certificateAuthority()}). A scenario that breaks TLS
     * gets HTTPS anyway.
     */
    boolean https() default false;

    /**
     * Whether the gateway serves HTTPS and offers HTTP/2 by ALPN, as real providers do (implies {@link #https()}):
     * java.net.http and OkHttp (openai-java) then speak HTTP/2, and stream faults meet them as {@code RST_STREAM} or
     * {@code GOAWAY}; see {@code docs/https.md}, "HTTP/2".
     */
    boolean http2() default false;

    /**
     * Live mode: the base URL of a real API ({@code "https://api.openai.com/v1"}) that answers every request the
     * scenario does not fault, with the client's own headers and key (never stored); faulted requests never reach it.
     * Empty (the default): the fake model answers. A URL that is not absolute http or https fails the test class.
     */
    String upstream() default "";

    /** How a streamed answer is spaced in time (see {@link dev.chaosgate.upstream.StreamPacing}). */
    enum Pacing {
        /** Like a hosted chat model: about 150 ms to the first token, then 25 ms per chunk. */
        REALISTIC,
        /** No waiting between events, for tests that only look at content. */
        IMMEDIATE
    }
}
