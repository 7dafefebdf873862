/**
 * JUnit Jupiter support, intended for users: {@link dev.chaosgate.junit.ChaosTest @ChaosTest} and
 * {@link dev.chaosgate.junit.PlayScenario @PlayScenario} give each test a
 * {@link dev.chaosgate.gateway.ChaosGateway} playing a scenario;
 * {@link dev.chaosgate.junit.ChaosExtension} registers the same programmatically (a static field
 * shares one gateway across a class); {@link dev.chaosgate.junit.ScenarioSource @ScenarioSource}
 * runs a parameterized test once per scenario. See {@code docs/junit.md}.
 *
 * <p>JUnit itself is not a dependency of chaosgate-harness: the test suite using this package
 * brings {@code junit-jupiter} (5.10 or later, or 6).
 */
package dev.chaosgate.junit;
