package dev.chaosgate.load.figures;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The small JSON file each simulation writes in {@code after()}, for CI to read the figures without
 * parsing Gatling's report: {@code <dir>/<SimulationName>.json}, where the directory is
 * {@code -Dchaosgate.load.summaryDir} (the POM sets {@code load/target/chaosgate-load}).
 */
public final class Summary {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Summary() {
    }

    public static Path directory() {
        return Path.of(System.getProperty("chaosgate.load.summaryDir", "target/chaosgate-load"));
    }

    /** Writes {@code figures} (records, lists, maps) as {@code <simulation>.json}, through a temporary file. */
    public static Path write(String simulation, Object figures) {
        Path dir = directory();
        Path file = dir.resolve(simulation + ".json");
        try {
            Files.createDirectories(dir);
            Path partial = dir.resolve(simulation + ".json.tmp");
            JSON.writeValue(partial.toFile(), figures);
            Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the load summary " + file.toAbsolutePath(), e);
        }
        return file;
    }
}
