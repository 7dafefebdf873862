package dev.chaosgate.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Whether {@code node} runs on this machine, for the end-to-end tests whose clients are Node scripts: without
 * it they are skipped, not failed.
 */
public final class NodeRuntime {
    private NodeRuntime() {
    }

    /** Skips the calling test (an assumption) unless {@code node --version} succeeds. */
    public static void assumeInstalled() {
        assumeTrue(installed(), "node is not installed: install Debian's nodejs (`.ci/run` does)");
    }

    /** {@code node --version} exits 0 within 10 s. */
    static boolean installed() {
        try {
            Process node = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            return node.waitFor(10, TimeUnit.SECONDS) && node.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
