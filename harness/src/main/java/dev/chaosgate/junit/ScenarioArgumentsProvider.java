package dev.chaosgate.junit;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ArgumentsProvider;
import org.junit.jupiter.params.provider.ArgumentsSource;
import org.junit.jupiter.params.support.AnnotationConsumer;
import org.junit.platform.commons.support.AnnotationSupport;

import java.lang.reflect.Method;
import java.util.List;
import java.util.stream.Stream;

/**
 * The arguments of {@link ScenarioSource @ScenarioSource}: one scenario name per invocation, shown with
 * its mode ({@code bad-gateway-burst [stream]}). The gateway of invocation <i>n</i> plays the <i>n</i>th
 * scenario and mode ({@link ChaosExtension} reads the same annotation and resolves the {@code StreamMode}). Kept apart from {@link ChaosExtension} so that {@code @ChaosTest} works
 * without junit-jupiter-params on the class path. One instance per annotated method, as JUnit makes them.
 */
final class ScenarioArgumentsProvider implements ArgumentsProvider, AnnotationConsumer<ScenarioSource> {
    private ScenarioSource source;

    @Override
    public void accept(ScenarioSource annotation) {
        this.source = annotation;
    }

    /**
     * Called by every JUnit version from 5.10 on (5.13+ and 6 through the default method taking
     * {@code ParameterDeclarations}, a type this class must not mention to load on 5.10–5.12). The
     * stream is lazy because 5.13+ rewrap what this method itself throws into a message about
     * overriding, while what the stream throws reaches the user as it is.
     */
    @Override
    @SuppressWarnings("deprecation")
    public Stream<? extends Arguments> provideArguments(ExtensionContext context) {
        return Stream.of(context).flatMap(this::scenarioNames);
    }

    private Stream<? extends Arguments> scenarioNames(ExtensionContext context) {
        Method method = context.getRequiredTestMethod();
        String where = Scenarios.where(method);
        requireOnlySource(method, Scenarios.show(source) + " on " + where);
        // The argument is the scenario's name; its label adds the mode for the display name.
        return Scenarios.plays(source, where).stream().map(play -> Arguments.of(Named.of(play.label(), play.scenario().name())));
    }

    /** The invocation number picks the scenario, so no other source may add invocations. */
    static void requireOnlySource(Method method, String shown) {
        List<ArgumentsSource> sources = AnnotationSupport.findRepeatableAnnotations(method, ArgumentsSource.class);
        if (sources.size() > 1) {
            throw Scenarios.configuration(shown + " must be the method's only arguments source, but it has " + sources.size()
                    + " (providers: " + String.join(", ", sources.stream().map(s -> s.value().getSimpleName()).toList())
                    + "): remove the others, or give them a test method of their own");
        }
    }
}
