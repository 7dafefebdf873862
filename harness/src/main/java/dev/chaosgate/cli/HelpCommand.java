package dev.chaosgate.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.Callable;

/**
 * {@code chaosgate help [COMMAND]}: the help of one command, as {@code chaosgate COMMAND --help} prints it, or
 * without a command the overview of them all. A misspelt command name gets the closest one.
 */
@Command(name = "help",
        helpCommand = true,
        mixinStandardHelpOptions = true,
        version = "chaosgate 0.1.0",
        exitCodeOnInvalidInput = ChaosgateCli.EXIT_USAGE,
        description = "Shows the help of a command, e.g. `chaosgate help run`; alone, the list of commands.")
public final class HelpCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "COMMAND", arity = "0..1", completionCandidates = CommandNames.class,
            description = "The command to explain: ${COMPLETION-CANDIDATES}.")
    String command;

    @Override
    public Integer call() {
        CommandLine root = spec.parent().commandLine();
        if (command == null) {
            root.usage(spec.commandLine().getOut());
            return 0;
        }
        CommandLine sub = root.getSubcommands().get(command);
        if (sub == null) {
            throw new ParameterException(spec.commandLine(), "unknown command '" + command + "'"
                    + UsageErrors.didYouMean(command, root.getSubcommands().keySet()));
        }
        sub.usage(spec.commandLine().getOut());
        return 0;
    }

    /** The names of chaosgate's commands, for the help text and shell completion of {@code help COMMAND}. */
    static final class CommandNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(ChaosgateCli.class.getAnnotation(Command.class).subcommands())
                    .map(type -> type.getAnnotation(Command.class).name())
                    .iterator();
        }
    }
}
