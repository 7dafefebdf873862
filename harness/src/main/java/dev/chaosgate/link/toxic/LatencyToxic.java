package dev.chaosgate.link.toxic;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code latency}: delays each chunk by {@code latency} ms, plus or minus up to {@code jitter} ms
 * (uniform in [latency-jitter, latency+jitter), a negative delay meaning none). The delay counts
 * from the chunk's arrival, so it does not accumulate across chunks; order is kept.
 */
public final class LatencyToxic implements ToxicProvider {

    @Override
    public String type() {
        return "latency";
    }

    @Override
    public String summary() {
        return "Delays each chunk by latency ± jitter ms.";
    }

    @Override
    public List<ToxicAttribute> attributes() {
        return List.of(ToxicAttribute.int64("latency", 0, "ms", "Delay of each chunk, in ms."), ToxicAttribute.int64("jitter", 0, "ms", "Random variation of the delay, ± ms."));
    }

    @Override
    public ToxicRuntime start(Map<String, Long> attributes, ToxicContext context) {
        return new Runtime(attributes.get("latency"), attributes.get("jitter"), context);
    }

    private static final class Runtime implements ToxicRuntime {
        private final long latencyMs;
        private final long jitterMs;
        private final ToxicContext context;
        private final TimedQueue queue;

        Runtime(long latencyMs, long jitterMs, ToxicContext context) {
            this.latencyMs = latencyMs;
            this.jitterMs = jitterMs;
            this.context = context;
            this.queue = new TimedQueue(context);
        }

        @Override
        public void onChunk(Chunk chunk) {
            long delayMs = latencyMs;
            if (jitterMs > 0) {
                // Saturating: a huge latency or jitter must neither wrap around nor throw.
                long offset = jitterMs <= Long.MAX_VALUE / 2
                        ? context.random().nextLong(2 * jitterMs) - jitterMs
                        : context.random().nextLong(-jitterMs, jitterMs);
                long sum = delayMs + offset;
                delayMs = ((delayMs ^ sum) & (offset ^ sum)) < 0 ? Long.MAX_VALUE : sum;
            }
            long due = TimedQueue.later(chunk.timestampNanos(), TimeUnit.MILLISECONDS.toNanos(Math.max(0, delayMs)));
            queue.add(chunk, Math.max(due, queue.lastReleaseNanos()));
        }

        @Override
        public void onEnd() {
            queue.addEnd(queue.lastReleaseNanos());
        }

        @Override
        public void interrupt() {
            queue.flush();
        }
    }
}
