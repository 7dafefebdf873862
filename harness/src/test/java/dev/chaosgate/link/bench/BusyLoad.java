package dev.chaosgate.link.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One busy-loop process per core, as other jobs on a shared CI runner: each is a shell spinning in
 * an empty loop, ended by {@link #close()} and, should this JVM die first, by {@code timeout} after
 * {@code maxSeconds}.
 */
final class BusyLoad implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();

    BusyLoad(int maxSeconds) throws IOException {
        int cores = Runtime.getRuntime().availableProcessors();
        try {
            for (int i = 0; i < cores; i++) {
                processes.add(new ProcessBuilder("timeout", String.valueOf(maxSeconds), "sh", "-c", "while :; do :; done")
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start());
            }
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    int size() {
        return processes.size();
    }

    @Override
    public void close() {
        for (Process process : processes) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
        }
        for (Process process : processes) {
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
