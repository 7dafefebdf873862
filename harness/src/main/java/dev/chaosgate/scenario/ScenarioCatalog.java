package dev.chaosgate.scenario;

import dev.chaosgate.fixtures.yaml.Closest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A set of scenarios by name: the built-in catalog of the {@code scenarios} module, optionally with
 * a team's own files added (or replacing built-in ones of the same name). Immutable.
 */
public final class ScenarioCatalog {
    /** Where the built-in scenarios live on the class path; {@code catalog.txt} lists them. */
    public static final String RESOURCE_DIR = "dev/chaosgate/scenarios/";

    private final Map<String, Scenario> scenarios;
    private final List<String> order;

    private ScenarioCatalog(Map<String, Scenario> scenarios) {
        this.scenarios = Map.copyOf(scenarios);
        this.order = List.copyOf(scenarios.keySet());
    }

    /** The scenarios shipped with chaosgate. */
    public static ScenarioCatalog builtIn() {
        return Holder.BUILT_IN;
    }

    private static final class Holder {
        static final ScenarioCatalog BUILT_IN = loadBuiltIn();
    }

    private static ScenarioCatalog loadBuiltIn() {
        ScenarioLoader loader = ScenarioLoader.standard();
        Map<String, Scenario> found = new LinkedHashMap<>();
        for (String resource : builtInResources()) {
            Scenario scenario = loader.loadResource(resource);
            found.put(scenario.name(), scenario);
        }
        return new ScenarioCatalog(found);
    }

    /**
     * The class-path resources of the built-in scenarios, in catalog order, as {@code catalog.txt}
     * lists them: {@code dev/chaosgate/scenarios/bad-gateway-burst.yaml}, ... Read one with
     * {@link ScenarioLoader#loadResource(String)}.
     */
    public static List<String> builtInResources() {
        return resourceLines(RESOURCE_DIR + "catalog.txt").stream().map(file -> RESOURCE_DIR + file).toList();
    }

    public static ScenarioCatalog of(Collection<Scenario> scenarios) {
        Map<String, Scenario> byName = new LinkedHashMap<>();
        for (Scenario scenario : scenarios) {
            if (byName.put(scenario.name(), scenario) != null) {
                throw new IllegalArgumentException("two scenarios are named '" + scenario.name() + "'");
            }
        }
        return new ScenarioCatalog(byName);
    }

    /**
     * This catalog plus the scenario files at {@code path} (one {@code .yaml} file, or every
     * {@code .yaml}/{@code .yml} file of a directory); a file's scenario replaces a built-in one of
     * the same name. Each file must be named as its scenario ({@link ScenarioLoader#load(Path)}).
     */
    public ScenarioCatalog withFiles(Path path, ScenarioLoader loader) {
        Map<String, Scenario> merged = new LinkedHashMap<>(scenarios);
        for (Path file : scenarioFiles(path)) {
            Scenario scenario = loader.load(file);
            merged.put(scenario.name(), scenario);
        }
        return new ScenarioCatalog(merged);
    }

    /** The scenario files at {@code path}: the file itself, or a directory's YAML files in name order. */
    public static List<Path> scenarioFiles(Path path) {
        if (!Files.isDirectory(path)) {
            return List.of(path);
        }
        try (Stream<Path> files = Files.list(path)) {
            return files.filter(f -> f.getFileName().toString().matches(".*\\.ya?ml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + path, e);
        }
    }

    public List<Scenario> all() {
        List<Scenario> all = new ArrayList<>();
        for (String name : order) {
            all.add(scenarios.get(name));
        }
        return all;
    }

    public List<String> names() {
        return order;
    }

    public Optional<Scenario> find(String name) {
        return Optional.ofNullable(scenarios.get(name));
    }

    /** The scenario named {@code name}; an unknown name is an error naming the closest one. */
    public Scenario get(String name) {
        Scenario scenario = scenarios.get(name);
        if (scenario == null) {
            throw new IllegalArgumentException("no scenario named '" + name + "'"
                    + Closest.of(name, order).map(c -> "; did you mean '" + c + "'?").orElse("")
                    + " (`chaosgate list` shows them all)");
        }
        return scenario;
    }

    private static List<String> resourceLines(String resource) {
        return resource(resource).lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    private static String resource(String resource) {
        try (InputStream in = ScenarioCatalog.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource + ": is chaosgate-scenarios on the class path?");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
