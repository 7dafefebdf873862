package dev.chaosgate.link.toxic;

import java.util.List;
import java.util.Map;

/** {@code noop}: passes everything through. Listed and managed like any other toxic. */
public final class NoopToxic implements ToxicProvider {

    @Override
    public String type() {
        return "noop";
    }

    @Override
    public String summary() {
        return "Passes everything through.";
    }

    @Override
    public List<ToxicAttribute> attributes() {
        return List.of();
    }

    @Override
    public ToxicRuntime start(Map<String, Long> attributes, ToxicContext context) {
        return new ToxicRuntime() {
            @Override
            public void onChunk(Chunk chunk) {
                context.forward(chunk);
            }

            @Override
            public void onEnd() {
                context.forwardEnd();
            }
        };
    }
}
