package dev.chaosgate.cli;

import dev.chaosgate.scenario.ScenarioCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ValidateCommandTest {
    private static final String GOOD = """
            name: good
            description: One 502, then normal answers.
            phases:
              - name: down
                requests: 1
                upstream:
                  status: 502
              - name: up
            """;
    private static final String BAD = """
            name: bad
            descripton: One 502, then normal answers.
            phases:
              - name: down
            """;

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    private Run run(String... args) {
        CommandLine cli = new CommandLine(new ChaosgateCli());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        Run run = new Run(exit, out.toString(), err.toString());
        assertThat(run.out() + run.err()).as("never a stack trace").doesNotContain("\tat ").doesNotContain("Exception");
        return run;
    }

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    @Test
    void aValidFileIsOk() throws IOException {
        Path good = write("good.yaml", GOOD);

        Run run = run("validate", good.toString());

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("OK " + good + " (good, 2 phases)" + System.lineSeparator());
        assertThat(run.err()).isEmpty();
    }

    @Test
    void anInvalidFilePrintsItsErrorAndExitsWith1() throws IOException {
        Path bad = write("bad.yaml", BAD);

        Run run = run("validate", bad.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).isEqualTo(bad + ":2:1: unknown key `descripton` in the scenario. Did you mean `description`? "
                + "Valid keys: clock, crowd, description, expect, name, phases, seed, situation, tags" + System.lineSeparator());
        assertThat(run.err()).isEqualTo("chaosgate validate: 1 of 1 file invalid" + System.lineSeparator());
    }

    @Test
    void everyFileIsCheckedAndOneBadFileFailsTheRun() throws IOException {
        Path good = write("good.yaml", GOOD);
        Path bad = write("bad.yaml", BAD);
        Path misnamed = write("other-name.yaml", GOOD);

        Run run = run("validate", good.toString(), bad.toString(), misnamed.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out().lines()).containsExactly(
                "OK " + good + " (good, 2 phases)",
                bad + ":2:1: unknown key `descripton` in the scenario. Did you mean `description`? Valid keys: clock, crowd, description, expect, name, phases, seed, situation, tags",
                misnamed + ":1:7: the scenario is named `good` but its file is other-name.yaml. Name the file good.yaml, or the scenario other-name");
        assertThat(run.err()).isEqualTo("chaosgate validate: 2 of 3 files invalid" + System.lineSeparator());
    }

    @Test
    void aDirectoryStandsForItsYamlFilesInNameOrder() throws IOException {
        write("scenarios/good.yaml", GOOD);
        write("scenarios/a-first.yml", GOOD.replace("name: good", "name: a-first"));
        write("scenarios/README.md", "not a scenario");
        Path scenarios = dir.resolve("scenarios");

        Run run = run("validate", scenarios.toString());

        assertThat(run.exit()).isZero();
        assertThat(run.out().lines()).containsExactly(
                "OK " + scenarios.resolve("a-first.yml") + " (a-first, 2 phases)",
                "OK " + scenarios.resolve("good.yaml") + " (good, 2 phases)");
    }

    @Test
    void aDirectoryWithoutScenarioFilesIsAnError() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));

        Run run = run("validate", empty.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).isEqualTo(empty + ": no scenario files (*.yaml, *.yml) in this directory" + System.lineSeparator());
    }

    @Test
    void aMissingFileIsAnError() {
        Path missing = dir.resolve("missing.yaml");

        Run run = run("validate", missing.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).isEqualTo(missing + ": no such file. Check the path; scenario files end in .yaml" + System.lineSeparator());
    }

    @Test
    void notYamlAtAllIsAnErrorWithALocation() throws IOException {
        Path garbage = write("garbage.yaml", "name: [unclosed\n");

        Run run = run("validate", garbage.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).startsWith(garbage + ":1:16: not valid YAML: ");
    }

    @Test
    void builtinValidatesTheCatalogShippedWithChaosgate() {
        Run run = run("validate", "--builtin");

        assertThat(run.exit()).isZero();
        assertThat(run.out().lines()).hasSize(ScenarioCatalog.builtIn().names().size())
                .allMatch(line -> line.startsWith("OK " + ScenarioCatalog.RESOURCE_DIR))
                .contains("OK dev/chaosgate/scenarios/bad-gateway-burst.yaml (bad-gateway-burst, 2 phases)");
    }

    @Test
    void builtinAndFilesTogether() throws IOException {
        Path good = write("good.yaml", GOOD);

        Run run = run("validate", "--builtin", good.toString());

        assertThat(run.exit()).isZero();
        assertThat(run.out().lines()).hasSize(ScenarioCatalog.builtIn().names().size() + 1).last().isEqualTo("OK " + good + " (good, 2 phases)");
    }

    @Test
    void noFilesIsAUsageError() {
        Run run = run("validate");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("Give one or more scenario files or directories, or --builtin")
                .contains("Usage: chaosgate validate [-hV] [--builtin] [FILE...]");
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        Run run = run("validate", "--bultin");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("Unknown option: '--bultin'");
    }

    @Test
    void helpDescribesTheExitCodes() {
        Run run = run("validate", "--help");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("Exit codes: 0 every file is valid, 1 at least one is not, 2 a usage error");
    }
}
