package dev.chaosgate.example.chat;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The docs show this module's compiled code as it is: every Java block of {@code docs/tutorial.md} follows a
 * {@code <!-- snippet: NAME -->} marker, and every {@code <!-- snippet: chat-app/NAME -->} block of
 * {@code docs/junit.md} too; each equals the lines between {@code // tag::NAME[]} and {@code // end::NAME[]} in a source
 * file of this module (less the tag line's indentation), after the import lines it needs: exactly those imports of its
 * file whose names the code uses (the app's own classes, in the same package, need none).
 */
class TutorialSnippetsTest {
    private static final Path TUTORIAL = Path.of("../../docs/tutorial.md");
    private static final Path JUNIT = Path.of("../../docs/junit.md");
    private static final List<Path> SOURCES = List.of(Path.of("src/main/java"), Path.of("src/test/java"));
    private static final String IMPORTS = "((?:import [^\\n]+\\n)+\\n)?";
    private static final Pattern SNIPPET = Pattern.compile("<!-- snippet: ([a-z-]+) -->\\s*```java\\n" + IMPORTS + "(.*?)```", Pattern.DOTALL);
    private static final Pattern JUNIT_SNIPPET = Pattern.compile("<!-- snippet: chat-app/([a-z-]+) -->\\s*```java\\n" + IMPORTS + "(.*?)```",
            Pattern.DOTALL);
    private static final Pattern TAG = Pattern.compile("(?m)^([ \\t]*)// tag::([a-z-]+)\\[]\\n(.*?)^[ \\t]*// end::\\2\\[]", Pattern.DOTALL);
    private static final Pattern IMPORT = Pattern.compile("(?m)^import (static )?([\\w.]+)\\.(\\w+);$");

    @Test
    void everyJavaSnippetOfTheTutorialIsTaggedCodeOfThisModule() throws IOException {
        String tutorial = Files.readString(TUTORIAL, StandardCharsets.UTF_8);
        List<String> names = checkSnippets(SNIPPET.matcher(tutorial), "docs/tutorial.md");
        long javaBlocks = Pattern.compile("```java\\n").matcher(tutorial).results().count();
        assertThat(names).as("snippets").hasSize((int) javaBlocks)
                .contains("first-test", "start-app", "backend", "page-actions", "browser", "planted-bug");
    }

    @Test
    void theSpringBootRecipeOfTheJUnitPageIsTaggedCodeOfThisModule() throws IOException {
        String junit = Files.readString(JUNIT, StandardCharsets.UTF_8);
        assertThat(checkSnippets(JUNIT_SNIPPET.matcher(junit), "docs/junit.md")).containsExactly("spring-boot-test");
    }

    private static List<String> checkSnippets(Matcher snippet, String page) throws IOException {
        List<String> names = new ArrayList<>();
        while (snippet.find()) {
            String name = snippet.group(1);
            names.add(name);
            Tagged tagged = tagged(name);
            assertThat(snippet.group(3)).as("snippet %s of %s", name, page).isEqualTo(tagged.code());
            List<String> shown = snippet.group(2) == null ? List.of() : snippet.group(2).strip().lines().sorted().toList();
            assertThat(shown).as("the import lines of snippet %s of %s: those its code needs, as %s imports them", name, page,
                    tagged.file()).isEqualTo(importsNeeded(tagged.source(), tagged.code()));
        }
        return names;
    }

    /** The imports of {@code source} whose names {@code code} uses (outside comments and strings), sorted. */
    private static List<String> importsNeeded(String source, String code) {
        String uses = code.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "").replaceAll("\"[^\"\\n]*\"", "\"\"");
        List<String> needed = new ArrayList<>();
        Matcher line = IMPORT.matcher(source);
        while (line.find()) {
            if (Pattern.compile("\\b" + line.group(3) + "\\b").matcher(uses).find()) {
                needed.add(line.group());
            }
        }
        return needed.stream().sorted().toList();
    }

    private record Tagged(Path file, String source, String code) {
    }

    private static Tagged tagged(String name) throws IOException {
        for (Path root : SOURCES) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                    String source = Files.readString(file, StandardCharsets.UTF_8);
                    Matcher tag = TAG.matcher(source);
                    while (tag.find()) {
                        if (tag.group(2).equals(name)) {
                            String indent = tag.group(1);
                            StringBuilder code = new StringBuilder();
                            tag.group(3).lines().forEach(line ->
                                    code.append(line.startsWith(indent) ? line.substring(indent.length()) : line).append('\n'));
                            return new Tagged(file, source, code.toString());
                        }
                    }
                }
            }
        }
        throw new AssertionError("no // tag::" + name + "[] in " + SOURCES);
    }
}
