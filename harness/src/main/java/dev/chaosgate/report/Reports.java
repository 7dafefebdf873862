package dev.chaosgate.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Placeholder until the report writers land. */
public final class Reports {
    private Reports() {
    }

    public static List<Path> writeAll(Path dir, RunResult result) throws IOException {
        return List.of();
    }
}
