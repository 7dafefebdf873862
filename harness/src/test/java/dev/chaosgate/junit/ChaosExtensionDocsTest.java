package dev.chaosgate.junit;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.scenario.StreamMode;
import dev.chaosgate.scenario.StreamSelection;
import dev.chaosgate.testsupport.ParallelSafe;
import dev.chaosgate.upstream.UpstreamExchange;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static dev.chaosgate.junit.ChaosTestKit.assertAllSucceeded;
import static dev.chaosgate.junit.ChaosTestKit.chat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The examples of {@code docs/junit.md} and of {@link ChaosTest}'s Javadoc: each is a fixture run
 * here through the Jupiter engine, and the docs must show exactly the tagged code.
 */
@ParallelSafe
class ChaosExtensionDocsTest {

    // tag::quick-start[]
    @ChaosTest
    static class ChatRetryTestCases {
        @Test
        @PlayScenario("bad-gateway-single")
        void oneBadGatewayIsRetriedAway(ChaosGateway gateway) {
            OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey("test").build();
            ChatCompletion answer = client.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("gpt-4o-mini").addUserMessage("Where is my order?").build());
            assertThat(answer.choices()).isNotEmpty();
            assertThat(gateway.exchanges()).extracting(UpstreamExchange::status).containsExactly(502, 200);
        }
    }
    // end::quick-start[]

    // tag::choosing[]
    @ChaosTest
    @PlayScenario("bad-gateway-burst")              // the default for every test of the class
    static class ChoosingTestCases {
        @Test
        void burst(ChaosGateway gateway) {
            assertThat(gateway.scenario().name()).isEqualTo("bad-gateway-burst");
        }

        @Test
        @PlayScenario("bad-gateway-single")                 // a method's own scenario wins
        void single(ChaosGateway gateway) {
            assertThat(gateway.scenario().name()).isEqualTo("bad-gateway-single");
        }

        @Test
        @PlayScenario(file = "src/test/resources/junit/two-503s-then-ok.yaml")   // a team's own file
        void ownFile(ChaosGateway gateway) throws Exception {
            assertThat(gateway.phase()).isEqualTo("overloaded");
            assertThat(List.of(chat(gateway), chat(gateway), chat(gateway))).containsExactly(503, 503, 200);
            assertThat(gateway.phase()).isEqualTo("recovered");
        }

        @Nested
        class WhenTheGatewayIsOverloaded {        // @Nested classes inherit @ChaosTest and the class's @PlayScenario
            @Test
            void inherits(ChaosGateway gateway) {
                assertThat(gateway.scenario().name()).isEqualTo("bad-gateway-burst");
            }
        }
    }
    // end::choosing[]

    // tag::scenario-source[]
    @ChaosTest
    static class EveryScenarioTestCases {
        @ParameterizedTest
        @ScenarioSource({"bad-gateway-single", "bad-gateway-burst"})
        void theFirstAnswerIsABadGateway(String scenario, ChaosGateway gateway) throws Exception {
            assertThat(gateway.scenario().name()).isEqualTo(scenario);
            assertThat(chat(gateway)).isEqualTo(502);
        }
    }
    // end::scenario-source[]

    // tag::both-modes[]
    @ChaosTest
    static class BothCodePathsTestCases {
        @ParameterizedTest
        @ScenarioSource(value = {"bad-gateway-burst", "server-error-retry"}, stream = StreamSelection.BOTH)
        void theAnswerArrivesStreamedOrNot(String scenario, StreamMode mode, ChaosGateway gateway) {
            ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                    .model("gpt-4o-mini").addUserMessage("Where is my order?").build();
            OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey("test").build();
            String answer;
            if (mode.streamed()) {
                try (StreamResponse<ChatCompletionChunk> chunks = client.chat().completions().createStreaming(params)) {
                    answer = chunks.stream().flatMap(chunk -> chunk.choices().stream())
                            .map(choice -> choice.delta().content().orElse("")).collect(Collectors.joining());
                }
            } else {
                answer = client.chat().completions().create(params).choices().get(0).message().content().orElse("");
            }
            assertThat(answer).isNotEmpty();
            List<UpstreamExchange> exchanges = gateway.exchanges();
            assertThat(exchanges).extracting(UpstreamExchange::status).endsWith(200);
            assertThat(exchanges.get(exchanges.size() - 1).streamed()).isEqualTo(mode.streamed());
        }
    }
    // end::both-modes[]

    // tag::injection[]
    @ChaosTest
    @PlayScenario("bad-gateway-single")
    static class InjectionTestCases {
        private final ChaosGateway gateway;
        private String baseUrl;

        InjectionTestCases(ChaosGateway gateway) {  // the constructor, @BeforeEach and the test share one gateway
            this.gateway = gateway;
        }

        @BeforeEach
        void pointTheAppAtTheGateway(ChaosGateway gateway) {
            baseUrl = gateway.baseUrl();            // e.g. new ChatService(gateway.baseUrl())
        }

        @Test
        void sameGateway(ChaosGateway gateway) {
            assertThat(gateway).isSameAs(this.gateway);
            assertThat(baseUrl).isEqualTo(gateway.baseUrl());
        }
    }
    // end::injection[]

    // tag::static-field[]
    static class SharedGatewayTestCases {
        @RegisterExtension                          // static: one gateway for all tests of the class
        static ChaosExtension chaos = ChaosExtension.builder().scenario("bad-gateway-burst").seed(7).build();

        @Test
        void first(ChaosGateway gateway) {
            assertThat(gateway.seed()).isEqualTo(7);
        }

        @Test
        void second(ChaosGateway gateway) {
            assertThat(gateway.scenario().name()).isEqualTo("bad-gateway-burst");
        }
    }
    // end::static-field[]

    // tag::instance-field[]
    static class GatewayPerTestTestCases {
        @RegisterExtension                          // instance field: a fresh gateway per test
        ChaosExtension chaos = ChaosExtension.builder().scenario("bad-gateway-burst").build();

        @Test
        void builderScenario(ChaosGateway gateway) {
            assertThat(gateway.scenario().name()).isEqualTo("bad-gateway-burst");
        }

        @Test
        @PlayScenario("bad-gateway-single")                 // per-test gateways may play the method's own scenario
        void ownScenario(ChaosGateway gateway) {
            assertThat(gateway.scenario().name()).isEqualTo("bad-gateway-single");
        }
    }
    // end::instance-field[]

    // tag::composed[]
    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @ChaosTest(seed = 42, pacing = ChaosTest.Pacing.IMMEDIATE)
    @PlayScenario("bad-gateway-burst")
    @interface BadGatewayChaos {
    }

    @BadGatewayChaos
    static class ComposedTestCases {
        @Test
        void seeded(ChaosGateway gateway) {
            assertThat(gateway.seed()).isEqualTo(42);
        }
    }
    // end::composed[]

    // tag::https[]
    @ChaosTest(https = true)
    static class HttpsTestCases {
        @Test
        @PlayScenario("bad-gateway-single")
        void overHttps(ChaosGateway gateway, SSLContext tls) {
            OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey("test")
                    .sslSocketFactory(tls.getSocketFactory())
                    .trustManager(gateway.certificateAuthority().trustManager()).build();
            ChatCompletion answer = client.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("gpt-4o-mini").addUserMessage("Where is my order?").build());
            assertThat(gateway.baseUrl()).startsWith("https://127.0.0.1:");
            assertThat(answer.choices()).isNotEmpty();
        }
    }
    // end::https[]

    // tag::http2[]
    @ChaosTest(http2 = true)
    static class Http2TestCases {
        @Test
        @PlayScenario("bad-gateway-single")
        void overHttp2(ChaosGateway gateway, SSLContext tls) {
            OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey("test")
                    .sslSocketFactory(tls.getSocketFactory())
                    .trustManager(gateway.certificateAuthority().trustManager()).build();
            ChatCompletion answer = client.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("gpt-4o-mini").addUserMessage("Where is my order?").build());
            assertThat(answer.choices()).isNotEmpty();
            // OkHttp asked for h2 by ALPN: the 502 and the retry each came on an HTTP/2 stream.
            assertThat(gateway.exchanges()).extracting(UpstreamExchange::httpVersion).containsExactly("2", "2");
        }
    }
    // end::http2[]

    @Test
    void theJavadocAndQuickStartExampleRuns() {
        assertAllSucceeded(ChaosTestKit.run(ChatRetryTestCases.class), 1);
    }

    @Test
    void theDocsExamplesRun() {
        assertAllSucceeded(ChaosTestKit.run(ChoosingTestCases.class), 4);
        assertAllSucceeded(ChaosTestKit.run(EveryScenarioTestCases.class), 2);
        assertAllSucceeded(ChaosTestKit.run(BothCodePathsTestCases.class), 4);
        assertAllSucceeded(ChaosTestKit.run(InjectionTestCases.class), 1);
        assertAllSucceeded(ChaosTestKit.run(SharedGatewayTestCases.class), 2);
        assertAllSucceeded(ChaosTestKit.run(GatewayPerTestTestCases.class), 2);
        assertAllSucceeded(ChaosTestKit.run(ComposedTestCases.class), 1);
        assertAllSucceeded(ChaosTestKit.run(HttpsTestCases.class), 1);
        assertAllSucceeded(ChaosTestKit.run(Http2TestCases.class), 1);
    }

    // ---- the docs show the code above, as it is ----

    private static final Path SOURCE = Path.of("src/test/java/dev/chaosgate/junit/ChaosExtensionDocsTest.java");
    private static final Path DOCS = Path.of("../docs/junit.md");
    private static final Path CHAOS_TEST = Path.of("src/main/java/dev/chaosgate/junit/ChaosTest.java");
    /**
     * {@code <!-- snippet: quick-start -->} followed by a fenced Java block: the import lines the code needs, a blank
     * line, then the code.
     */
    private static final Pattern SNIPPET = Pattern.compile("<!-- snippet: ([a-z0-9-]+) -->\\s*```java\\n((?:import [^\\n]+\\n)+\\n)?(.*?)```",
            Pattern.DOTALL);
    private static final Pattern IMPORT = Pattern.compile("(?m)^import (static )?([\\w.]+)\\.(\\w+);$");
    /** The public types of this package, which the fixtures use without an import and a user's test imports. */
    private static final List<String> PUBLIC_TYPES = List.of("ChaosTest", "PlayScenario", "ScenarioSource", "ChaosExtension");

    @Test
    void everySnippetInTheDocsIsTheTaggedCodeOfThisClass() throws IOException {
        String source = Files.readString(SOURCE, StandardCharsets.UTF_8);
        String docs = Files.readString(DOCS, StandardCharsets.UTF_8);
        Matcher snippet = SNIPPET.matcher(docs);
        List<String> shown = new ArrayList<>();
        while (snippet.find()) {
            String name = snippet.group(1);
            shown.add(name);
            assertThat(snippet.group(3)).as("snippet %s of docs/junit.md", name).isEqualTo(tagged(source, name));
            List<String> imports = snippet.group(2) == null ? List.of() : snippet.group(2).strip().lines().sorted().toList();
            assertThat(imports).as("the import lines of snippet %s of docs/junit.md: those its code needs, as this class imports them",
                    name).isEqualTo(importsNeeded(source, snippet.group(3)));
        }
        assertThat(shown).containsExactlyInAnyOrder("quick-start", "choosing", "scenario-source", "both-modes", "injection", "static-field",
                "instance-field", "composed", "https", "http2");
    }

    /**
     * The import lines a user's copy of {@code code} needs, sorted: this class's imports of names the code uses, and
     * this package's public types (which the class uses without importing them). Not the test kit's {@code chat(gateway)}
     * helper, which the page describes as a helper of its own.
     */
    static List<String> importsNeeded(String source, String code) {
        String uses = code.replaceAll("//[^\\n]*", "").replaceAll("\"[^\"\\n]*\"", "\"\"");
        List<String> needed = new ArrayList<>();
        Matcher line = IMPORT.matcher(source);
        while (line.find()) {
            if (!line.group(2).endsWith("ChaosTestKit") && Pattern.compile("\\b" + line.group(3) + "\\b").matcher(uses).find()) {
                needed.add(line.group());
            }
        }
        for (String type : PUBLIC_TYPES) {
            if (Pattern.compile("\\b" + type + "\\b").matcher(uses).find()) {
                needed.add("import dev.chaosgate.junit." + type + ";");
            }
        }
        return needed.stream().sorted().toList();
    }

    @Test
    void theChaosTestJavadocShowsTheQuickStart() throws IOException {
        String javadoc = Files.readString(CHAOS_TEST, StandardCharsets.UTF_8);
        Matcher example = Pattern.compile("<pre>\\{@code\\n(.*?)\\n \\* }</pre>", Pattern.DOTALL).matcher(javadoc);
        assertThat(example.find()).isTrue();
        String code = example.group(1).replaceAll("(?m)^ \\* ?", "") + "\n";
        String quickStart = tagged(Files.readString(SOURCE, StandardCharsets.UTF_8), "quick-start")
                .replace("ChatRetryTestCases", "ChatRetryTests").replace("static class", "class");
        assertThat(code).isEqualTo(quickStart);
        assertThat(code.lines().filter(l -> !l.isBlank() && !l.trim().equals("}")).count()).as("lines of code").isLessThanOrEqualTo(10);
    }

    /** The lines between {@code // tag::NAME[]} and {@code // end::NAME[]}, one indentation level less. */
    private static String tagged(String source, String name) {
        int start = source.indexOf("// tag::" + name + "[]\n");
        int end = source.indexOf("    // end::" + name + "[]");
        assertThat(start).as("tag %s", name).isNotNegative();
        StringBuilder out = new StringBuilder();
        for (String line : source.substring(source.indexOf('\n', start) + 1, end).split("\n", -1)) {
            out.append(line.startsWith("    ") ? line.substring(4) : line).append('\n');
        }
        return out.toString().replaceAll("\\n+$", "\n");
    }
}
