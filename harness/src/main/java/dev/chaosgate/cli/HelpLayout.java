package dev.chaosgate.cli;

import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.IHelpSectionRenderer;
import picocli.CommandLine.Model.CommandSpec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static picocli.CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST;
import static picocli.CommandLine.Model.UsageMessageSpec.SECTION_KEY_DESCRIPTION;
import static picocli.CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER;
import static picocli.CommandLine.Model.UsageMessageSpec.SECTION_KEY_HEADER;
import static picocli.CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST;
import static picocli.CommandLine.Model.UsageMessageSpec.SECTION_KEY_PARAMETER_LIST;
import static picocli.CommandLine.Model.UsageMessageSpec.SECTION_KEY_SYNOPSIS;

/**
 * The help of every command, wrapped at spaces only. picocli wraps with a line break iterator that also breaks
 * after a dot or a slash, which cut {@code http://127.0.0.1:P/v1} in two; here picocli lays each section out
 * unwrapped and this class folds the long lines at spaces outside {@code `code spans`}, with the same hanging
 * indents, so a word, a URL, a file name or a command quoted in backticks is never split. A word longer than the line stays whole and overflows. Sentences that a description
 * or footer spread over several lines are joined first, and the list of commands shows each one's first sentence
 * whole. Help is plain text (no ANSI colours), the same in a terminal, a pipe and a test.
 */
final class HelpLayout {
    /** picocli's default width, the width of the help everywhere. */
    static final int WIDTH = 80;
    /** Wide enough that picocli never wraps a line itself. */
    private static final int UNWRAPPED = 10_000;
    private static final Set<String> ROWS = Set.of(SECTION_KEY_OPTION_LIST, SECTION_KEY_PARAMETER_LIST, SECTION_KEY_COMMAND_LIST);
    private static final Set<String> PROSE = Set.of(SECTION_KEY_DESCRIPTION, SECTION_KEY_FOOTER, SECTION_KEY_HEADER);
    /** The gap of two or more spaces between a row's names and its text. */
    private static final Pattern COLUMN_GAP = Pattern.compile("^(\\s*\\S.*?\\S {2,})\\S");
    private static final Pattern SENTENCE_END = Pattern.compile("(?<!\\be\\.g\\.)(?<!\\bi\\.e\\.)(?<=[.?!])\\s+(?=[A-Z])");

    private HelpLayout() {
    }

    /** Lays out the help of {@code root} and all its subcommands at {@code width} columns. */
    static void install(CommandLine root, int width) {
        install(root, width, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private static void install(CommandLine line, int width, Set<CommandLine> done) {
        if (!done.add(line)) {
            return;
        }
        line.setColorScheme(Help.defaultColorScheme(Help.Ansi.OFF));
        line.getCommandSpec().usageMessage().width(UNWRAPPED);
        Map<String, IHelpSectionRenderer> sections = new LinkedHashMap<>();
        line.getHelpSectionMap().forEach((key, renderer) -> {
            IHelpSectionRenderer base = key.equals(SECTION_KEY_COMMAND_LIST) ? HelpLayout::commandList : renderer;
            sections.put(key, help -> wrap(key, base.render(help), width,
                    key.equals(SECTION_KEY_SYNOPSIS) ? lastLineLength(help.synopsisHeading()) : 0));
        });
        line.setHelpSectionMap(sections);
        for (CommandLine sub : line.getSubcommands().values()) {
            install(sub, width, done);
        }
    }

    /** The commands, one a row: the name, then the first sentence of its description (or its header), whole. */
    private static String commandList(Help help) {
        Map<String, Help> subcommands = help.subcommands();
        if (subcommands.isEmpty()) {
            return "";
        }
        int width = subcommands.keySet().stream().mapToInt(String::length).max().orElse(0);
        StringBuilder out = new StringBuilder();
        subcommands.forEach((name, sub) -> out.append("  ").append(String.format("%-" + width + "s", name))
                .append("  ").append(summary(sub.commandSpec())).append('\n'));
        return out.toString();
    }

    /** A command's one-sentence summary: its header, else the first sentence of its description. */
    static String summary(CommandSpec spec) {
        String[] header = spec.usageMessage().header();
        String text = String.join(" ", header.length > 0 ? header : spec.usageMessage().description())
                .replace("%n", " ").replaceAll("\\s+", " ").strip();
        return SENTENCE_END.split(text, 2)[0];
    }

    private static int lastLineLength(String text) {
        return text.length() - text.lastIndexOf('\n') - 1;
    }

    /** {@code text} of {@code section} folded at {@code width}, its first line starting {@code offset} columns in. */
    static String wrap(String section, String text, int width, int offset) {
        if (text.isEmpty()) {
            return text;
        }
        boolean endsWithNewline = text.endsWith("\n");
        List<String> lines = new ArrayList<>(List.of((endsWithNewline ? text.substring(0, text.length() - 1) : text).split("\n", -1)));
        if (PROSE.contains(section)) {
            lines = joinSentences(lines);
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            // the synopsis follows its heading ("Usage: ") on the same line
            int in = i == 0 ? offset : 0;
            List<String> folded = fold(" ".repeat(in) + lines.get(i), section, width);
            folded.set(0, folded.get(0).substring(in));
            folded.forEach(line -> out.append(line).append('\n'));
        }
        return endsWithNewline ? out.toString() : out.substring(0, out.length() - 1);
    }

    /** Joins the lines of one sentence that an annotation spread over several array elements. */
    private static List<String> joinSentences(List<String> lines) {
        List<String> joined = new ArrayList<>();
        for (String line : lines) {
            int last = joined.size() - 1;
            if (last >= 0 && continues(joined.get(last), line)) {
                joined.set(last, joined.get(last).stripTrailing() + " " + line.strip());
            } else {
                joined.add(line);
            }
        }
        return joined;
    }

    private static boolean continues(String previous, String line) {
        String end = previous.stripTrailing();
        return !end.isEmpty() && !line.isBlank() && !Character.isWhitespace(previous.charAt(0))
                && !Character.isWhitespace(line.charAt(0)) && ".?!:".indexOf(end.charAt(end.length() - 1)) < 0;
    }

    /** One line folded at spaces into lines of at most {@code width} columns, unless a single word is longer. */
    private static List<String> fold(String line, String section, int width) {
        List<String> out = new ArrayList<>();
        if (line.stripTrailing().length() <= width) {
            out.add(line); // as it is: a heading ("Usage: ") ends with the space its section follows
            return out;
        }
        line = line.stripTrailing();
        int textStart = textStart(line, section);
        int hanging = hangingIndent(line, section, textStart);
        String rest = line;
        int minimum = textStart;
        while (rest.length() > width) {
            int at = breakAt(rest, width, minimum);
            if (at < 0) {
                break;
            }
            out.add(rest.substring(0, at).stripTrailing());
            rest = " ".repeat(hanging) + rest.substring(at).stripLeading();
            minimum = hanging;
        }
        out.add(rest);
        return out;
    }

    /**
     * Where a space run starts that leaves text both before it (after {@code minimum}) and after it, outside a
     * {@code `code span`} (a command or an example reads whole); -1 if none.
     */
    private static int breakAt(String line, int width, int minimum) {
        for (int at = Math.min(width, line.length() - 1); at > minimum; at--) {
            if (breakable(line, at)) {
                return at;
            }
        }
        // no space within the width: the long word stays whole, the line breaks at the first space after it
        for (int at = width + 1; at < line.length() - 1; at++) {
            if (at > minimum && breakable(line, at)) {
                return line.substring(at).isBlank() ? -1 : at;
            }
        }
        return -1;
    }

    private static boolean breakable(String line, int at) {
        if (line.charAt(at) != ' ' || line.charAt(at - 1) == ' ') {
            return false;
        }
        long ticks = line.substring(0, at).chars().filter(c -> c == '`').count();
        return ticks % 2 == 0;
    }

    /** Where the text a line may be broken in starts: after a row's names, after the synopsis' command name. */
    private static int textStart(String line, String section) {
        int leading = line.length() - line.stripLeading().length();
        if (section.equals(SECTION_KEY_SYNOPSIS)) {
            int bracket = line.indexOf('[');
            return bracket > 0 ? bracket : leading;
        }
        if (ROWS.contains(section) || leading > 0) {
            Matcher gap = COLUMN_GAP.matcher(line);
            if (gap.find()) {
                return gap.end(1);
            }
        }
        return leading;
    }

    private static int hangingIndent(String line, String section, int textStart) {
        // rows continue two columns in, as picocli indents them; a synopsis and indented prose under their text
        return ROWS.contains(section) ? textStart + 2 : textStart;
    }
}
