package dev.chaosgate.cli;

import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.scenario.ScenarioCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code chaosgate list}: the built-in scenarios, one a line: the name, then a one-line description. */
@Command(name = "list",
        mixinStandardHelpOptions = true,
        version = "chaosgate 0.1.0",
        sortOptions = false,
        exitCodeOnInvalidInput = ChaosgateCli.EXIT_USAGE,
        description = "Lists the built-in scenarios: one a line, its name, then what it does.",
        footer = {"", "Play one with `chaosgate run NAME`, all with `chaosgate run --all`, or keep one up for an app with"
                + " `chaosgate serve --scenario NAME`."})
public final class ListCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--tag", paramLabel = "TAG", description = "Only scenarios with this tag (e.g. 429, stream, must-not-retry).")
    String tag;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<Scenario> scenarios = ScenarioCatalog.builtIn().all().stream()
                .filter(s -> tag == null || s.tags().contains(tag))
                .toList();
        int width = scenarios.stream().mapToInt(s -> s.name().length()).max().orElse(0);
        for (Scenario scenario : scenarios) {
            out.printf("%-" + width + "s  %s%n", scenario.name(), oneLine(scenario.description()));
        }
        out.flush();
        return 0;
    }

    static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s+", " ").strip();
    }
}
