package dev.chaosgate.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code scripts/maven-progress}, the filter {@code ./chaosgate} shows its build through: from Maven's batch output
 * (as Maven 3.8 writes it, colour codes included), one line per module, the downloads counted as they come, errors
 * kept, nothing else, and no escape code left.
 */
class LauncherProgressTest {
    private static final Path FILTER = Path.of("../scripts/maven-progress");
    private static final String ESC = "\u001b";

    @Test
    void showsModulesDownloadsAndErrorsWithoutColourCodes() throws Exception {
        List<String> maven = new ArrayList<>();
        maven.add(ESC + "[1m[INFO] Scanning for projects..." + ESC + "[m");
        maven.add("[INFO] Building chaosgate fixtures 0.1.0-SNAPSHOT                         [2/4]");
        for (int i = 1; i <= 150; i++) {
            maven.add("[INFO] Downloading from central: https://repo.maven.apache.org/maven2/a/b/" + i + "/b-" + i + ".pom");
            maven.add("[INFO] Downloaded from central: https://repo.maven.apache.org/maven2/a/b/" + i + "/b-" + i + ".pom (2.0 kB at 40 kB/s)");
        }
        maven.add("[INFO] Downloaded from central: https://repo.maven.apache.org/maven2/io/netty/netty.jar (12.5 MB at 9.1 MB/s)");
        maven.add("[INFO] --- " + ESC + "[0;32mmaven-compiler-plugin:3.14.1:compile" + ESC + "[m (default-compile) @ chaosgate-harness ---");
        maven.add(ESC + "[1;31m[ERROR] /src/Foo.java:[3,1] cannot find symbol" + ESC + "[m");
        maven.add("[INFO] Building chaosgate harness 0.1.0-SNAPSHOT                          [4/4]");
        maven.add("[INFO] BUILD SUCCESS");

        List<String> shown = filter(String.join("\n", maven) + "\n" + ESC + "[0m" + ESC + "[0m");

        assertThat(String.join("\n", shown)).as("the launcher's progress lines").doesNotContain(ESC);
        assertThat(shown).as("the launcher's progress lines for %d lines of Maven output", maven.size()).containsExactly(
                "chaosgate: building [2/4] chaosgate fixtures 0.1.0-SNAPSHOT",
                "chaosgate:   downloaded 100 files, 200 kB so far",
                "chaosgate:   downloaded 151 files, 13 MB so far",
                "[ERROR] /src/Foo.java:[3,1] cannot find symbol",
                "chaosgate: building [4/4] chaosgate harness 0.1.0-SNAPSHOT",
                "chaosgate:   downloaded 151 files, 13 MB in all");
    }

    @Test
    void aBuildThatDownloadsNothingShowsOnlyItsModules() throws Exception {
        List<String> shown = filter("""
                [INFO] Scanning for projects...
                [INFO] Building chaosgate 0.1.0-SNAPSHOT                                  [1/2]
                [WARNING] a compiler warning
                [INFO] Building chaosgate harness 0.1.0-SNAPSHOT                          [2/2]
                [INFO] BUILD SUCCESS
                """);

        assertThat(shown).containsExactly("chaosgate: building [1/2] chaosgate 0.1.0-SNAPSHOT",
                "chaosgate: building [2/2] chaosgate harness 0.1.0-SNAPSHOT");
    }

    private static List<String> filter(String mavenOutput) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("bash", FILTER.toString()).redirectErrorStream(true).start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(mavenOutput.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the filter ended").isTrue();
        assertThat(process.exitValue()).as("exit code of %s; output:%n%s", FILTER, out).isZero();
        return out.lines().toList();
    }
}
