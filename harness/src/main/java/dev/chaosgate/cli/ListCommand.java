package dev.chaosgate.cli;

import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.scenario.ScenarioCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * {@code chaosgate list}: the built-in scenarios, one a line: the name, a one-line description and the tags in
 * brackets. {@code --tag} keeps the scenarios with that tag; a tag no scenario has is a usage error that lists the
 * tags there are.
 */
@Command(name = "list",
        mixinStandardHelpOptions = true,
        version = "chaosgate 0.1.0",
        sortOptions = false,
        exitCodeOnInvalidInput = ChaosgateCli.EXIT_USAGE,
        description = "Lists the built-in scenarios: one a line, its name, what it does and its tags in brackets.",
        footer = {"", "Play one with `chaosgate run NAME`, all with `chaosgate run --all`, or keep one up for an app with"
                + " `chaosgate serve --scenario NAME`.",
                "Exit code 2: a tag no scenario has (the message lists the tags there are)."})
public final class ListCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--tag", paramLabel = "TAG", description = "Only scenarios with this tag (e.g. 429, stream, must-not-retry).")
    String tag;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<Scenario> all = ScenarioCatalog.builtIn().all();
        List<Scenario> scenarios = all.stream().filter(s -> tag == null || hasTag(s, tag)).toList();
        if (scenarios.isEmpty()) {
            throw new ParameterException(spec.commandLine(), unknownTag(tag, all));
        }
        int width = scenarios.stream().mapToInt(s -> s.name().length()).max().orElse(0);
        for (Scenario scenario : scenarios) {
            out.printf("%-" + width + "s  %s  %s%n", scenario.name(), oneLine(scenario.description()), tags(scenario));
        }
        out.flush();
        return 0;
    }

    /** A scenario's tags as {@code list} prints them: sorted, in brackets ({@code [429, cloudflare]}). */
    static String tags(Scenario scenario) {
        return "[" + String.join(", ", new TreeSet<>(scenario.tags())) + "]";
    }

    static boolean hasTag(Scenario scenario, String tag) {
        return scenario.tags().contains(tag.strip().toLowerCase(Locale.ROOT));
    }

    /** {@code no built-in scenario has the tag 'nope'; tags there are: 429, 5xx, ...}, with the closest tag first if any. */
    static String unknownTag(String tag, Collection<Scenario> scenarios) {
        TreeSet<String> known = new TreeSet<>();
        scenarios.forEach(s -> known.addAll(s.tags()));
        String closest = UsageErrors.didYouMean(tag, known);
        return "no built-in scenario has the tag '" + tag + "'" + closest + (closest.isEmpty() ? "; tags" : " Tags")
                + " there are: " + String.join(", ", known);
    }

    static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s+", " ").strip();
    }
}
