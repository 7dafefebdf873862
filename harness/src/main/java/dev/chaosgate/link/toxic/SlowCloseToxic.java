package dev.chaosgate.link.toxic;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code slow_close}: passes data through, but holds end-of-stream back for {@code delay} ms. */
public final class SlowCloseToxic implements ToxicProvider {

    @Override
    public String type() {
        return "slow_close";
    }

    @Override
    public String summary() {
        return "Holds the close back by `delay` ms.";
    }

    @Override
    public List<ToxicAttribute> attributes() {
        return List.of(ToxicAttribute.int64("delay", 0, "ms", "Delay of the close, in ms."));
    }

    @Override
    public ToxicRuntime start(Map<String, Long> attributes, ToxicContext context) {
        long delayMs = attributes.get("delay");
        return new ToxicRuntime() {
            private Runnable pendingEnd;

            @Override
            public void onChunk(Chunk chunk) {
                context.forward(chunk);
            }

            @Override
            public void onEnd() {
                pendingEnd = context.schedule(() -> {
                    pendingEnd = null;
                    context.forwardEnd();
                }, delayMs, TimeUnit.MILLISECONDS);
            }

            @Override
            public void interrupt() {
                if (pendingEnd != null) {
                    pendingEnd.run();
                    pendingEnd = null;
                    context.forwardEnd();
                }
            }
        };
    }
}
