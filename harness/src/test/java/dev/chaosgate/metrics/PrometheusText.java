package dev.chaosgate.metrics;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chaosgate.cli.NodeRuntime;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Reads a {@code /metrics} page with a real Prometheus text-format parser, not the code under test:
 * the npm package parse-prometheus-text-format (a port of the official Python client's parser), run
 * by {@code harness/src/test/node/prometheus-parse.mjs}. Tests are skipped where node or the package
 * is missing ({@code .ci/run} installs both).
 */
public final class PrometheusText {
    private static final Path NODE_DIR = Path.of("src/test/node").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One sample: its labels and value (a summary's or histogram's: its count). */
    public record Sample(Map<String, String> labels, BigDecimal value) {
    }

    /** One metric family as the parser read it: name, help, type (COUNTER, GAUGE, ...) and samples. */
    public record Family(String name, String help, String type, List<Sample> samples) {
        /** The one sample whose labels are exactly {@code labels}, if any. */
        public Optional<Sample> sample(Map<String, String> labels) {
            return samples.stream().filter(s -> s.labels().equals(labels)).findFirst();
        }
    }

    private PrometheusText() {
    }

    /** Skips the calling test unless node and the parser package are installed. */
    public static void assumeParserInstalled() {
        assumeTrue(Files.isDirectory(NODE_DIR.resolve("node_modules/parse-prometheus-text-format")),
                "parse-prometheus-text-format is not installed: run `npm ci --prefix harness/src/test/node` (`.ci/run` does)");
        NodeRuntime.assumeInstalled();
    }

    /** The families of {@code text}, by name in the order served; fails the test when the parser refuses it. */
    public static Map<String, Family> parse(String text) {
        try {
            Process node = new ProcessBuilder("node", NODE_DIR.resolve("prometheus-parse.mjs").toString())
                    .directory(NODE_DIR.toFile()).start();
            try (OutputStream in = node.getOutputStream()) {
                in.write(text.getBytes(StandardCharsets.UTF_8));
            }
            byte[] out = node.getInputStream().readAllBytes();
            String err = new String(node.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!node.waitFor(30, TimeUnit.SECONDS) || node.exitValue() != 0) {
                throw new AssertionError("the Prometheus parser refused the page: " + err + "\npage:\n" + text);
            }
            Map<String, Family> families = new LinkedHashMap<>();
            for (JsonNode family : JSON.readTree(out)) {
                List<Sample> samples = new ArrayList<>();
                for (JsonNode metric : family.get("metrics")) {
                    Map<String, String> labels = new LinkedHashMap<>();
                    if (metric.has("labels")) {
                        metric.get("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
                    }
                    // A summary or histogram has its count (and sum, buckets) instead of a value.
                    JsonNode value = metric.has("value") ? metric.get("value") : metric.get("count");
                    samples.add(new Sample(labels, value == null ? null : new BigDecimal(value.asText())));
                }
                families.put(family.get("name").asText(), new Family(family.get("name").asText(),
                        family.get("help").asText(), family.get("type").asText(), samples));
            }
            return families;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
