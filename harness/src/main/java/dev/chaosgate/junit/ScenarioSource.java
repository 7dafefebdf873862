package dev.chaosgate.junit;

import org.junit.jupiter.params.provider.ArgumentsSource;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a {@code @ParameterizedTest} once per scenario: each invocation gets the scenario's name as
 * its argument and a fresh {@link dev.chaosgate.gateway.ChaosGateway} playing that scenario.
 *
 * <pre>{@code
 * @ParameterizedTest
 * @ScenarioSource({"bad-gateway-single", "bad-gateway-burst"})
 * void recovers(String scenario, ChaosGateway gateway) { ... }
 * }</pre>
 *
 * <p>Catalog names ({@link #value()}) come first, then the scenarios of {@link #files()}, in the
 * order written. It must be the method's only arguments source (the invocation number says which
 * scenario an invocation plays) and cannot be combined with {@link Scenario @Scenario} on the same
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
}
