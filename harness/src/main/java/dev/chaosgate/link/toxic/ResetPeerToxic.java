package dev.chaosgate.link.toxic;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code reset_peer}: on the first data (or end-of-stream) in its direction, drops it and, after
 * {@code timeout} ms, ends the stream as a reset: the end passes the toxics after this one, like any
 * close, and closes the sockets with TCP RSTs, this direction's sink first (Toxiproxy's stub close
 * with {@code SO_LINGER} 0). Unlike Toxiproxy, the reset is a real RST also on connections opened
 * before the toxic was added, and a toxic whose toxicity did not apply to a link leaves that link's
 * closes alone (Toxiproxy issue #603).
 */
public final class ResetPeerToxic implements ToxicProvider {

    @Override
    public String type() {
        return "reset_peer";
    }

    @Override
    public String goStructName() {
        return "ResetToxic";
    }

    @Override
    public String summary() {
        return "On the first data, resets the connection (TCP RST) after `timeout` ms.";
    }

    @Override
    public List<ToxicAttribute> attributes() {
        return List.of(ToxicAttribute.int64("timeout", 0, "ms", "Wait before the reset, in ms."));
    }

    @Override
    public ToxicRuntime start(Map<String, Long> attributes, ToxicContext context) {
        long timeoutMs = attributes.get("timeout");
        return new ToxicRuntime() {
            private boolean triggered;
            private Runnable timer;

            private void trigger() {
                if (triggered) {
                    return;
                }
                triggered = true;
                if (timeoutMs == 0) {
                    context.forwardReset();
                } else {
                    timer = context.schedule(() -> {
                        timer = null;
                        context.forwardReset();
                    }, timeoutMs, TimeUnit.MILLISECONDS);
                }
            }

            @Override
            public void onChunk(Chunk chunk) {
                context.drop(chunk);
                trigger();
            }

            @Override
            public void onEnd() {
                trigger();
            }

            @Override
            public void interrupt() {
                // Bytes were already swallowed: the stream cannot be resumed, so reset now.
                if (timer != null) {
                    timer.run();
                    timer = null;
                    context.forwardReset();
                }
            }
        };
    }
}
