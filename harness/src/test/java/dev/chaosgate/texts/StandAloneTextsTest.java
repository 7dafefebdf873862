package dev.chaosgate.texts;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every text a user reads stands alone: the README, docs, scenario files, fixtures, the console page, messages
 * and javadoc cite files of this repository that exist, public sources, or nothing. A relative link or a
 * backticked path to a file that is not in the repository fails the build, and so does any mention of the
 * project's private notes, which a reader cannot open.
 */
class StandAloneTextsTest {
    /** The repository, seen from the harness module the tests run in. */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** The tests' own checks hold these patterns, so tests are not product text (load simulations and examples are). */
    private static final List<String> NOT_PRODUCT = List.of("harness/src/test/", "fixtures/src/test/", "scenarios/src/test/");
    /** Build output, installed packages and git's own files. */
    private static final Set<String> SKIPPED_DIRECTORIES = Set.of(".git", "target", "node_modules");
    private static final Set<String> TEXT = Set.of("md", "java", "yaml", "yml", "json", "html", "js", "mjs", "css", "txt",
            "py", "properties", "xml", "");
    /** Notes a reader of the repository cannot open; "Seed 012" also reads like a verdict's random seed. */
    private static final List<Pattern> PRIVATE = List.of(
            Pattern.compile("(?i)\\bseeds? 0\\d\\d\\b"),
            Pattern.compile("\\bshared/"),
            Pattern.compile("llm-clients"),
            Pattern.compile("sdk-retry-policies"),
            Pattern.compile("style-anchors"),
            Pattern.compile("DESIGN\\.md"),
            Pattern.compile("/work/"));
    private static final Pattern MARKDOWN_LINK = Pattern.compile("\\[[^\\]\\n]*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern BACKTICKED = Pattern.compile("`([^`\\s]+)`");
    /** A repository path written in running text or a message: under docs/ or scripts/, or a Markdown file. */
    private static final Pattern REPO_PATH_IN_TEXT = Pattern.compile("(?<![\\w./-])((?:docs|scripts)/[\\w./-]*[\\w-])");

    private static List<Path> files;
    private static Set<String> topLevel;

    @BeforeAll
    static void walk() throws IOException {
        assumeTrue(Files.isRegularFile(ROOT.resolve("README.md")) && Files.isDirectory(ROOT.resolve("docs")),
                "the repository is not around the harness module");
        List<Path> found = new ArrayList<>();
        Files.walkFileTree(ROOT, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                String rel = relative(dir) + "/";
                return !dir.equals(ROOT) && (SKIPPED_DIRECTORIES.contains(name) || NOT_PRODUCT.contains(rel))
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (attributes.isRegularFile() && TEXT.contains(extension(file))) {
                    found.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        files = found.stream().sorted().toList();
        topLevel = new HashSet<>();
        try (Stream<Path> entries = Files.list(ROOT)) {
            entries.forEach(p -> topLevel.add(p.getFileName().toString()));
        }
        assertThat(files).as("product text found").extracting(StandAloneTextsTest::relative)
                .contains("README.md", "docs/scenarios.md", "scenarios/src/main/resources/dev/chaosgate/scenarios/bad-gateway-burst.yaml",
                        "harness/src/main/java/dev/chaosgate/cli/ServeCommand.java");
    }

    @Test
    void noTextCitesThePrivateNotes() {
        List<String> found = new ArrayList<>();
        for (Path file : files) {
            List<String> lines = read(file).lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                for (Pattern pattern : PRIVATE) {
                    Matcher m = pattern.matcher(lines.get(i));
                    if (m.find()) {
                        found.add(relative(file) + ":" + (i + 1) + ": '" + m.group() + "' in: " + lines.get(i).strip());
                    }
                }
            }
        }
        assertThat(found).as("citations of notes outside the repository: cite a public source (an RFC, a status page,"
                + " SDK docs) or nothing").isEmpty();
    }

    @Test
    void everyRelativeMarkdownLinkLeadsToAFileAndHeadingThatExist() {
        List<String> broken = new ArrayList<>();
        for (Path file : markdown()) {
            List<String> lines = read(file).lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                Matcher link = MARKDOWN_LINK.matcher(lines.get(i));
                while (link.find()) {
                    String target = link.group(1);
                    if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
                        continue; // https:, mailto:
                    }
                    String where = relative(file) + ":" + (i + 1) + ": ";
                    int hash = target.indexOf('#');
                    String path = hash < 0 ? target : target.substring(0, hash);
                    Path resolved = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
                    if (!Files.exists(resolved) || !resolved.startsWith(ROOT)) {
                        broken.add(where + "(" + target + ") is not a file of the repository");
                    } else if (hash >= 0 && resolved.toString().endsWith(".md")
                            && !anchors(resolved).contains(target.substring(hash + 1))) {
                        broken.add(where + "(" + target + ") names a heading " + relative(resolved) + " does not have");
                    }
                }
            }
        }
        assertThat(broken).as("broken links").isEmpty();
    }

    @Test
    void everyBacktickedRepositoryPathInTheDocsAndScenariosExists() {
        List<String> missing = new ArrayList<>();
        for (Path file : files) {
            String rel = relative(file);
            boolean prose = rel.endsWith(".md") || rel.startsWith("scenarios/src/main/resources/");
            List<String> lines = read(file).lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                List<String> paths = new ArrayList<>();
                if (prose) {
                    Matcher ticked = BACKTICKED.matcher(lines.get(i));
                    while (ticked.find()) {
                        boolean linkedElsewhere = lines.get(i).startsWith("](http", ticked.end());
                        if (!linkedElsewhere && looksLikeRepositoryPath(ticked.group(1))) {
                            paths.add(ticked.group(1));
                        }
                    }
                }
                // a path in another project's URL or link is that project's ([`scripts/test-e2e`](https://github.com/...))
                Matcher inText = REPO_PATH_IN_TEXT.matcher(lines.get(i).replaceAll("\\[[^\\]]*\\]\\(https?://[^)]*\\)", "").replaceAll("https?://\\S+", ""));
                while (inText.find()) {
                    if (!paths.contains(inText.group(1)) && concrete(inText.group(1))) {
                        paths.add(inText.group(1));
                    }
                }
                for (String path : paths) {
                    String bare = path.replaceFirst("#.*$", "").replaceFirst(":\\d+$", "");
                    if (!Files.exists(ROOT.resolve(bare)) && !Files.exists(file.getParent().resolve(bare))) {
                        missing.add(rel + ":" + (i + 1) + ": " + path);
                    }
                }
            }
        }
        assertThat(missing).as("paths cited that are not in the repository").isEmpty();
    }

    private boolean looksLikeRepositoryPath(String token) {
        if (!concrete(token) || token.startsWith("/") || token.startsWith("-") || token.contains("://")) {
            return false;
        }
        String path = token.startsWith("./") ? token.substring(2) : token;
        int slash = path.indexOf('/');
        if (slash < 0) {
            return path.endsWith(".md");
        }
        return topLevel.contains(path.substring(0, slash)) && !path.startsWith("target/");
    }

    /** A path without placeholders, globs or build output, which can be looked up as written. */
    private static boolean concrete(String path) {
        return !path.matches(".*[<>*{}$…|=,;()\\[\\]].*") && !path.contains("...") && !path.contains("/target/")
                && !path.contains("node_modules") && !path.endsWith("/.");
    }

    /** The anchors GitHub makes for a Markdown file's headings. */
    private static Set<String> anchors(Path markdown) {
        Set<String> anchors = new HashSet<>();
        boolean fenced = false;
        for (String line : read(markdown).lines().toList()) {
            if (line.startsWith("```")) {
                fenced = !fenced;
            }
            if (!fenced && line.matches("#{1,6} .*")) {
                String heading = line.replaceFirst("^#+ ", "").strip();
                String slug = heading.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
                String unique = slug;
                for (int n = 1; anchors.contains(unique); n++) {
                    unique = slug + "-" + n;
                }
                anchors.add(unique);
            }
        }
        return anchors;
    }

    private static List<Path> markdown() {
        return files.stream().filter(p -> p.toString().endsWith(".md")).toList();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String relative(Path file) {
        return ROOT.relativize(file.toAbsolutePath().normalize()).toString().replace('\\', '/');
    }

    private static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1);
    }
}
