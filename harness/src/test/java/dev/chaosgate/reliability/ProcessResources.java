package dev.chaosgate.reliability;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * What this JVM holds at one moment: open file descriptors (by what they point at), live threads
 * (by name) and heap in use after a collection. Reliability tests take one before and one after a
 * run and {@link #leakedSince(ProcessResources, int, int) compare} them, so a leak reads as the
 * sockets and threads left behind rather than a bare count.
 *
 * <p>File descriptors are read from {@code /proc/self/fd} (Linux); elsewhere {@link #fds()} is -1
 * and only threads are compared.
 */
public record ProcessResources(int fds, Map<String, Integer> fdKinds, Map<String, Integer> threadsByName,
                               long heapUsedBytes) {
    private static final Path FD_DIR = Path.of("/proc/self/fd");

    /** Takes a snapshot now; with {@code collectGarbage} the heap figure is taken after a full GC. */
    public static ProcessResources now(boolean collectGarbage) {
        long heap = -1;
        if (collectGarbage) {
            heap = heapAfterGc();
        }
        Map<String, Integer> kinds = new TreeMap<>();
        int fds = -1;
        if (Files.isDirectory(FD_DIR)) {
            fds = 0;
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(FD_DIR)) {
                for (Path fd : entries) {
                    String target;
                    try {
                        target = Files.readSymbolicLink(fd).toString();
                    } catch (IOException e) {
                        continue; // closed while we listed it (the directory stream's own fd, for one)
                    }
                    fds++;
                    kinds.merge(kind(target), 1, Integer::sum);
                }
            } catch (IOException e) {
                fds = -1;
            }
        }
        Map<String, Integer> threads = new TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && !processWide(t.getName())) {
                threads.merge(threadFamily(t.getName()), 1, Integer::sum);
            }
        }
        return new ProcessResources(fds, kinds, threads, heap);
    }

    /** Heap in use after asking for a full collection a few times (GC is a request, not an order). */
    public static long heapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            best = Math.min(best, memory.getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    public int threads() {
        return threadsByName.values().stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * What this snapshot holds beyond {@code baseline}, allowing {@code fdSlack} descriptors and
     * {@code threadSlack} threads for things the JVM opens lazily (a jar, a JIT thread); empty when
     * nothing leaked.
     */
    public List<String> leakedSince(ProcessResources baseline, int fdSlack, int threadSlack) {
        List<String> leaks = new ArrayList<>();
        if (fds >= 0 && baseline.fds >= 0 && fds > baseline.fds + fdSlack) {
            leaks.add("open file descriptors " + baseline.fds + " -> " + fds + " (" + grown(baseline.fdKinds, fdKinds) + ")");
        }
        if (threads() > baseline.threads() + threadSlack) {
            leaks.add("live threads " + baseline.threads() + " -> " + threads() + " ("
                    + grown(baseline.threadsByName, threadsByName) + ")");
        }
        return leaks;
    }

    /**
     * Polls until nothing has leaked since {@code baseline} or {@code within} has passed (closed
     * sockets and stopped threads go away asynchronously); returns the last snapshot's leaks.
     */
    public static List<String> awaitBaseline(ProcessResources baseline, int fdSlack, int threadSlack, Duration within) {
        return awaitNoLeaks(() -> now(false).leakedSince(baseline, fdSlack, threadSlack), within);
    }

    /**
     * Polls {@code leaks} until it answers an empty list or {@code within} has passed; returns its last
     * answer. For leak checks of one's own that also need to wait for asynchronous closing.
     */
    public static List<String> awaitNoLeaks(Supplier<List<String>> leaks, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        List<String> found;
        do {
            found = leaks.get();
            if (found.isEmpty()) {
                return found;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return found;
            }
        } while (System.nanoTime() < deadline);
        return found;
    }

    @Override
    public String toString() {
        return fds + " fds " + fdKinds + ", " + threads() + " threads"
                + (heapUsedBytes >= 0 ? ", heap " + heapUsedBytes / (1024 * 1024) + " MiB" : "");
    }

    private static String grown(Map<String, Integer> before, Map<String, Integer> after) {
        return after.entrySet().stream()
                .filter(e -> e.getValue() > before.getOrDefault(e.getKey(), 0))
                .map(e -> e.getKey() + " +" + (e.getValue() - before.getOrDefault(e.getKey(), 0)))
                .collect(Collectors.joining(", "));
    }

    /** {@code socket:[123]} -> socket, {@code /x/y.jar} -> jar, {@code anon_inode:[eventpoll]} -> eventpoll. */
    private static String kind(String target) {
        if (target.startsWith("socket:")) {
            return "socket";
        }
        if (target.startsWith("pipe:")) {
            return "pipe";
        }
        if (target.startsWith("anon_inode:")) {
            return target.substring("anon_inode:".length()).replace("[", "").replace("]", "");
        }
        if (target.endsWith(".jar")) {
            return "jar";
        }
        return "file";
    }

    /** A thread's name without its trailing number, so pools group: {@code chaosgate-link-3-1} -> {@code chaosgate-link}. */
    /**
     * Threads that belong to the JVM run rather than to anything a test opens, so they are not counted: the
     * metrics library's one scheduler (started the first time any session makes its metrics, kept for the
     * JVM's life) and JUnit's own worker pool, which grows while a test blocks.
     */
    static boolean processWide(String name) {
        return name.equals("prometheus-metrics-scheduler") || name.startsWith("ForkJoinPool-1-worker-");
    }

    static String threadFamily(String name) {
        return name.replaceAll("[-#_ ]?\\d+([-#_ ]\\d+)*$", "");
    }
}
