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
        subcommands = {ServeCommand.class, ToxiproxyServerCommand.class, ValidateCommand.class, AutoComplete.GenerateCompletion.class})
public final class ChaosgateCli implements Runnable {
    /** Exit code of a usage or configuration error. */
    public static final int EXIT_USAGE = 2;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ChaosgateCli()).execute(args));
    }

    /** {@code chaosgate} with no subcommand: a usage error that lists the subcommands. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: choose one of "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
