package dev.chaosgate.cli;

import dev.chaosgate.fixtures.YamlFileException;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.scenario.ScenarioLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * {@code chaosgate validate FILE…}: reads scenario files strictly, as {@code run} and the JUnit
 * extension would, and prints one line per file: {@code OK <file> (<name>, N phases)} or the
 * problem as {@code <file>:<line>:<column>: <problem>. <hint>}. Never a stack trace.
 */
@Command(name = "validate",
        mixinStandardHelpOptions = true,
        version = "chaosgate 0.1.0",
        sortOptions = false,
        exitCodeOnInvalidInput = ChaosgateCli.EXIT_USAGE,
        description = {
                "Checks scenario files: every key, type and value, fixture, toxic and guidance class.",
                "A directory stands for its *.yaml and *.yml files."},
        footer = {"",
                "Exit codes: 0 every file is valid, 1 at least one is not, 2 a usage error (no files given).",
                "The format: docs/scenarios.md; editors can check as you type with scenarios/scenario.schema.json."})
public final class ValidateCommand implements Callable<Integer> {
    /** Exit code when at least one file is invalid. */
    public static final int EXIT_INVALID = 1;

    @Spec
    CommandSpec spec;

    @Option(names = "--builtin", description = "Also validate the scenarios built into chaosgate.")
    boolean builtin;

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "Scenario files, or directories of them.")
    List<Path> paths = new ArrayList<>();

    @Override
    public Integer call() {
        if (paths.isEmpty() && !builtin) {
            throw new ParameterException(spec.commandLine(), "Give one or more scenario files or directories, or --builtin");
        }
        PrintWriter out = spec.commandLine().getOut();
        ScenarioLoader loader = ScenarioLoader.standard();
        int checked = 0;
        int invalid = 0;
        if (builtin) {
            List<String> resources;
            try {
                resources = ScenarioCatalog.builtInResources();
            } catch (RuntimeException e) {
                out.println(ScenarioCatalog.RESOURCE_DIR + "catalog.txt: " + message(e));
                return EXIT_INVALID;
            }
            for (String resource : resources) {
                checked++;
                invalid += check(out, resource, () -> loader.loadResource(resource)) ? 0 : 1;
            }
        }
        for (Path path : paths) {
            List<Path> files;
            try {
                files = ScenarioCatalog.scenarioFiles(path);
            } catch (RuntimeException e) {
                out.println(path + ": " + message(e));
                invalid++;
                continue;
            }
            if (Files.isDirectory(path) && files.isEmpty()) {
                out.println(path + ": no scenario files (*.yaml, *.yml) in this directory");
                invalid++;
                continue;
            }
            for (Path file : files) {
                checked++;
                invalid += check(out, file.toString(), () -> loader.load(file)) ? 0 : 1;
            }
        }
        out.flush();
        if (invalid > 0) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("chaosgate validate: " + invalid + " of " + checked + " file" + (checked == 1 ? "" : "s")
                    + " invalid" + (checked == 0 ? " (nothing to check)" : ""));
            err.flush();
            return EXIT_INVALID;
        }
        return 0;
    }

    private static boolean check(PrintWriter out, String file, Supplier<Scenario> load) {
        try {
            Scenario scenario = load.get();
            int phases = scenario.phases().size();
            out.println("OK " + file + " (" + scenario.name() + ", " + phases + " phase" + (phases == 1 ? "" : "s") + ")");
            return true;
        } catch (YamlFileException e) {
            out.println(e.getMessage());
        } catch (RuntimeException e) {
            out.println(file + ": " + message(e));
        }
        return false;
    }

    private static String message(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
