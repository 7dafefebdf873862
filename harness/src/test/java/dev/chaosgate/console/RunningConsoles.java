package dev.chaosgate.console;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The consoles a test starts, each closed after the test whatever it did:
 * {@code @RegisterExtension final RunningConsoles consoles = new RunningConsoles();}
 */
final class RunningConsoles implements AfterEachCallback {
    private final List<RunningConsole> running = new ArrayList<>();

    /** A console playing {@code scenario}, closed after the test. */
    RunningConsole start(String scenario) {
        return start(scenario, null);
    }

    /** A console playing {@code scenario} and recording to {@code recordTo} (null: not recording), closed after the test. */
    RunningConsole start(String scenario, Path recordTo) {
        RunningConsole console = RunningConsole.start(scenario, recordTo);
        running.add(console);
        return console;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        running.forEach(RunningConsole::close);
        running.clear();
    }
}
