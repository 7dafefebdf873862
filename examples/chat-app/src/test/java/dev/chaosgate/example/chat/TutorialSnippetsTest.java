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
 * {@code docs/tutorial.md} shows this module's compiled code as it is: every Java block of the page follows a
 * {@code <!-- snippet: NAME -->} marker and equals the lines between {@code // tag::NAME[]} and {@code // end::NAME[]}
 * in a source file of this module (less the tag line's indentation).
 */
class TutorialSnippetsTest {
    private static final Path TUTORIAL = Path.of("../../docs/tutorial.md");
    private static final List<Path> SOURCES = List.of(Path.of("src/main/java"), Path.of("src/test/java"));
    private static final Pattern SNIPPET = Pattern.compile("<!-- snippet: ([a-z-]+) -->\\s*```java\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern TAG = Pattern.compile("(?m)^([ \\t]*)// tag::([a-z-]+)\\[]\\n(.*?)^[ \\t]*// end::\\2\\[]", Pattern.DOTALL);

    @Test
    void everyJavaSnippetOfTheTutorialIsTaggedCodeOfThisModule() throws IOException {
        String tutorial = Files.readString(TUTORIAL, StandardCharsets.UTF_8);
        String sources = allSources();
        Matcher snippet = SNIPPET.matcher(tutorial);
        List<String> names = new ArrayList<>();
        while (snippet.find()) {
            names.add(snippet.group(1));
            assertThat(snippet.group(2)).as("snippet %s of docs/tutorial.md", snippet.group(1))
                    .isEqualTo(tagged(sources, snippet.group(1)));
        }
        long javaBlocks = Pattern.compile("```java\\n").matcher(tutorial).results().count();
        assertThat(names).as("snippets").hasSize((int) javaBlocks)
                .contains("first-test", "start-app", "backend", "page-actions", "browser", "planted-bug");
    }

    private static String tagged(String sources, String name) {
        Matcher tag = TAG.matcher(sources);
        while (tag.find()) {
            if (tag.group(2).equals(name)) {
                String indent = tag.group(1);
                StringBuilder code = new StringBuilder();
                tag.group(3).lines().forEach(line ->
                        code.append(line.startsWith(indent) ? line.substring(indent.length()) : line).append('\n'));
                return code.toString();
            }
        }
        throw new AssertionError("no // tag::" + name + "[] in " + SOURCES);
    }

    private static String allSources() throws IOException {
        StringBuilder all = new StringBuilder();
        for (Path root : SOURCES) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                    all.append(Files.readString(file, StandardCharsets.UTF_8)).append('\n');
                }
            }
        }
        return all.toString();
    }
}
