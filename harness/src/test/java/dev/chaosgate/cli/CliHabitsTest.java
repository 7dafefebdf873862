package dev.chaosgate.cli;

import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.scenario.ScenarioCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The command line's habits that users met: {@code help COMMAND}, one suggestion for a misspelt command or option,
 * the same words for a bad number everywhere, {@code list} with tags, and help wrapped at word boundaries.
 */
class CliHabitsTest {
    private static final Set<Class<?>> WHOLE_NUMBERS = Set.of(Long.class, long.class, Integer.class, int.class);

    // ---- help COMMAND

    @ParameterizedTest(name = "help {0}")
    @MethodSource("commands")
    void helpCommandPrintsWhatCommandDashDashHelpPrints(String command) {
        CliRun help = CliRun.of("help", command);
        CliRun dashDash = CliRun.of(command, "--help");

        assertThat(help.exit()).as(help.toString()).isZero();
        assertThat(help.out()).as("`chaosgate help %s` and `chaosgate %s --help`", command, command)
                .startsWith("Usage: chaosgate " + command).isEqualTo(dashDash.out());
        assertThat(help.err()).isEmpty();
    }

    @Test
    void helpAloneIsTheOverviewOfEveryCommand() {
        CliRun help = CliRun.of("help");

        assertThat(help.exit()).as(help.toString()).isZero();
        assertThat(help.out()).isEqualTo(CliRun.of("--help").out()).startsWith("Usage: chaosgate [-hV] [COMMAND]");
        for (String command : commands().toList()) {
            assertThat(help.out()).as("the overview names " + command).containsPattern("(?m)^  " + command + " ");
        }
    }

    @Test
    void helpForACommandThatDoesNotExistSuggestsTheClosest() {
        CliRun help = CliRun.of("help", "rnu");

        assertThat(help.exit()).isEqualTo(ChaosgateCli.EXIT_USAGE);
        assertThat(help.errLines()).containsExactly(
                "chaosgate help: unknown command 'rnu'; did you mean run? (see `chaosgate help`)");
        assertThat(help.out()).isEmpty();
    }

    // ---- misspelt commands and options: one suggestion, the closest, only when it is close

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "swapped letters          | rnu                       | chaosgate: unknown command 'rnu'; did you mean run? (see `chaosgate help`)",
            "cut short                | serv                      | chaosgate: unknown command 'serv'; did you mean serve? (see `chaosgate help`)",
            "one letter off           | lsit                      | chaosgate: unknown command 'lsit'; did you mean list? (see `chaosgate help`)",
            "nothing close            | deploy                    | chaosgate: unknown command 'deploy' (see `chaosgate help`)",
            "option of run            | run --seeed 4 x           | chaosgate run: Unknown option: '--seeed'; did you mean --seed? (see `chaosgate run --help`)",
            "option with a value      | list --tagg=x             | chaosgate list: Unknown option: '--tagg=x'; did you mean --tag? (see `chaosgate list --help`)",
            "option of validate       | validate --bultin         | chaosgate validate: Unknown option: '--bultin'; did you mean --builtin? (see `chaosgate validate --help`)",
            "Go-style option          | toxiproxy-server -prot    | chaosgate toxiproxy-server: Unknown option: '-prot'; did you mean -port? (see `chaosgate toxiproxy-server --help`)",
            "option nothing is near   | list --colour             | chaosgate list: Unknown option: '--colour' (see `chaosgate list --help`)",
    })
    void aMisspeltNameGetsTheOneClosestNameWhenItIsClose(String description, String command, String expected) {
        CliRun run = CliRun.of(command.split(" "));

        assertThat(run.exit()).as(run.toString()).isEqualTo(ChaosgateCli.EXIT_USAGE);
        assertThat(run.errLines()).as(run.toString()).containsExactly(expected);
        assertThat(run.out()).isEmpty();
    }

    // ---- numbers: the same message for every number option of every command

    /** Every option of every command that takes a whole number, by type, plus serve's, which it reads as text. */
    static Stream<String[]> numberOptions() {
        List<String[]> options = new ArrayList<>();
        CommandLine root = ChaosgateCli.commandLine();
        root.getSubcommands().forEach((command, line) -> {
            for (OptionSpec option : line.getCommandSpec().options()) {
                if (WHOLE_NUMBERS.contains(option.type())) {
                    options.add(new String[] {command, option.longestName()});
                }
            }
        });
        assertThat(options).as("number options found by type").hasSizeGreaterThanOrEqualTo(5);
        options.add(new String[] {"serve", "--port"});
        options.add(new String[] {"serve", "--console-port"});
        options.add(new String[] {"serve", "--seed"});
        return options.stream();
    }

    @ParameterizedTest(name = "{0} {1} abc")
    @MethodSource("numberOptions")
    void aNumberOptionGivenAWordSaysSoInTheSameWordsEverywhere(String command, String option) {
        CliRun run = CliRun.of(command, option, "abc");

        assertThat(run.exit()).as(run.toString()).isEqualTo(ChaosgateCli.EXIT_USAGE);
        assertThat(run.errLines()).as(run.toString()).hasSize(1);
        assertThat(run.errLines().get(0)).as(run.toString())
                .matches("chaosgate " + command + ": " + option + ": 'abc' is not a whole number, e\\.g\\. " + option
                        + " [1-9][0-9]*( \\(see `chaosgate " + command + " --help`\\))?")
                .doesNotContain("long").doesNotContain("Invalid value");
    }

    @Test
    void theExampleOfANumberIsAValueTheOptionTakes() {
        assertThat(CliRun.of("run", "--seed", "abc").errLines().get(0)).contains("e.g. --seed 42");
        assertThat(CliRun.of("run", "--client-timeout", "soon").errLines().get(0)).contains("e.g. --client-timeout 120");
        assertThat(CliRun.of("run", "--parallel", "many").errLines().get(0)).contains("e.g. --parallel 2");
        assertThat(CliRun.of("toxiproxy-server", "-port", "x").errLines().get(0)).contains("e.g. --port 8474");
        assertThat(CliRun.of("serve", "--console-port", "x").errLines().get(0)).contains("e.g. --console-port 8788");
        assertThat(CliRun.of("run", "--seed", "99999999999999999999").errLines().get(0))
                .contains("--seed: '99999999999999999999' is too large, at most 9223372036854775807, e.g. --seed 42");
        assertThat(CliRun.of("run", "--parallel", "-3000000000").errLines().get(0))
                .contains("--parallel: '-3000000000' is too small, at least -2147483648, e.g. --parallel 2");
        assertThat(CliRun.of("serve", "--port", "99999999999").errLines().get(0))
                .as("a port too large for a number is a port out of range").isEqualTo("chaosgate serve: --port must be in 0..65535, got 99999999999");
    }

    // ---- list: tags shown, a tag nothing has is an error listing the tags

    @Test
    void listShowsEachScenariosTagsInBrackets() {
        CliRun list = CliRun.of("list");

        List<String> lines = list.out().lines().toList();
        List<Scenario> catalog = ScenarioCatalog.builtIn().all();
        assertThat(lines).hasSize(catalog.size());
        for (int i = 0; i < catalog.size(); i++) {
            Scenario scenario = catalog.get(i);
            assertThat(lines.get(i)).as(scenario.name())
                    .startsWith(scenario.name() + " ")
                    .contains("  " + scenario.description().strip() + "  ")
                    .endsWith("[" + String.join(", ", new TreeSet<>(scenario.tags())) + "]");
        }
        assertThat(lines.get(catalog.indexOf(ScenarioCatalog.builtIn().find("bad-gateway-burst").orElseThrow())))
                .endsWith("[502, 5xx, cloudflare, html]");
    }

    @Test
    void listWithATagNoScenarioHasFailsAndListsTheTagsThereAre() {
        CliRun list = CliRun.of("list", "--tag", "nope");

        assertThat(list.exit()).as(list.toString()).isEqualTo(ChaosgateCli.EXIT_USAGE);
        assertThat(list.out()).isEmpty();
        assertThat(list.errLines()).hasSize(1);
        TreeSet<String> tags = new TreeSet<>();
        ScenarioCatalog.builtIn().all().forEach(s -> tags.addAll(s.tags()));
        assertThat(list.errLines().get(0))
                .startsWith("chaosgate list: no built-in scenario has the tag 'nope'; tags there are: ")
                .contains(String.join(", ", tags))
                .doesNotContain("did you mean");
    }

    @Test
    void listWithAMisspeltTagSuggestsTheClosest() {
        CliRun list = CliRun.of("list", "--tag", "strem");

        assertThat(list.exit()).isEqualTo(ChaosgateCli.EXIT_USAGE);
        assertThat(list.errLines().get(0))
                .startsWith("chaosgate list: no built-in scenario has the tag 'strem'; did you mean stream? Tags there are: 401, ");
    }

    @Test
    void listWithATagKeepsOnlyThoseScenariosWhateverItsCase() {
        CliRun list = CliRun.of("list", "--tag", "Stream");

        assertThat(list.exit()).as(list.toString()).isZero();
        assertThat(list.out().lines().toList()).isNotEmpty().allSatisfy(line -> assertThat(line).containsPattern("[\\[ ]stream[,\\]]"));
        assertThat(list.out().lines().map(l -> l.split(" ")[0]).toList())
                .contains("stream-cut-mid-answer", "stream-stall").doesNotContain("bad-gateway-burst");
    }

    // ---- help wraps at word boundaries

    static Stream<String> commands() {
        return ChaosgateCli.commandLine().getSubcommands().keySet().stream();
    }

    static Stream<String> helpPages() {
        return Stream.concat(Stream.of("--help"), commands().map(command -> command + " --help"));
    }

    @ParameterizedTest(name = "chaosgate {0}")
    @MethodSource("helpPages")
    void helpWrapsAtTheDefaultWidthOnlyBetweenWords(String command) {
        String[] args = command.split(" ");
        String help = help(HelpLayout.WIDTH, args);
        String unwrapped = help(100_000, args);

        // the same words in the same order as when nothing is wrapped: no word or URL was split
        assertThat(words(help)).as("words of `chaosgate %s` wrapped at %d vs unwrapped:%n%s", String.join(" ", args),
                HelpLayout.WIDTH, help).isEqualTo(words(unwrapped));
        for (String line : help.lines().toList()) {
            assertThat(line.chars().filter(c -> c == '`').count() % 2).as("a `code span` split at the end of: %s", line)
                    .isZero();
            if (line.length() > HelpLayout.WIDTH) {
                assertThat(line.strip()).as("a line over %d columns holds a single word that is longer", HelpLayout.WIDTH)
                        .doesNotContain(" ");
            }
        }
    }

    @Test
    void urlsAndSummariesStayWhole() {
        assertThat(CliRun.of("serve", "--help").out()).contains(" http://127.0.0.1:P/v1 ")
                .contains("OPENAI_BASE_URL=http://127.0.0.1:8787/v1 your-app");
        // every command's summary in the overview is a whole sentence, not the first line of a description
        String overview = help(100_000, "--help");
        List<String> rows = overview.lines().dropWhile(l -> !l.equals("Commands:")).skip(1).toList();
        assertThat(rows).hasSize((int) commands().count());
        assertThat(rows).allSatisfy(row -> assertThat(row).matches("  [a-z-]+ +\\S.*[.?]"));
        assertThat(overview).contains("switch scenario, fail the next requests, pause or reset faults, watch every"
                + " request and the running verdict.");
    }

    // ---- shell completion keeps working, help included

    @Test
    void bashCompletesCommandsOptionsAndTheCommandOfHelp(@TempDir Path dir) throws Exception {
        CliRun completion = CliRun.of("generate-completion");
        assertThat(completion.exit()).isZero();
        Path script = Files.writeString(dir.resolve("chaosgate.bash"), completion.out());
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "bash is not installed");

        assertThat(complete(script, "chaosgate", "help", "r")).containsExactly("run");
        assertThat(complete(script, "chaosgate", "he")).containsExactly("help");
        assertThat(complete(script, "chaosgate", "se")).containsExactly("serve");
        assertThat(complete(script, "chaosgate", "list", "--t")).containsExactly("--tag");
    }

    private static List<String> complete(Path script, String... words) throws IOException, InterruptedException {
        String line = String.join(" ", words);
        String shell = "source '" + script + "'; COMP_WORDS=(" + line + "); COMP_CWORD=" + (words.length - 1)
                + "; COMP_LINE='" + line + "'; _complete_chaosgate 2>/dev/null; printf '%s\\n' \"${COMPREPLY[@]}\"";
        Process bash = new ProcessBuilder("/bin/bash", "-c", shell).redirectErrorStream(true).start();
        String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out.lines().filter(l -> !l.isBlank()).toList();
    }

    private static String help(int width, String... args) {
        CommandLine cli = ChaosgateCli.commandLine(width);
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(new StringWriter(), true));
        assertThat(cli.execute(args)).isZero();
        return out.toString();
    }

    private static List<String> words(String text) {
        return Arrays.stream(text.split("\\s+")).filter(w -> !w.isEmpty()).toList();
    }
}
