package dev.chaosgate.link.toxic;

import java.util.List;
import java.util.Map;

/**
 * {@code bandwidth}: limits the link to {@code rate} KB/s (1 KB = 1000 bytes). A rate of 0 holds
 * every byte until the toxic is removed or changed, which Testcontainers' {@code setConnectionCut}
 * relies on. Toxiproxy crashes on a negative rate; chaosgate rejects it.
 */
public final class BandwidthToxic implements ToxicProvider {
    /** Large chunks leave in slices of at most this much time, as Toxiproxy sends them. */
    private static final long SLICE_MS = 100;

    @Override
    public String type() {
        return "bandwidth";
    }

    @Override
    public String summary() {
        return "Paces the stream to `rate` KB/s; 0 holds every byte.";
    }

    @Override
    public List<ToxicAttribute> attributes() {
        return List.of(ToxicAttribute.int64("rate", 0, "KB/s", "Rate in KB/s (1 KB = 1000 bytes); 0 holds everything."));
    }

    @Override
    public ToxicRuntime start(Map<String, Long> attributes, ToxicContext context) {
        return new Runtime(attributes.get("rate"), context);
    }

    private static final class Runtime implements ToxicRuntime {
        private final long bytesPerMs;
        private final ToxicContext context;
        private final TimedQueue queue;
        private long nextFreeNanos = Long.MIN_VALUE;

        Runtime(long rateKbPerSecond, ToxicContext context) {
            this.bytesPerMs = rateKbPerSecond;
            this.context = context;
            this.queue = new TimedQueue(context);
        }

        @Override
        public void onChunk(Chunk chunk) {
            if (bytesPerMs == 0) {
                queue.add(chunk, TimedQueue.NEVER);
                return;
            }
            // (A huge rate must not overflow into 1-byte slices.)
            long maxSlice = bytesPerMs > Integer.MAX_VALUE / SLICE_MS ? Integer.MAX_VALUE : bytesPerMs * SLICE_MS;
            while (chunk.size() > 0) {
                Chunk slice = chunk.size() > maxSlice ? chunk.splitFirst((int) maxSlice) : chunk;
                nextFreeNanos = TimedQueue.later(Math.max(nextFreeNanos, context.nanoTime()),
                        slice.size() * 1_000_000L / bytesPerMs);
                queue.add(slice, nextFreeNanos);
                if (slice == chunk) {
                    return;
                }
            }
            context.drop(chunk);
        }

        @Override
        public void onEnd() {
            queue.addEnd(bytesPerMs == 0 ? TimedQueue.NEVER : queue.lastReleaseNanos());
        }

        @Override
        public void interrupt() {
            queue.flush();
        }
    }
}
