package dev.chaosgate.junit;

import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.scenario.ScenarioLoader;
import dev.chaosgate.scenario.StreamMode;
import dev.chaosgate.scenario.StreamSelection;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Turns {@link PlayScenario @PlayScenario} and {@link ScenarioSource @ScenarioSource} into scenario models,
 * and every mistake in them into an {@link ExtensionConfigurationException} naming the annotation,
 * where it sits, the attribute and the fix. Stateless.
 */
final class Scenarios {
    /** An example catalog name for messages that suggest one. */
    static final String EXAMPLE = "bad-gateway-single";
    static final String EXAMPLE_FILE = "src/test/resources/my-scenario.yaml";

    private Scenarios() {
    }

    /** The scenario {@code annotation} names; {@code where} is e.g. {@code method `retries()`}. */
    static dev.chaosgate.scenario.Scenario of(PlayScenario annotation, String where) {
        String value = annotation.value();
        String file = annotation.file();
        String shown = show(annotation);
        if (!value.isEmpty() && !file.isEmpty()) {
            throw configuration(shown + " on " + where + " sets both `value` and `file`, but a scenario comes either from the catalog"
                    + " or from a file. Keep @PlayScenario(" + quote(value) + ") for the built-in scenario, or @PlayScenario(file = "
                    + quote(file) + ") for your file");
        }
        if (value.isEmpty() && file.isEmpty()) {
            throw configuration(shown + " on " + where + " names no scenario: set `value` to a built-in scenario, e.g. @PlayScenario("
                    + quote(EXAMPLE) + ") (`chaosgate list` shows them all), or `file` to a scenario file of your own, e.g. @PlayScenario(file = "
                    + quote(EXAMPLE_FILE) + ")");
        }
        return value.isEmpty() ? fromFile(file, shown + " on " + where, "file") : fromCatalog(value, shown + " on " + where);
    }

    /** The scenarios {@code source} names, catalog names first, then files, in the order written. */
    static List<dev.chaosgate.scenario.Scenario> of(ScenarioSource source, String where) {
        String shown = show(source);
        if (source.value().length == 0 && source.files().length == 0) {
            throw configuration(shown + " on " + where + " names no scenarios: list built-in scenarios in `value`, e.g. @ScenarioSource({"
                    + quote(EXAMPLE) + ", " + quote("bad-gateway-burst") + "}) (`chaosgate list` shows them all), or scenario files in `files`,"
                    + " e.g. @ScenarioSource(files = " + quote(EXAMPLE_FILE) + ")");
        }
        List<dev.chaosgate.scenario.Scenario> scenarios = new ArrayList<>();
        for (String name : source.value()) {
            scenarios.add(fromCatalog(name, shown + " on " + where));
        }
        for (String file : source.files()) {
            scenarios.add(fromFile(file, shown + " on " + where, "files"));
        }
        return scenarios;
    }

    /** One invocation of a {@code @ScenarioSource} test: a scenario in one mode. */
    record Play(dev.chaosgate.scenario.Scenario scenario, StreamMode mode) {
        /** {@code bad-gateway-burst} or {@code bad-gateway-burst [stream]}: the invocation's display argument. */
        String label() {
            return mode.label(scenario);
        }
    }

    /** The invocations {@code source} asks for, in order: each scenario in each of its modes, non-streamed first. */
    static List<Play> plays(ScenarioSource source, String where) {
        List<Play> plays = new ArrayList<>();
        for (dev.chaosgate.scenario.Scenario scenario : of(source, where)) {
            StreamMode.modes(scenario, source.stream()).forEach(mode -> plays.add(new Play(scenario, mode)));
        }
        return plays;
    }

    /** The built-in scenario {@code name}; {@code context} starts the message of an error. */
    static dev.chaosgate.scenario.Scenario fromCatalog(String name, String context) {
        ScenarioCatalog catalog;
        try {
            catalog = ScenarioCatalog.builtIn();
        } catch (RuntimeException | LinkageError e) {
            throw new ExtensionConfigurationException(context + ": the built-in scenario catalog cannot be read: " + rootCause(e), e);
        }
        try {
            return catalog.get(name);
        } catch (IllegalArgumentException e) {
            throw configuration(context + ": " + e.getMessage());
        }
    }

    /** The scenario in {@code file}; {@code attribute} is the annotation attribute that named it. */
    static dev.chaosgate.scenario.Scenario fromFile(String file, String context, String attribute) {
        Path path;
        try {
            path = Path.of(file);
        } catch (InvalidPathException e) {
            throw configuration(context + ": `" + attribute + "` is not a path: " + e.getMessage());
        }
        if (Files.isDirectory(path)) {
            throw configuration(context + ": `" + attribute + "` names the directory " + path.toAbsolutePath()
                    + "; name one scenario file in it, e.g. " + quote(file.replaceFirst("/*$", "") + "/my-scenario.yaml"));
        }
        if (!Files.isRegularFile(path)) {
            throw configuration(context + ": there is no scenario file " + path.toAbsolutePath() + ". A relative `" + attribute
                    + "` is resolved against the directory the tests run in (" + Path.of("").toAbsolutePath()
                    + "), which Maven and Gradle make the module's directory: write e.g. " + quote(EXAMPLE_FILE));
        }
        try {
            return ScenarioLoader.standard().load(path);
        } catch (IllegalArgumentException e) {
            // YamlFileException: file:line:col: problem. Hint.
            throw configuration(context + ": " + e.getMessage());
        }
    }

    /** The message of the innermost cause: a broken catalog file surfaces as an ExceptionInInitializerError. */
    private static String rootCause(Throwable thrown) {
        Throwable root = thrown;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }

    static ExtensionConfigurationException configuration(String message) {
        return new ExtensionConfigurationException(message);
    }

    /** {@code @PlayScenario("x")}, {@code @PlayScenario(file = "y")}, ... as the user would have written it. */
    static String show(PlayScenario annotation) {
        boolean value = !annotation.value().isEmpty();
        boolean file = !annotation.file().isEmpty();
        if (value && file) {
            return "@PlayScenario(value = " + quote(annotation.value()) + ", file = " + quote(annotation.file()) + ")";
        }
        if (value) {
            return "@PlayScenario(" + quote(annotation.value()) + ")";
        }
        if (file) {
            return "@PlayScenario(file = " + quote(annotation.file()) + ")";
        }
        return "@PlayScenario";
    }

    static String show(ScenarioSource source) {
        List<String> parts = new ArrayList<>();
        if (source.value().length > 0) {
            parts.add((source.files().length > 0 || source.stream() != StreamSelection.FALSE ? "value = " : "") + array(source.value()));
        }
        if (source.files().length > 0) {
            parts.add("files = " + array(source.files()));
        }
        if (source.stream() != StreamSelection.FALSE) {
            parts.add("stream = StreamSelection." + source.stream().name());
        }
        return "@ScenarioSource" + (parts.isEmpty() ? "" : "(" + String.join(", ", parts) + ")");
    }

    private static String array(String[] values) {
        String joined = Arrays.stream(values).map(Scenarios::quote).collect(Collectors.joining(", "));
        return values.length == 1 ? joined : "{" + joined + "}";
    }

    static String quote(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** {@code method `retries(ChaosGateway)`} or {@code the constructor of `RetryTests`}. */
    static String where(Executable executable) {
        if (executable instanceof Constructor<?> constructor) {
            return "the constructor of " + where(constructor.getDeclaringClass());
        }
        Method method = (Method) executable;
        String parameters = Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName).collect(Collectors.joining(", "));
        return "method `" + method.getName() + "(" + parameters + ")`";
    }

    /** {@code class `RetryTests.WhenTheGatewayFlaps`}. */
    static String where(Class<?> type) {
        return "class `" + name(type) + "`";
    }

    /** The class name without its package, nested classes joined with dots. */
    static String name(Class<?> type) {
        String name = type.getName();
        int dot = name.lastIndexOf('.');
        return (dot < 0 ? name : name.substring(dot + 1)).replace('$', '.');
    }
}
