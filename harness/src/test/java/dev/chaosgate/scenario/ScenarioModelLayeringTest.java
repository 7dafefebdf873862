package dev.chaosgate.scenario;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The scenario model imports no server type: no WireMock, Jetty or Netty, no engine internals, no gateway. */
class ScenarioModelLayeringTest {
    private static final List<String> FORBIDDEN = List.of("com.github.tomakehurst", "wiremock.", "io.netty",
            "dev.chaosgate.upstream.internal", "dev.chaosgate.link.internal", "dev.chaosgate.gateway", "dev.chaosgate.junit");

    @Test
    void scenarioPackageImportsNoServerType() throws IOException {
        Path sources = Path.of("src/main/java/dev/chaosgate/scenario");
        List<String> offending = new ArrayList<>();
        try (Stream<Path> files = Files.list(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                for (String line : Files.readAllLines(file)) {
                    if (line.startsWith("import ") && FORBIDDEN.stream().anyMatch(line::contains)) {
                        offending.add(file.getFileName() + ": " + line);
                    }
                }
            }
        }
        assertThat(offending).as("server types imported by the scenario model").isEmpty();
    }

    @Test
    void theFaultTypesTheModelUsesImportNoServerTypeEither() throws IOException {
        List<String> offending = new ArrayList<>();
        for (String name : List.of("UpstreamFault", "Faults", "RetryAfter")) {
            for (String line : Files.readAllLines(Path.of("src/main/java/dev/chaosgate/upstream/" + name + ".java"))) {
                if (line.startsWith("import ") && FORBIDDEN.stream().anyMatch(line::contains)) {
                    offending.add(name + ": " + line);
                }
            }
        }
        assertThat(offending).isEmpty();
    }
}
