package dev.chaosgate.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code chaosgate} command line. Each subcommand is its own class; this one only groups them.
 * Exit codes: 0 success, 1 an unexpected error, 2 a usage or configuration error.
 */
@Command(name = "chaosgate",
        mixinStandardHelpOptions = true,
        version = "chaosgate 0.1.0",
        exitCodeOnInvalidInput = ChaosgateCli.EXIT_USAGE,
        description = "Simulates the gateway failures met in front of ChatGPT-style APIs and judges the client.",
        subcommands = {ListCommand.class, RunCommand.class, ServeCommand.class, ValidateCommand.class,
                ToxiproxyServerCommand.class, AutoComplete.GenerateCompletion.class, HelpCommand.class})
public final class ChaosgateCli implements Runnable {
    /** Exit code of a usage or configuration error. */
    public static final int EXIT_USAGE = 2;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line as {@code main} runs it: a usage error is one line on stderr naming the
     * problem and where the fix is ({@code chaosgate run: Unknown option: '--al'; did you mean --all? (see `chaosgate run --help`)}),
     * never the whole usage text or a stack trace; help is wrapped at {@value HelpLayout#WIDTH} columns.
     */
    public static CommandLine commandLine() {
        return commandLine(HelpLayout.WIDTH);
    }

    /** {@link #commandLine()} with its help wrapped at {@code helpWidth} columns. */
    static CommandLine commandLine(int helpWidth) {
        CommandLine cli = new CommandLine(new ChaosgateCli());
        HelpLayout.install(cli, helpWidth);
        cli.setParameterExceptionHandler((ParameterException e, String[] args) -> {
            CommandLine failed = e.getCommandLine();
            failed.getErr().println(UsageErrors.line(e));
            failed.getErr().flush();
            return EXIT_USAGE;
        });
        return cli;
    }

    /** {@code chaosgate} with no subcommand: a usage error that lists the subcommands. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: choose one of "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
