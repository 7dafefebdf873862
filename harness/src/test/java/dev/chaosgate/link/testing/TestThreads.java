package dev.chaosgate.link.testing;

import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Bounded daemon thread pools for test servers and clients. */
public final class TestThreads {
    private TestThreads() {
    }

    /** A pool of at most {@code max} daemon threads that rejects work beyond that (no queue). */
    public static ThreadPoolExecutor bounded(String name, int max) {
        AtomicInteger counter = new AtomicInteger();
        ThreadFactory factory = runnable -> {
            Thread thread = new Thread(runnable, name + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        return new ThreadPoolExecutor(0, max, 10, TimeUnit.SECONDS, new SynchronousQueue<>(), factory,
                new ThreadPoolExecutor.AbortPolicy());
    }

    /** Stops a pool (interrupting its threads) and waits a little for them to finish. */
    public static void shutdown(ThreadPoolExecutor pool) {
        pool.shutdownNow();
        try {
            pool.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
