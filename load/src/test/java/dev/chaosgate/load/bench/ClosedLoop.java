package dev.chaosgate.load.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code connections} clients, each sending its next request as soon as its answer is in, for a
 * fixed time: the throughput a server sustains at that concurrency, and the latency of each call.
 */
final class ClosedLoop {
    private final int port;
    private final String path;
    private final String body;
    private final int expectedStatus;
    private final int connections;

    ClosedLoop(int port, String path, String body, int expectedStatus, int connections) {
        this.port = port;
        this.path = path;
        this.body = body;
        this.expectedStatus = expectedStatus;
        this.connections = connections;
    }

    Result run(Duration duration) throws Exception {
        long end = System.nanoTime() + duration.toNanos();
        long[][] latencies = new long[connections][];
        int[] counts = new int[connections];
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < connections; i++) {
            int index = i;
            Thread thread = new Thread(() -> {
                try (KeepAliveClient client = new KeepAliveClient(port, path, body)) {
                    long[] mine = new long[16 * 1024];
                    int n = 0;
                    while (System.nanoTime() - end < 0) {
                        long sent = System.nanoTime();
                        int status = client.call();
                        if (n == mine.length) {
                            mine = Arrays.copyOf(mine, n * 2);
                        }
                        mine[n++] = System.nanoTime() - sent;
                        if (status != expectedStatus) {
                            throw new IllegalStateException("expected status " + expectedStatus + ", got " + status);
                        }
                    }
                    latencies[index] = mine;
                    counts[index] = n;
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
            }, "bench-client-" + i);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failure.get() != null) {
            throw failure.get();
        }
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int at = 0;
        for (int i = 0; i < connections; i++) {
            System.arraycopy(latencies[i], 0, all, at, counts[i]);
            at += counts[i];
        }
        Arrays.sort(all);
        return new Result(total / seconds, micros(all, 50), micros(all, 99));
    }

    private static double micros(long[] sorted, double percentile) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(percentile / 100 * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1000.0;
    }

    /** Requests per second, and the p50 / p99 latency in microseconds. */
    record Result(double rps, double p50Micros, double p99Micros) {
    }
}
