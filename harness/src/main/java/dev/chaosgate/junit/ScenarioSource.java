package dev.chaosgate.junit;

import dev.chaosgate.scenario.StreamMode;
import dev.chaosgate.scenario.StreamSelection;
import org.junit.jupiter.params.provider.ArgumentsSource;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a {@code @ParameterizedTest} once per scenario (and mode, see {@link #stream()}): each invocation
 * gets the scenario's name as its argument and a fresh {@link dev.chaosgate.gateway.ChaosGateway} playing
 * that scenario.
 *
 * <pre>{@code
 * @ParameterizedTest
 * @ScenarioSource({"bad-gateway-single", "bad-gateway-burst"})
 * void recovers(String scenario, ChaosGateway gateway) { ... }
 * }</pre>
 *
 * <p>Catalog names ({@link #value()}) come first, then the scenarios of {@link #files()}, in the
 * order written. With {@link #stream() stream = BOTH} each scenario is played twice, in the client's
 * non-streamed and streamed code paths: declare a {@link StreamMode} parameter to know which, and the
 * display name says it ({@code [2] bad-gateway-burst [stream]}):
 *
 * <pre>{@code
 * @ParameterizedTest
 * @ScenarioSource(value = {"bad-gateway-burst", "rate-limited-tokens"}, stream = StreamSelection.BOTH)
 * void recovers(String scenario, StreamMode mode, ChaosGateway gateway) {
 *     ClientReport report = chatApp.ask(gateway.baseUrl(), "Where is my order?", mode.streamed());
 *     ChaosAssertions.assertThat(gateway.verdict(report)).passed();
 * }
 * }</pre>
 *
 * <p>A scenario whose faults only exist inside a stream ({@code stream-cut-mid-answer}, ...) is played
 * {@link StreamMode#STREAMED} only, whatever {@link #stream()} says. It must be the method's only arguments source (the invocation number says which
 * scenario an invocation plays) and cannot be combined with {@link PlayScenario @PlayScenario} on the same
 * method. Needs {@link ChaosTest @ChaosTest} or a per-test {@link ChaosExtension} on the class.
 */
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ArgumentsSource(ScenarioArgumentsProvider.class)
public @interface ScenarioSource {

    /** Names of built-in scenarios. */
    String[] value() default {};

    /** Paths of scenario YAML files, relative to the directory the tests run in. */
    String[] files() default {};

    /**
     * Which modes each scenario is played in: {@code FALSE} (the default) once, not streamed; {@code TRUE}
     * once, streamed; {@code BOTH} twice, not streamed then streamed. A stream-specific scenario is played
     * streamed only. The invocation's mode is the test's {@link StreamMode} parameter.
     */
    StreamSelection stream() default StreamSelection.FALSE;
}
