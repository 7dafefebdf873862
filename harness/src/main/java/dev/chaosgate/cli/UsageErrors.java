package dev.chaosgate.cli;

import dev.chaosgate.fixtures.yaml.Closest;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one-line usage errors of every command: a misspelt command or option gets the one closest name (when it is
 * close enough to be a typo), and a number option given something else says so in the same words everywhere:
 * {@code --seed: 'abc' is not a whole number, e.g. --seed 42}.
 */
final class UsageErrors {
    private static final Set<Class<?>> WHOLE_NUMBERS = Set.of(Long.class, long.class, Integer.class, int.class,
            Short.class, short.class);
    /** Examples for number options whose default does not make one (none, or a value that depends on others). */
    private static final Map<String, String> EXAMPLES = Map.of("--parallel", "2");
    private static final String ANY_EXAMPLE = "42";

    private UsageErrors() {
    }

    /** The line {@code main} prints for {@code e}: {@code chaosgate run: <problem> (see `chaosgate run --help`)}. */
    static String line(ParameterException e) {
        CommandLine failed = e.getCommandLine();
        String name = failed.getCommandSpec().qualifiedName();
        String line = name + ": " + describe(e) + " (see `" + helpHint(failed.getCommandSpec()) + "`)";
        return line.replaceAll("\\s*\\R\\s*", " ");
    }

    /**
     * {@code OPTION: 'VALUE' is not a whole number, e.g. OPTION EXAMPLE}: the message of every number option that
     * was given something else, whichever command reads it.
     */
    static String notAWholeNumber(String option, String value, String example, Class<?> type) {
        String problem = "is not a whole number";
        if (value.strip().matches("[-+]?\\d+")) {
            // a whole number all the same, only beyond what the option's type holds: name the bound crossed
            boolean negative = value.strip().startsWith("-");
            problem = negative ? "is too small, at least " + bound(type, false) : "is too large, at most " + bound(type, true);
        }
        return option + ": '" + value + "' " + problem + ", e.g. " + option + " " + example;
    }

    private static String bound(Class<?> type, boolean max) {
        if (type == Integer.class || type == int.class) {
            return "" + (max ? Integer.MAX_VALUE : Integer.MIN_VALUE);
        }
        if (type == Short.class || type == short.class) {
            return "" + (max ? Short.MAX_VALUE : Short.MIN_VALUE);
        }
        return "" + (max ? Long.MAX_VALUE : Long.MIN_VALUE);
    }

    /** {@code ; did you mean NAME?} for the one candidate close enough to {@code input} to be a typo, else nothing. */
    static String didYouMean(String input, Collection<String> candidates) {
        return Closest.likelyTypo(input, candidates).map(c -> "; did you mean " + c + "?").orElse("");
    }

    private static String describe(ParameterException e) {
        CommandSpec spec = e.getCommandLine().getCommandSpec();
        if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            String first = unmatched.getUnmatched().get(0);
            if (first.startsWith("-")) {
                String option = first.contains("=") ? first.substring(0, first.indexOf('=')) : first;
                return e.getMessage().strip() + didYouMean(option, optionNames(spec));
            }
            if (!spec.subcommands().isEmpty() && spec.positionalParameters().isEmpty()) {
                return "unknown command '" + first + "'" + didYouMean(first, spec.subcommands().keySet());
            }
            return e.getMessage().strip();
        }
        Optional<OptionSpec> number = wholeNumberOption(e);
        if (number.isPresent()) {
            return notAWholeNumber(number.get().longestName(), e.getValue(), example(number.get()), number.get().type());
        }
        return e.getMessage().strip();
    }

    private static Optional<OptionSpec> wholeNumberOption(ParameterException e) {
        ArgSpec arg = e.getArgSpec();
        if (e.getCause() instanceof TypeConversionException && e.getValue() != null && arg instanceof OptionSpec option
                && WHOLE_NUMBERS.contains(option.type())) {
            return Optional.of(option);
        }
        return Optional.empty();
    }

    private static String example(OptionSpec option) {
        String known = EXAMPLES.get(option.longestName());
        if (known != null) {
            return known;
        }
        String byDefault = option.defaultValue() != null ? option.defaultValue()
                : option.initialValue() instanceof Number n ? n.toString() : null;
        return byDefault != null && byDefault.matches("[1-9]\\d*") ? byDefault : ANY_EXAMPLE;
    }

    private static List<String> optionNames(CommandSpec spec) {
        List<String> names = new ArrayList<>();
        for (OptionSpec option : spec.options()) {
            if (!option.hidden()) {
                names.addAll(List.of(option.names()));
            }
        }
        return names;
    }

    /** Where the fix is: a command's own help, or the list of commands for the top level and {@code help}. */
    static String helpHint(CommandSpec spec) {
        if (spec.parent() == null) {
            return spec.name() + " help";
        }
        if (spec.userObject() instanceof HelpCommand) {
            return spec.parent().name() + " help";
        }
        return spec.qualifiedName() + " --help";
    }
}
