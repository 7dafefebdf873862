package dev.chaosgate.junit;

import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.scenario.StreamMode;
import dev.chaosgate.scenario.StreamSelection;
import dev.chaosgate.upstream.UpstreamExchange;
import dev.chaosgate.verdict.ChaosAssertions;
import dev.chaosgate.verdict.ClientReport;
import dev.chaosgate.cli.bundled.WellBehavedClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.platform.testkit.engine.EngineExecutionResults;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.chaosgate.junit.ChaosTestKit.assertAllSucceeded;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @ScenarioSource(stream = ...)}: each scenario once per mode, a {@link StreamMode} parameter for the
 * test, the mode in the display name, a gateway per invocation; stream-specific scenarios streamed only.
 */
class ChaosExtensionStreamModeTest {
    static final Map<String, List<String>> SEEN = new ConcurrentHashMap<>();
    static final String BURST = "bad-gateway-burst";
    static final String CUT = "stream-cut-mid-answer";

    @BeforeEach
    void clear() {
        SEEN.clear();
    }

    static void see(String key, String value) {
        SEEN.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(value);
    }

    @ChaosTest(pacing = ChaosTest.Pacing.IMMEDIATE)
    static class BothModesTestCases {
        /** Which mode the constructor and @BeforeEach got, to check they share the invocation's. */
        private final StreamMode constructed;
        private StreamMode before;

        BothModesTestCases(StreamMode constructed) {
            this.constructed = constructed;
        }

        @BeforeEach
        void before(StreamMode mode) {
            this.before = mode;
        }

        @ParameterizedTest
        @ScenarioSource(value = {BURST, CUT}, stream = StreamSelection.BOTH)
        void answersInEveryMode(String scenario, StreamMode mode, ChaosGateway gateway) {
            ClientReport report = new WellBehavedClient().ask(gateway.baseUrl(), "Why is the sky blue?", mode.streamed());
            ChaosAssertions.assertThat(gateway.verdict(report)).passes();
            List<UpstreamExchange> exchanges = gateway.exchanges();
            // The client asked as the mode said: the answer that ended the action was streamed exactly in the stream mode.
            see("played", scenario + " " + mode + " " + exchanges.get(exchanges.size() - 1).streamed() + " "
                    + (constructed == mode) + " " + (before == mode) + " " + gateway.scenario().name());
        }
    }

    @Test
    void bothPlaysEachScenarioNotStreamedThenStreamedAndAStreamSpecificOneStreamedOnly() {
        EngineExecutionResults results = ChaosTestKit.run(BothModesTestCases.class);

        assertAllSucceeded(results, 3);
        assertThat(SEEN.get("played")).containsExactly(
                BURST + " NOT_STREAMED false true true " + BURST,
                BURST + " STREAMED true true true " + BURST,
                CUT + " STREAMED true true true " + CUT);
        assertThat(results.testEvents().succeeded().stream().map(e -> e.getTestDescriptor().getDisplayName()).toList())
                .hasSize(3).satisfiesExactly(
                        name -> assertThat(name).startsWith("[1] ").endsWith(BURST),
                        name -> assertThat(name).startsWith("[2] ").endsWith(BURST + " [stream]"),
                        name -> assertThat(name).startsWith("[3] ").endsWith(CUT));
    }

    @ChaosTest(pacing = ChaosTest.Pacing.IMMEDIATE)
    static class DefaultModeTestCases {
        @ParameterizedTest
        @ScenarioSource({BURST, CUT})
        void once(String scenario, StreamMode mode) {
            see("default", scenario + " " + mode);
        }

        @ParameterizedTest
        @ScenarioSource(value = {BURST, CUT}, stream = StreamSelection.TRUE)
        void streamedOnly(String scenario, StreamMode mode) {
            see("true", scenario + " " + mode);
        }
    }

    @Test
    void withoutStreamEachScenarioIsPlayedOnceNotStreamedUnlessItsFaultsAreStreamOnly() {
        assertAllSucceeded(ChaosTestKit.run(DefaultModeTestCases.class), 4);

        assertThat(SEEN.get("default")).containsExactly(BURST + " NOT_STREAMED", CUT + " STREAMED");
        assertThat(SEEN.get("true")).containsExactly(BURST + " STREAMED", CUT + " STREAMED");
    }

    /**
     * A chat app on LangChain4j's two OpenAI models, chosen by the mode as an app would by a setting:
     * {@code OpenAiChatModel} retries a 502 (RetryUtils, 3 attempts), {@code OpenAiStreamingChatModel}
     * retries nothing (docs/sdk-policies.md). Written to the SDK's API, not to chaosgate's rules.
     */
    @ChaosTest(pacing = ChaosTest.Pacing.IMMEDIATE)
    static class LangChain4jTestCases {
        static final String PROMPT = "Where is my order?";
        static final String UNAVAILABLE = "The service is temporarily unavailable (bad gateway). Your prompt is kept; please try again in a moment.";

        @ParameterizedTest
        @ScenarioSource(value = BURST, stream = StreamSelection.BOTH)
        void answersInEveryMode(String scenario, StreamMode mode, ChaosGateway gateway) {
            ChaosAssertions.assertThat(gateway.verdict(ask(gateway.baseUrl(), mode))).passes();
        }

        private static ClientReport ask(String baseUrl, StreamMode mode) {
            if (!mode.streamed()) {
                try {
                    String answer = dev.langchain4j.model.openai.OpenAiChatModel.builder().baseUrl(baseUrl).apiKey("test")
                            .modelName("gpt-4o-mini").build().chat(PROMPT);
                    return new ClientReport(PROMPT, List.of(answer), "");
                } catch (RuntimeException e) {
                    return new ClientReport(PROMPT, List.of(UNAVAILABLE), PROMPT);
                }
            }
            StringBuilder text = new StringBuilder();
            java.util.concurrent.CompletableFuture<Throwable> done = new java.util.concurrent.CompletableFuture<>();
            dev.langchain4j.model.openai.OpenAiStreamingChatModel.builder().baseUrl(baseUrl).apiKey("test").modelName("gpt-4o-mini")
                    .build().chat(PROMPT, new dev.langchain4j.model.chat.response.StreamingChatResponseHandler() {
                        @Override
                        public void onPartialResponse(String partial) {
                            synchronized (text) {
                                text.append(partial);
                            }
                        }

                        @Override
                        public void onCompleteResponse(dev.langchain4j.model.chat.response.ChatResponse response) {
                            done.complete(null);
                        }

                        @Override
                        public void onError(Throwable error) {
                            done.complete(error);
                        }
                    });
            Throwable error = done.orTimeout(60, java.util.concurrent.TimeUnit.SECONDS).join();
            synchronized (text) {
                return error == null ? new ClientReport(PROMPT, List.of(text.toString()), "")
                        : new ClientReport(PROMPT, List.of(UNAVAILABLE), PROMPT);
            }
        }
    }

    /** The parameter catches what a test of one mode misses: the streaming model's missing retry. */
    @Test
    void aRealClientWithoutRetriesOnItsStreamingPathFailsOnlyTheStreamInvocation() {
        EngineExecutionResults results = ChaosTestKit.run(LangChain4jTestCases.class);

        assertThat(results.testEvents().succeeded().stream().map(e -> e.getTestDescriptor().getDisplayName()).toList())
                .singleElement().asString().startsWith("[1] ").endsWith(BURST);
        assertThat(results.testEvents().failed().stream().map(e -> e.getTestDescriptor().getDisplayName()).toList())
                .singleElement().asString().startsWith("[2] ").endsWith(BURST + " [stream]");
        assertThat(ChaosTestKit.singleFailure(results)).isInstanceOf(AssertionError.class).hasMessageContaining("NO_RETRY");
    }

    @ChaosTest
    static class SourceOnPlainTestTestCases {
        @Test
        @ScenarioSource(value = BURST, stream = StreamSelection.BOTH)
        void notParameterized(ChaosGateway gateway) {
            see("never", gateway.baseUrl());
        }
    }

    @Test
    void aConfigurationErrorShowsTheStreamAttributeAsWritten() {
        Throwable thrown = ChaosTestKit.singleFailure(ChaosTestKit.run(SourceOnPlainTestTestCases.class));

        assertThat(thrown).hasMessageStartingWith("@ScenarioSource(value = \"" + BURST + "\", stream = StreamSelection.BOTH) on method"
                + " `notParameterized(ChaosGateway)` needs @ParameterizedTest instead of @Test");
        assertThat(SEEN).doesNotContainKey("never");
    }

    @ChaosTest
    static class ModeWithoutSourceTestCases {
        @Test
        @PlayScenario(BURST)
        void oneScenario(StreamMode mode) {
            see("never", String.valueOf(mode));
        }
    }

    @Test
    void aStreamModeParameterOutsideAScenarioSourceTestIsAnErrorThatSaysWhereModesComeFrom() {
        Throwable thrown = ChaosTestKit.singleFailure(ChaosTestKit.run(ModeWithoutSourceTestCases.class));

        assertThat(thrown).hasMessageContaining("The StreamMode parameter of method `oneScenario(StreamMode)` has no mode to take")
                .hasMessageContaining("stream = StreamSelection.BOTH");
        assertThat(SEEN).doesNotContainKey("never");
    }
}
