package dev.chaosgate.junit;

import dev.chaosgate.upstream.Provider;
import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.gateway.ChaosGatewayBuilder;
import dev.chaosgate.scenario.StreamMode;
import dev.chaosgate.upstream.StreamPacing;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ExtensionContext.Store;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.commons.support.AnnotationSupport;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JUnit Jupiter extension behind {@link ChaosTest @ChaosTest}: resolves
 * {@link ChaosGateway} parameters (constructor, lifecycle methods, test methods) with a gateway
 * playing the test's {@link PlayScenario}, started on free ports and closed through the
 * {@link ExtensionContext.Store} of the context it belongs to, and {@link StreamMode} parameters
 * with the mode of the current {@link ScenarioSource @ScenarioSource} invocation.
 *
 * <p>Register it declaratively with {@code @ChaosTest} (a fresh gateway per test), or
 * programmatically, where the field decides the lifetime:
 *
 * <pre>{@code
 * @RegisterExtension
 * static ChaosExtension chaos = ChaosExtension.builder().scenario("bad-gateway-burst").seed(7).build();
 * // static field: one gateway for all tests of the class and its @Nested classes, playing from the class's start
 * // instance field: a fresh gateway per test, like @ChaosTest; a method's @PlayScenario overrides the builder's
 * }</pre>
 *
 * <p>Where a gateway's scenario comes from, nearest first: the method's {@code @PlayScenario} (or the
 * invocation's scenario of {@link ScenarioSource @ScenarioSource}), the class's {@code @PlayScenario},
 * an enclosing class's {@code @PlayScenario} (for {@code @Nested} classes), the builder's
 * {@link Builder#scenario(String) scenario}. A builder scenario and a class-level {@code @PlayScenario}
 * together are a conflict, as is a method-level {@code @PlayScenario} next to a class-wide gateway.
 *
 * <p>Configuration errors are {@link ExtensionConfigurationException}s (or
 * {@link ParameterResolutionException}s when met while resolving a parameter) whose message names
 * the annotation, the attribute and the fix, and they are raised before any gateway starts.
 *
 * <p>A static registration also hands its gateway out through {@link #gateway()}, for code that runs
 * outside a test method and takes no parameters: a Spring {@code @DynamicPropertySource} supplier, which
 * gives the application context the gateway's URL when the context starts.
 *
 * <p>Thread-safe: every gateway lives in a JUnit store (closed by JUnit), so tests may run in parallel,
 * each on its own ports; a static registration also keeps a reference to its class's gateway for
 * {@link #gateway()}.
 */
public final class ChaosExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {
    private static final Namespace NAMESPACE = Namespace.create(ChaosExtension.class);
    /** The last segment of a test template invocation's unique id, e.g. {@code [test-template-invocation:#2]}. */
    private static final Pattern INVOCATION = Pattern.compile("\\[test-template-invocation:#(\\d+)]$");

    /** The builder's settings, or null when registered by {@code @ChaosTest} (settings from the annotations). */
    private final Programmatic programmatic;
    /** This extension's gateway in a store: per extension instance, so two registrations never share one. */
    private final GatewayKey key = new GatewayKey();
    /** A static registration's gateway while its class runs, for {@link #gateway()}; null before and after. */
    private final AtomicReference<GatewayResource> classGateway = new AtomicReference<>();

    /** Used by JUnit for {@code @ChaosTest} and {@code @ExtendWith(ChaosExtension.class)}. */
    ChaosExtension() {
        this.programmatic = null;
    }

    private ChaosExtension(Programmatic programmatic) {
        this.programmatic = programmatic;
    }

    /** Starts a programmatic registration: {@code @RegisterExtension static ChaosExtension chaos = ChaosExtension.builder()...build();} */
    public static Builder builder() {
        return new Builder();
    }

    // ---- callbacks ----

    /**
     * Declarative: checks the class's configuration before any test runs. Programmatic in a static
     * field: starts the class's gateway (nested classes use their enclosing class's).
     */
    @Override
    public void beforeAll(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        if (programmatic == null) {
            rejectCompetingRegistration(testClass);
            settings(context);
            classScenario(context);
            return;
        }
        Store store = context.getStore(NAMESPACE);
        GatewayResource shared = store.get(key, GatewayResource.class);
        if (shared != null) {
            Optional<PlayScenario> own = AnnotationSupport.findAnnotation(testClass, PlayScenario.class);
            if (own.isPresent()) {
                throw Scenarios.configuration(Scenarios.show(own.get()) + " on " + Scenarios.where(testClass)
                        + " cannot apply: the ChaosExtension in a static field of an enclosing class gives the whole class one gateway,"
                        + " already playing '" + shared.scenarioName + "'. Remove the annotation, or register the extension in an"
                        + " instance field (a gateway per test) so that classes and methods can choose their own scenario");
            }
            return;
        }
        dev.chaosgate.scenario.Scenario scenario = classScenario(context);
        if (scenario == null) {
            throw Scenarios.configuration("The ChaosExtension registered in a static field of " + Scenarios.where(testClass)
                    + " has no scenario to play: give it one with ChaosExtension.builder().scenario(" + Scenarios.quote(Scenarios.EXAMPLE)
                    + ") (`chaosgate list` shows them all), or put @PlayScenario(" + Scenarios.quote(Scenarios.EXAMPLE) + ") on the class");
        }
        GatewayResource resource = new GatewayResource(start(scenario, programmatic.settings), scenario.name(), Lifetime.CLASS,
                () -> classGateway.set(null));
        classGateway.set(resource);
        store.put(key, resource);
    }

    /**
     * The gateway of a registration in a static field, from just before the class's first test (its
     * {@code @BeforeAll} methods included) until after its last. It is what code without a
     * {@code ChaosGateway} parameter uses, above all a Spring {@code @DynamicPropertySource} method, whose
     * supplier Spring calls when it starts the application context, after this gateway started:
     *
     * <pre>{@code
     * @DynamicPropertySource
     * static void pointTheAppAtTheGateway(DynamicPropertyRegistry registry) {
     *     registry.add("chat.api.base-url", () -> chaos.gateway().baseUrl());
     * }
     * }</pre>
     *
     * @throws IllegalStateException when the field is not static (each test then has its own gateway: take a
     *         {@code ChaosGateway} parameter), or outside the class's run (before its first test or after its last)
     */
    public ChaosGateway gateway() {
        GatewayResource resource = classGateway.get();
        if (resource != null) {
            return resource.gateway;
        }
        throw new IllegalStateException("ChaosExtension.gateway(): there is no class-wide gateway now. It exists only for an extension"
                + " registered in a static field (`@RegisterExtension static ChaosExtension chaos = ...`), from before the class's"
                + " first test until after its last; an instance field gives each test its own gateway (take a ChaosGateway parameter"
                + " instead). Call gateway() from a test, a @BeforeAll method or a supplier Spring calls when it starts the context"
                + " (`registry.add(\"...\", () -> chaos.gateway().baseUrl())` in a @DynamicPropertySource method), not from a"
                + " static initialiser");
    }

    /** Checks the test's scenario configuration before the test (and its gateway) starts. */
    @Override
    public void beforeEach(ExtensionContext context) {
        GatewayResource existing = context.getStore(NAMESPACE).get(key, GatewayResource.class);
        if (existing != null && existing.lifetime == Lifetime.CLASS) {
            rejectMethodScenario(context.getRequiredTestMethod(), existing);
            return;
        }
        testScenario(context);
    }

    // ---- parameters ----

    /** Exactly {@link ChaosGateway} and {@link StreamMode}, nothing else. */
    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == ChaosGateway.class || type == StreamMode.class || type == javax.net.ssl.SSLContext.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext context) {
        if (parameterContext.getParameter().getType() == StreamMode.class) {
            return streamMode(parameterContext.getDeclaringExecutable(), context);
        }
        ChaosGateway gateway = gateway(parameterContext, context);
        if (parameterContext.getParameter().getType() == javax.net.ssl.SSLContext.class) {
            if (!gateway.https()) {
                throw new ParameterResolutionException("The SSLContext parameter of " + Scenarios.where(parameterContext.getDeclaringExecutable())
                        + " trusts an HTTPS gateway's authority, but this gateway serves plain HTTP: write @ChaosTest(https = true)"
                        + " (or ChaosExtension.builder().https()), or drop the parameter");
            }
            return gateway.certificateAuthority().clientContext();
        }
        return gateway;
    }

    /** The mode of the current {@code @ScenarioSource} invocation. */
    private static StreamMode streamMode(Executable executable, ExtensionContext context) {
        Optional<ScenarioSource> source = context.getTestMethod().flatMap(m -> AnnotationSupport.findAnnotation(m, ScenarioSource.class));
        if (source.isEmpty()) {
            throw new ParameterResolutionException("The StreamMode parameter of " + Scenarios.where(executable) + " has no mode to"
                    + " take: it is the mode of a @ScenarioSource invocation, e.g. @ScenarioSource(value = " + Scenarios.quote(Scenarios.EXAMPLE)
                    + ", stream = StreamSelection.BOTH) with @ParameterizedTest; a test of one scenario chooses its mode itself");
        }
        try {
            return sourcePlay(source.get(), context.getRequiredTestMethod(), context).mode();
        } catch (ExtensionConfigurationException e) {
            throw new ParameterResolutionException(e.getMessage(), e);
        }
    }

    private ChaosGateway gateway(ParameterContext parameterContext, ExtensionContext context) {
        Store store = context.getStore(NAMESPACE);
        GatewayResource existing = store.get(key, GatewayResource.class);
        if (existing != null) {
            return existing.gateway;
        }
        Executable executable = parameterContext.getDeclaringExecutable();
        if (context.getTestMethod().isEmpty()) {
            throw noGatewayOutsideTests(executable, context);
        }
        dev.chaosgate.scenario.Scenario scenario;
        Settings settings;
        try {
            scenario = testScenario(context);
            settings = settings(context);
        } catch (ExtensionConfigurationException e) {
            throw new ParameterResolutionException(e.getMessage(), e);
        }
        if (scenario == null) {
            throw missingScenario(executable, context);
        }
        return store.getOrComputeIfAbsent(key, k -> new GatewayResource(start(scenario, settings), scenario.name(), Lifetime.TEST, () -> { }),
                GatewayResource.class).gateway;
    }

    /**
     * The constructor of a test class gets the test's own context, so that it shares the test's
     * gateway (JUnit 5.12+; older versions ignore this and fall back to the class's context).
     */
    @Override
    public ExtensionContextScope getTestInstantiationExtensionContextScope(ExtensionContext rootContext) {
        return ExtensionContextScope.TEST_METHOD;
    }

    // ---- choosing the scenario and the settings ----

    /** The scenario of the test of {@code context} (a method's context), or null when nothing names one. */
    private dev.chaosgate.scenario.Scenario testScenario(ExtensionContext context) {
        Method method = context.getRequiredTestMethod();
        Optional<PlayScenario> onMethod = AnnotationSupport.findAnnotation(method, PlayScenario.class);
        Optional<ScenarioSource> source = AnnotationSupport.findAnnotation(method, ScenarioSource.class);
        if (onMethod.isPresent() && source.isPresent()) {
            throw Scenarios.configuration(Scenarios.show(onMethod.get()) + " and " + Scenarios.show(source.get()) + " on "
                    + Scenarios.where(method) + " both choose the scenario: keep @ScenarioSource to run the test once per scenario,"
                    + " or @PlayScenario (with @Test) to run it once");
        }
        if (source.isPresent()) {
            return sourcePlay(source.get(), method, context).scenario();
        }
        if (onMethod.isPresent()) {
            return Scenarios.of(onMethod.get(), Scenarios.where(method));
        }
        return classScenario(context);
    }

    /** The scenario of the class of {@code context} or of its enclosing classes, else the builder's; may be null. */
    private dev.chaosgate.scenario.Scenario classScenario(ExtensionContext context) {
        for (Class<?> type = context.getRequiredTestClass(); type != null; type = enclosingOfInner(type)) {
            Optional<PlayScenario> annotation = AnnotationSupport.findAnnotation(type, PlayScenario.class);
            if (annotation.isPresent()) {
                if (programmatic != null && programmatic.scenario != null) {
                    throw Scenarios.configuration(Scenarios.show(annotation.get()) + " on " + Scenarios.where(type)
                            + " and ChaosExtension.builder().scenario(...) ('" + programmatic.scenario.name()
                            + "') both set the class's scenario: keep one (a method's own @PlayScenario may still override it)");
                }
                return Scenarios.of(annotation.get(), Scenarios.where(type));
            }
        }
        return programmatic == null ? null : programmatic.scenario;
    }

    /** The scenario and mode the current invocation of a {@code @ScenarioSource} test plays. */
    private static Scenarios.Play sourcePlay(ScenarioSource source, Method method, ExtensionContext context) {
        String shown = Scenarios.show(source) + " on " + Scenarios.where(method);
        Matcher invocation = INVOCATION.matcher(context.getUniqueId());
        if (!invocation.find()) {
            throw Scenarios.configuration(shown + " needs @ParameterizedTest instead of @Test: it runs the test once per scenario");
        }
        ScenarioArgumentsProvider.requireOnlySource(method, shown);
        List<Scenarios.Play> plays = Scenarios.plays(source, Scenarios.where(method));
        int index = Integer.parseInt(invocation.group(1));
        if (index > plays.size()) {
            throw Scenarios.configuration(shown + " gives " + plays.size() + " invocations, but this is invocation " + index);
        }
        return plays.get(index - 1);
    }

    private static Class<?> enclosingOfInner(Class<?> type) {
        return type.isMemberClass() && !Modifier.isStatic(type.getModifiers()) ? type.getEnclosingClass() : null;
    }

    private Settings settings(ExtensionContext context) {
        if (programmatic != null) {
            return programmatic.settings;
        }
        for (Class<?> type = context.getRequiredTestClass(); type != null; type = enclosingOfInner(type)) {
            Optional<ChaosTest> annotation = AnnotationSupport.findAnnotation(type, ChaosTest.class);
            if (annotation.isPresent()) {
                return Settings.of(annotation.get(), type);
            }
        }
        return Settings.DEFAULT;
    }

    // ---- starting ----

    /** A gateway playing {@code scenario} from now on, seeded with the settings' seed or else the scenario's own. */
    private static ChaosGateway start(dev.chaosgate.scenario.Scenario scenario, Settings settings) {
        ChaosGatewayBuilder builder = ChaosGateway.builder().pacing(settings.pacing).provider(settings.provider).scenario(scenario);
        settings.seed.ifPresent(builder::seed);
        if (settings.http2) {
            builder.http2();
        } else if (settings.https) {
            builder.https();
        }
        if (settings.upstream != null) {
            builder.upstream(settings.upstream);
        }
        return builder.start();
    }

    // ---- errors ----

    /** {@code @ChaosTest} and a registered ChaosExtension would both resolve the gateway; JUnit's own message would not say why. */
    private static void rejectCompetingRegistration(Class<?> testClass) {
        for (Class<?> type = testClass; type != null; type = enclosingOfInner(type)) {
            List<Field> fields = AnnotationSupport.findAnnotatedFields(type, RegisterExtension.class,
                    f -> ChaosExtension.class.isAssignableFrom(f.getType()));
            if (!fields.isEmpty()) {
                throw Scenarios.configuration(Scenarios.where(testClass) + " has @ChaosTest and also registers a ChaosExtension in field `"
                        + fields.get(0).getName() + "` of " + Scenarios.where(type) + ": both would provide the ChaosGateway. Remove"
                        + " @ChaosTest (the field's builder configures the gateway, and @PlayScenario still works), or remove the field");
            }
        }
    }

    private static void rejectMethodScenario(Method method, GatewayResource shared) {
        Optional<PlayScenario> onMethod = AnnotationSupport.findAnnotation(method, PlayScenario.class);
        Optional<ScenarioSource> source = AnnotationSupport.findAnnotation(method, ScenarioSource.class);
        if (onMethod.isEmpty() && source.isEmpty()) {
            return;
        }
        String shown = onMethod.map(Scenarios::show).orElseGet(() -> Scenarios.show(source.get()));
        throw Scenarios.configuration(shown + " on " + Scenarios.where(method) + " cannot apply: the ChaosExtension in a static"
                + " field gives all tests of the class one gateway, playing '" + shared.scenarioName + "'. Register the extension in an"
                + " instance field (without `static`) for a gateway per test that plays the method's scenario, or move the test to a"
                + " class of its own");
    }

    private ParameterResolutionException noGatewayOutsideTests(Executable executable, ExtensionContext context) {
        boolean perClass = context.getTestInstanceLifecycle().orElse(TestInstance.Lifecycle.PER_METHOD) == TestInstance.Lifecycle.PER_CLASS;
        String what = !(executable instanceof Constructor<?>) ? "a @BeforeAll or @AfterAll method"
                : perClass ? "the constructor of a @TestInstance(PER_CLASS) class"
                : "a constructor on JUnit older than 5.12 (which resolves constructor parameters for the whole class)";
        String registration = programmatic == null
                ? "@ChaosTest gives each test its own gateway, so there is none for " + what + ". Take the ChaosGateway in a @BeforeEach"
                        + " method or the test method, or share one gateway across the class's tests with"
                        + " `@RegisterExtension static ChaosExtension chaos = ChaosExtension.builder().scenario(\"...\").build();`"
                        + " instead of @ChaosTest"
                : "a ChaosExtension in an instance field gives each test its own gateway, so there is none for " + what
                        + ". Take the ChaosGateway in a @BeforeEach method or the test method, or make the field static to share one"
                        + " gateway across the class's tests";
        return new ParameterResolutionException("The ChaosGateway parameter of " + Scenarios.where(executable) + ": " + registration);
    }

    private ParameterResolutionException missingScenario(Executable executable, ExtensionContext context) {
        return new ParameterResolutionException("The ChaosGateway parameter of " + Scenarios.where(executable)
                + " has no scenario to play: add @PlayScenario(" + Scenarios.quote(Scenarios.EXAMPLE) + ") to "
                + Scenarios.where(context.getRequiredTestMethod()) + " or to " + Scenarios.where(context.getRequiredTestClass())
                + " (`chaosgate list` shows the built-in scenarios), or @PlayScenario(file = " + Scenarios.quote(Scenarios.EXAMPLE_FILE)
                + ") for a file of your own" + (programmatic == null ? "" : ", or give the extension one with ChaosExtension.builder().scenario(...)"));
    }

    // ---- values ----

    private enum Lifetime { CLASS, TEST }

    /** Store key of one extension instance's gateway: equal only to itself, so two registrations never share a gateway. */
    private static final class GatewayKey {
        @Override
        public String toString() {
            return "ChaosGateway";
        }
    }

    /**
     * A gateway in a store, closed by JUnit when the store's context ends: as a {@code CloseableResource}
     * on JUnit 5, as an {@code AutoCloseable} on JUnit 6 (5.13+ may call either; closing twice is harmless).
     */
    @SuppressWarnings("deprecation")
    private static final class GatewayResource implements Store.CloseableResource, AutoCloseable {
        final ChaosGateway gateway;
        final String scenarioName;
        final Lifetime lifetime;
        /** Runs before the gateway closes: a static registration forgets it, so gateway() never hands out a closed one. */
        private final Runnable onClose;
        private final AtomicBoolean closed = new AtomicBoolean();

        GatewayResource(ChaosGateway gateway, String scenarioName, Lifetime lifetime, Runnable onClose) {
            this.gateway = gateway;
            this.scenarioName = scenarioName;
            this.lifetime = lifetime;
            this.onClose = onClose;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                onClose.run();
                gateway.close();
            }
        }
    }

    /** Seed (empty: each scenario's own) and pacing of the gateways. */
    private record Settings(OptionalLong seed, StreamPacing pacing, boolean https, boolean http2, Provider provider, java.net.URI upstream) {
        static final Settings DEFAULT = new Settings(OptionalLong.empty(), StreamPacing.realistic(), false, false, Provider.OPENAI, null);

        static Settings of(ChaosTest annotation, Class<?> on) {
            long[] seeds = annotation.seed();
            if (seeds.length > 1) {
                throw Scenarios.configuration("@ChaosTest(seed = " + java.util.Arrays.toString(seeds).replace('[', '{').replace(']', '}')
                        + ") on " + Scenarios.where(on) + ": `seed` takes one value, got " + seeds.length + ". Write @ChaosTest(seed = "
                        + seeds[0] + "), or leave `seed` out to use each scenario's own seed");
            }
            StreamPacing pacing = annotation.pacing() == ChaosTest.Pacing.IMMEDIATE ? StreamPacing.immediate() : StreamPacing.realistic();
            java.net.URI upstream = null;
            if (!annotation.upstream().isBlank()) {
                try {
                    upstream = dev.chaosgate.upstream.live.LiveUpstream.parse(annotation.upstream()).baseUrl();
                } catch (IllegalArgumentException e) {
                    throw Scenarios.configuration("@ChaosTest(upstream = ...) on " + Scenarios.where(on) + ": " + e.getMessage());
                }
            }
            return new Settings(seeds.length == 0 ? OptionalLong.empty() : OptionalLong.of(seeds[0]), pacing,
                    annotation.https() || annotation.http2(), annotation.http2(), annotation.provider(), upstream);
        }
    }

    private record Programmatic(dev.chaosgate.scenario.Scenario scenario, Settings settings) {
    }

    /**
     * Configures a programmatically registered {@link ChaosExtension}. Values are checked when set:
     * an unknown scenario name or a broken scenario file fails here, naming the closest scenario or
     * the file, line and column. Not thread-safe.
     */
    public static final class Builder {
        private dev.chaosgate.scenario.Scenario scenario;
        private OptionalLong seed = OptionalLong.empty();
        private StreamPacing pacing = StreamPacing.realistic();
        private boolean https;
        private boolean http2;
        private Provider provider = Provider.OPENAI;
        private java.net.URI upstream;

        private Builder() {
        }

        /**
         * Plays the built-in scenario {@code name} (see {@code chaosgate list}), unless a test's own
         * {@link PlayScenario @PlayScenario} says otherwise.
         *
         * @throws IllegalArgumentException when the catalog has no such scenario (the message names the closest)
         */
        public Builder scenario(String name) {
            Objects.requireNonNull(name, "name cannot be null");
            try {
                this.scenario = Scenarios.fromCatalog(name, "ChaosExtension.builder().scenario(" + Scenarios.quote(name) + ")");
            } catch (ExtensionConfigurationException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            return this;
        }

        /**
         * Plays the scenario of the YAML file {@code file}.
         *
         * @throws IllegalArgumentException when the file is missing or does not validate (file:line:col in the message)
         */
        public Builder scenario(Path file) {
            Objects.requireNonNull(file, "file cannot be null");
            try {
                this.scenario = Scenarios.fromFile(file.toString(), "ChaosExtension.builder().scenario(Path.of("
                        + Scenarios.quote(file.toString()) + "))", "file");
            } catch (ExtensionConfigurationException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            return this;
        }

        /** Plays {@code scenario}, e.g. one built with the {@link dev.chaosgate.scenario.Chaos} DSL. */
        public Builder scenario(dev.chaosgate.scenario.Scenario scenario) {
            this.scenario = Objects.requireNonNull(scenario, "scenario cannot be null");
            return this;
        }

        /**
         * The seed of the gateway's random draws around the faults (link toxics, fixture values); by default
         * each scenario's own seed, which always decides the scenario's fault schedule.
         */
        public Builder seed(long seed) {
            this.seed = OptionalLong.of(seed);
            return this;
        }

        /** How fast streamed answers flow; {@link StreamPacing#realistic()} by default. */
        public Builder pacing(StreamPacing pacing) {
            this.pacing = Objects.requireNonNull(pacing, "pacing cannot be null");
            return this;
        }

        /** Serves HTTPS, with a certificate authority made for the gateway (see {@link ChaosTest#https()}). */
        public Builder https() {
            this.https = true;
            return this;
        }

        /** Serves HTTPS and offers HTTP/2 by ALPN (see {@link ChaosTest#http2()}). */
        public Builder http2() {
            this.http2 = true;
            return this;
        }

        /** The provider the client under test speaks (see {@link ChaosTest#provider()}). */
        public Builder provider(Provider provider) {
            this.provider = Objects.requireNonNull(provider, "provider cannot be null");
            return this;
        }

        /**
         * Live mode: requests the scenario does not fault go to the real API at {@code url} (see {@link ChaosTest#upstream()}).
         *
         * @throws IllegalArgumentException for a URL that is not an absolute http or https URL without query or credentials
         */
        public Builder upstream(java.net.URI url) {
            this.upstream = dev.chaosgate.upstream.live.LiveUpstream.of(url).baseUrl();
            return this;
        }

        public ChaosExtension build() {
            return new ChaosExtension(new Programmatic(scenario, new Settings(seed, pacing, https || http2, http2, provider, upstream)));
        }
    }
}
