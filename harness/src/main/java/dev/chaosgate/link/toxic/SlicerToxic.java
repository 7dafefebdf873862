package dev.chaosgate.link.toxic;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * {@code slicer}: cuts each chunk into slices of about {@code average_size} bytes (give or take
 * {@code size_variation}) by repeated halving, and waits {@code delay} <b>microseconds</b> after
 * each slice. Toxiproxy recurses forever on an {@code average_size} of 0; chaosgate requires at least 1.
 */
public final class SlicerToxic implements ToxicProvider {

    @Override
    public String type() {
        return "slicer";
    }

    @Override
    public String summary() {
        return "Cuts chunks into small pieces, optionally delayed.";
    }

    @Override
    public List<ToxicAttribute> attributes() {
        return List.of(ToxicAttribute.goInt("average_size", 1, "bytes", "Average piece size, in bytes (at least 1)."),
                ToxicAttribute.goInt("size_variation", 0, "bytes", "Variation of the piece size, in bytes."),
                ToxicAttribute.goInt("delay", 0, "µs", "Delay between pieces, in µs."));
    }

    @Override
    public ToxicRuntime start(Map<String, Long> attributes, ToxicContext context) {
        return new Runtime(attributes.get("average_size"), attributes.get("size_variation"),
                attributes.get("delay"), context);
    }

    /** Slice lengths for a chunk of {@code length} bytes, halving until a piece is small enough. */
    static List<Integer> sliceLengths(int length, long averageSize, long variation, RandomGenerator random) {
        List<Integer> lengths = new ArrayList<>();
        cut(0, length, averageSize, variation, random, lengths);
        return lengths;
    }

    private static void cut(int start, int end, long averageSize, long variation, RandomGenerator random, List<Integer> out) {
        int length = end - start;
        if (length - averageSize <= variation || length <= 1) {
            out.add(length);
            return;
        }
        long mid = start + length / 2;
        if (variation > 0) {
            mid += random.nextLong(2 * variation) - variation;
        }
        // Unlike Toxiproxy, never let the variation push the cut outside the piece.
        mid = Math.max(start + 1, Math.min(end - 1, mid));
        cut(start, (int) mid, averageSize, variation, random, out);
        cut((int) mid, end, averageSize, variation, random, out);
    }

    /**
     * Sends one slice, then waits {@code delay} µs before the next, measured from when the slice
     * left (as Toxiproxy sleeps after each write), so a late timer never releases a burst. Every
     * slice leaves in its own event-loop turn, even with no delay, and the link writes and flushes
     * it on its own, so the reader sees it as a separate segment.
     */
    private static final class Runtime implements ToxicRuntime {
        private final long averageSize;
        private final long variation;
        private final long delayNanos;
        private final ToxicContext context;
        private final ArrayDeque<Chunk> slices = new ArrayDeque<>();
        private Runnable timer;
        private boolean endPending;

        Runtime(long averageSize, long variation, long delayMicros, ToxicContext context) {
            this.averageSize = averageSize;
            this.variation = variation;
            this.delayNanos = TimeUnit.MICROSECONDS.toNanos(delayMicros);
            this.context = context;
        }

        @Override
        public void onChunk(Chunk chunk) {
            List<Integer> lengths = sliceLengths(chunk.size(), averageSize, variation, context.random());
            for (int i = 0; i < lengths.size(); i++) {
                slices.addLast(i == lengths.size() - 1 ? chunk : chunk.splitFirst(lengths.get(i)));
            }
            if (timer == null) {
                sendNext();
            }
        }

        private void sendNext() {
            timer = null;
            Chunk slice = slices.pollFirst();
            if (slice == null) {
                if (endPending) {
                    endPending = false;
                    context.forwardEnd();
                }
                return;
            }
            context.forward(slice);
            timer = context.schedule(this::sendNext, delayNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void onEnd() {
            if (timer == null && slices.isEmpty()) {
                context.forwardEnd();
            } else {
                endPending = true;
            }
        }

        @Override
        public void interrupt() {
            if (timer != null) {
                timer.run();
                timer = null;
            }
            Chunk slice;
            while ((slice = slices.pollFirst()) != null) {
                context.forward(slice);
            }
            if (endPending) {
                endPending = false;
                context.forwardEnd();
            }
        }
    }
}
