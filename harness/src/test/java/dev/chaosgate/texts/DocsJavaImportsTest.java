package dev.chaosgate.texts;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every Java snippet in the README and docs/ shows its imports, so a reader can paste it: the block
 * holds its import lines, or follows a block of imports only. Each chaosgate import names a class
 * that exists, so a renamed or moved type cannot leave a snippet pointing nowhere.
 */
class DocsJavaImportsTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern IMPORT = Pattern.compile("^\\s*import (static )?([\\w.]+)(\\.\\*)?;", Pattern.MULTILINE);

    @Test
    void everyJavaSnippetShowsItsImports() throws IOException {
        List<String> missing = new ArrayList<>();
        int blocks = 0;
        for (Path doc : docs()) {
            String text = Files.readString(doc);
            Matcher block = JAVA_BLOCK.matcher(text);
            boolean previousWasImportsOnly = false;
            int previousEnd = -1;
            while (block.find()) {
                blocks++;
                String body = block.group(1);
                boolean hasImports = IMPORT.matcher(body).find();
                // Only blank lines and a snippet marker between an imports-only block and this one.
                String between = previousEnd < 0 ? "x" : text.substring(previousEnd, block.start()).replaceAll("<!--[^>]*-->", "").strip();
                if (!hasImports && !(previousWasImportsOnly && between.isEmpty())) {
                    missing.add(ROOT.relativize(doc) + ":" + line(text, block.start()) + "  " + body.lines().findFirst().orElse(""));
                }
                previousWasImportsOnly = hasImports && body.lines().map(String::strip)
                        .allMatch(l -> l.isEmpty() || l.startsWith("import ") || l.startsWith("//"));
                previousEnd = block.end();
            }
        }
        assertThat(blocks).as("Java snippets found in README.md and docs/").isGreaterThan(10);
        assertThat(missing).as("Java snippets without their imports (add the import lines, in the block or in a block of"
                + " imports just before it)").isEmpty();
    }

    @Test
    void everyChaosgateImportInTheDocsNamesAClassThatExists() throws IOException {
        List<String> dangling = new ArrayList<>();
        for (Path doc : docs()) {
            String text = Files.readString(doc);
            Matcher block = JAVA_BLOCK.matcher(text);
            while (block.find()) {
                Matcher anImport = IMPORT.matcher(block.group(1));
                while (anImport.find()) {
                    String name = anImport.group(2);
                    if (!name.startsWith("dev.chaosgate.")) {
                        continue;
                    }
                    boolean isStatic = anImport.group(1) != null;
                    String type = isStatic && anImport.group(3) == null ? name.substring(0, name.lastIndexOf('.')) : name;
                    if (!loads(type)) {
                        dangling.add(ROOT.relativize(doc) + ":" + line(text, block.start()) + "  " + anImport.group());
                    }
                }
            }
        }
        assertThat(dangling).as("imports in the docs of chaosgate types that do not exist").isEmpty();
    }

    private static boolean loads(String type) {
        // A nested type is written with dots: try the dots from the right as '$' too.
        String candidate = type;
        for (int nesting = 0; nesting < 4; nesting++) {
            try {
                Class.forName(candidate, false, DocsJavaImportsTest.class.getClassLoader());
                return true;
            } catch (ClassNotFoundException e) {
                int dot = candidate.lastIndexOf('.');
                if (dot < 0) {
                    return false;
                }
                candidate = candidate.substring(0, dot) + "$" + candidate.substring(dot + 1);
            }
        }
        return false;
    }

    private static List<Path> docs() throws IOException {
        List<Path> docs = new ArrayList<>();
        docs.add(ROOT.resolve("README.md"));
        try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
            files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        return docs;
    }

    private static int line(String text, int offset) {
        return (int) text.substring(0, offset).chars().filter(c -> c == '\n').count() + 1;
    }
}
