package dev.chaosgate.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a {@link Soak} counted and measured, and the {@linkplain #problems(HeapTolerance) problems}
 * it shows: each one reads like a bug report.
 *
 * @param sent         requests sent
 * @param ok           normal answers, byte-exact after masking
 * @param faults       answers that were exactly the fault due, by fault
 * @param lost         no answer where one was due: nothing, or an answer broken off that no fault explains
 * @param mangled      an answer that arrived but is not what was due: wrong status, wrong checksum, another
 *                     request's answer, a fault not applied
 * @param unjournalled answers that arrived for a request the upstream's journal never recorded
 * @param connections  connections the clients opened to the link
 * @param examples     the first few problems, in full
 */
public record SoakReport(SoakConfig config, String mix, Duration elapsed, long sent, long ok, Map<SoakMix.Fault, Long> faults,
                         long lost, long mangled, long unjournalled, long connections, JournalFigures journal,
                         ProcessResources before, ProcessResources after, List<String> leaks, List<HeapSample> heap,
                         List<String> examples) {
    private static final long MIB = 1024 * 1024;

    /**
     * The gateway journal at the end of the run.
     *
     * @param recorded      entries recorded in all (requests and link events), counted by a listener
     * @param soakRequests  soak requests the journal recorded
     * @param twice         soak requests recorded again while their first record was in hand
     */
    public record JournalFigures(int capacity, int size, long dropped, long recorded, long soakRequests, long twice,
                                 long linkOpened, long linkClosed, long linkResets) {
    }

    /** Heap in use after a full collection, {@code atMillis} into the run; {@code journalFull} once entries were dropped. */
    public record HeapSample(long atMillis, long bytes, boolean journalFull) {
    }

    /**
     * How much heap growth still counts as flat: the last samples may exceed the steady state by
     * {@code fraction} of it plus {@code slackBytes}.
     */
    public record HeapTolerance(double fraction, long slackBytes) {
    }

    /** This report with the resources found once the gateway was closed. */
    SoakReport afterClose(ProcessResources afterClose, List<String> leaked) {
        return new SoakReport(config, mix, elapsed, sent, ok, faults, lost, mangled, unjournalled, connections, journal, before,
                afterClose, List.copyOf(leaked), heap, examples);
    }

    public double requestsPerSecond() {
        return sent / Math.max(0.001, elapsed.toNanos() / 1e9);
    }

    public long faultsTotal() {
        return faults.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The heap's steady state: the median of the first half of the samples taken with the journal full. */
    public long steadyHeap() {
        List<HeapSample> full = heap.stream().filter(HeapSample::journalFull).toList();
        if (full.isEmpty()) {
            return -1;
        }
        return median(full.subList(0, Math.max(1, full.size() / 2)));
    }

    /** The median of the last three samples (fewer if there are fewer). */
    public long lastHeap() {
        return heap.isEmpty() ? -1 : median(heap.subList(Math.max(0, heap.size() - 3), heap.size()));
    }

    public long maxHeap() {
        return heap.stream().mapToLong(HeapSample::bytes).max().orElse(-1);
    }

    public long firstHeap() {
        return heap.isEmpty() ? -1 : heap.get(0).bytes();
    }

    private static long median(List<HeapSample> samples) {
        long[] bytes = samples.stream().mapToLong(HeapSample::bytes).sorted().toArray();
        return bytes[bytes.length / 2];
    }

    /** Everything that went wrong; empty when the soak passed. */
    public List<String> problems(HeapTolerance tolerance) {
        List<String> problems = new ArrayList<>();
        long judged = ok + faultsTotal() + lost + mangled + unjournalled;
        if (judged != sent) {
            problems.add("judged " + judged + " answers for " + sent + " requests sent");
        }
        if (lost > 0) {
            problems.add(lost + " answer(s) lost: no answer, or one broken off with no fault to explain it");
        }
        if (mangled > 0) {
            problems.add(mangled + " answer(s) mangled: not the status, bytes or break that was due");
        }
        if (unjournalled > 0) {
            problems.add(unjournalled + " answer(s) for requests the upstream's journal never recorded");
        }
        if (journal.size() > journal.capacity()) {
            problems.add("the journal holds " + journal.size() + " entries, above its capacity of " + journal.capacity());
        }
        if (journal.size() + journal.dropped() != journal.recorded()) {
            problems.add("the journal does not account for its entries: holds " + journal.size() + " + dropped "
                    + journal.dropped() + " = " + (journal.size() + journal.dropped()) + ", but " + journal.recorded() + " were recorded");
        }
        long linkResets = faults.getOrDefault(SoakMix.Fault.LINK_RESET, 0L);
        long linkCuts = faults.getOrDefault(SoakMix.Fault.LINK_CUT, 0L);
        // A reset request never reaches the upstream; a cut one may or may not have.
        long reachedAtLeast = sent - linkResets - linkCuts;
        long reachedAtMost = sent - linkResets;
        if (journal.soakRequests() < reachedAtLeast || journal.soakRequests() > reachedAtMost) {
            problems.add("the journal recorded " + journal.soakRequests() + " soak requests; of " + sent + " sent, "
                    + linkResets + " were reset by the link before reaching the upstream and " + linkCuts
                    + " cut by it, so between " + reachedAtLeast + " and " + reachedAtMost + " were due");
        }
        if (journal.twice() > 0) {
            problems.add(journal.twice() + " soak request(s) recorded twice in the journal");
        }
        if (journal.linkResets() != linkResets) {
            problems.add("the link journalled " + journal.linkResets() + " resets, but the clients saw " + linkResets);
        }
        if (journal.linkOpened() != connections || journal.linkClosed() != connections) {
            problems.add("the clients opened " + connections + " connections; the link journalled " + journal.linkOpened()
                    + " opened and " + journal.linkClosed() + " closed");
        }
        for (SoakMix.Fault fault : SoakMix.Fault.values()) {
            if (faults.getOrDefault(fault, 0L) == 0) {
                problems.add("fault never exercised: " + fault.description());
            }
        }
        for (String leak : leaks) {
            problems.add("not back to baseline after close: " + leak);
        }
        if (after != null && after.heapUsedBytes() > before.heapUsedBytes() + tolerance.slackBytes()) {
            problems.add(String.format(Locale.ROOT, "the closed gateway left %.1f MiB behind: heap after GC %.1f MiB before"
                            + " the soak, %.1f MiB after close (allowed +%d MiB)", mib(after.heapUsedBytes() - before.heapUsedBytes()),
                    mib(before.heapUsedBytes()), mib(after.heapUsedBytes()), tolerance.slackBytes() / MIB));
        }
        long steady = steadyHeap();
        long last = lastHeap();
        if (steady < 0) {
            problems.add("no heap sample was taken with the journal full (" + heap.size() + " samples): the run is too short"
                    + " for a journal of " + journal.capacity());
        } else if (last > steady + (long) (steady * tolerance.fraction()) + tolerance.slackBytes()) {
            problems.add(String.format(Locale.ROOT, "heap not flat: %.1f MiB at the end against a steady %.1f MiB"
                            + " (allowed +%.0f %% + %d MiB); samples %s", last / (double) MIB, steady / (double) MIB,
                    tolerance.fraction() * 100, tolerance.slackBytes() / MIB, heapMiB()));
        }
        return problems;
    }

    /** The heap samples in MiB, oldest first. */
    public String heapMiB() {
        return Arrays.toString(heap.stream().mapToLong(s -> Math.round(s.bytes() / (double) MIB)).toArray());
    }

    /** A report for people: the figures, then the first problems seen. */
    public String summary() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "soak: %,d requests in %.1f s (%,.0f req/s), %d clients, seed %d%n", sent,
                elapsed.toNanos() / 1e9, requestsPerSecond(), config.clients(), config.seed()));
        out.append("  mix: ").append(mix).append('\n');
        out.append(String.format(Locale.ROOT, "  ok %,d; expected faults %,d; lost %,d; mangled %,d; unjournalled %,d%n", ok,
                faultsTotal(), lost, mangled, unjournalled));
        for (Map.Entry<SoakMix.Fault, Long> fault : faults.entrySet()) {
            out.append(String.format(Locale.ROOT, "    %-36s %,9d%n", fault.getKey().description(), fault.getValue()));
        }
        out.append(String.format(Locale.ROOT, "  connections %,d; link journalled %,d opened, %,d closed, %,d reset%n",
                connections, journal.linkOpened(), journal.linkClosed(), journal.linkResets()));
        out.append(String.format(Locale.ROOT, "  journal: %,d entries held (capacity %,d), %,d dropped, %,d recorded;"
                + " %,d soak requests recorded%n", journal.size(), journal.capacity(), journal.dropped(), journal.recorded(),
                journal.soakRequests()));
        out.append(String.format(Locale.ROOT, "  fds %d -> %d, threads %d -> %d%s%n", before.fds(), after.fds(), before.threads(),
                after.threads(), leaks.isEmpty() ? " (back to baseline)" : " NOT back to baseline: " + leaks));
        out.append(String.format(Locale.ROOT, "  heap after GC, MiB: baseline %.1f, first %.1f, steady %.1f, max %.1f, last %.1f,"
                        + " after close %.1f (%d samples, every %d s)%n", mib(before.heapUsedBytes()), mib(firstHeap()), mib(steadyHeap()),
                mib(maxHeap()), mib(lastHeap()), mib(after.heapUsedBytes()), heap.size(), config.heapSampleInterval().toSeconds()));
        out.append("    samples ").append(heapMiB()).append('\n');
        if (!examples.isEmpty()) {
            out.append("  first problems:\n");
            for (String example : examples) {
                out.append("    - ").append(example).append('\n');
            }
        }
        return out.toString();
    }

    private static double mib(long bytes) {
        return bytes < 0 ? Double.NaN : bytes / (double) MIB;
    }
}
