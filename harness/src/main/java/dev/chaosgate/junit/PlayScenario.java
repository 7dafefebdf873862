package dev.chaosgate.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The scenario a test's {@link dev.chaosgate.gateway.ChaosGateway} plays from the test's start: a
 * name from the built-in catalog ({@code @PlayScenario("bad-gateway-burst")}, see {@code chaosgate list})
 * or a scenario file of your own ({@code @PlayScenario(file = "src/test/resources/my-scenario.yaml")},
 * relative to the directory the tests run in, which Maven and Gradle make the module's directory).
 *
 * <p>On a method it is that test's scenario; on a class it is the default for the class's tests,
 * its subclasses' and its {@code @Nested} classes' tests (the nearest one wins: method, then class,
 * then the enclosing classes). Exactly one of {@link #value()} and {@link #file()} must be set.
 * A name that is not in the catalog, a file that does not exist or does not validate, and both or
 * neither attribute set are {@link org.junit.jupiter.api.extension.ExtensionConfigurationException
 * configuration errors} naming the annotation, the attribute and the fix.
 *
 * <p>Works with {@link ChaosTest} and with a registered {@link ChaosExtension}. For one test run
 * once per scenario, see {@link ScenarioSource}.
 */
@Target({ElementType.METHOD, ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface PlayScenario {

    /** The name of a built-in scenario, e.g. {@code "bad-gateway-single"}. */
    String value() default "";

    /** The path of a scenario YAML file (see {@code docs/scenarios.md}). */
    String file() default "";
}
