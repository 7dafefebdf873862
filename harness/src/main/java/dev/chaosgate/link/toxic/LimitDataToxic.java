package dev.chaosgate.link.toxic;

import java.util.List;
import java.util.Map;

/**
 * {@code limit_data}: lets {@code bytes} bytes through (cutting the chunk that crosses the limit),
 * then ends the stream, which closes the connection. The count survives updates, so raising the
 * limit resumes from the bytes already sent.
 */
public final class LimitDataToxic implements ToxicProvider, StatefulToxic {

    /** Bytes this link has let through so far. */
    static final class Counter {
        long transmitted;
        boolean ended;
    }

    @Override
    public String type() {
        return "limit_data";
    }

    @Override
    public String summary() {
        return "Lets `bytes` bytes through, then closes the connection.";
    }

    @Override
    public List<ToxicAttribute> attributes() {
        return List.of(ToxicAttribute.int64("bytes", 0, "bytes", "Bytes let through before the close."));
    }

    @Override
    public Object newState() {
        return new Counter();
    }

    @Override
    public ToxicRuntime start(Map<String, Long> attributes, ToxicContext context) {
        long limit = attributes.get("bytes");
        Counter counter = (Counter) context.state();
        return new ToxicRuntime() {
            @Override
            public void onChunk(Chunk chunk) {
                if (counter.ended) {
                    context.drop(chunk);
                    return;
                }
                long remaining = limit - counter.transmitted;
                if (remaining <= 0) {
                    context.drop(chunk);
                } else if (chunk.size() <= remaining) {
                    counter.transmitted += chunk.size();
                    context.forward(chunk);
                } else {
                    counter.transmitted += remaining;
                    context.forward(chunk.splitFirst((int) remaining));
                    context.drop(chunk);
                }
                if (counter.transmitted >= limit) {
                    counter.ended = true;
                    context.forwardEnd();
                }
            }

            @Override
            public void onEnd() {
                if (!counter.ended) {
                    counter.ended = true;
                    context.forwardEnd();
                }
            }
        };
    }
}
