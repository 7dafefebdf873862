package dev.chaosgate.link.toxic;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code timeout}: swallows every byte. With {@code timeout} &gt; 0 ms it ends the stream once no
 * data has arrived for that long (an idle timer, restarted by each chunk, as in Toxiproxy); the end
 * passes the toxics after it and closes the connection. With 0 it holds the connection forever.
 * Removing it ends the stream the same way, because the bytes it swallowed leave the stream corrupt.
 */
public final class TimeoutToxic implements ToxicProvider {

    @Override
    public String type() {
        return "timeout";
    }

    @Override
    public String summary() {
        return "Swallows every byte; closes once idle for `timeout` ms, or never with 0 (a black hole).";
    }

    @Override
    public List<ToxicAttribute> attributes() {
        return List.of(ToxicAttribute.int64("timeout", 0, "ms", "Idle time before the connection is closed, in ms; 0: never."));
    }

    @Override
    public ToxicRuntime start(Map<String, Long> attributes, ToxicContext context) {
        return new Runtime(attributes.get("timeout"), context);
    }

    private static final class Runtime implements ToxicRuntime {
        private final long timeoutMs;
        private final ToxicContext context;
        private Runnable timer;
        private boolean ended;

        Runtime(long timeoutMs, ToxicContext context) {
            this.timeoutMs = timeoutMs;
            this.context = context;
            restartTimer();
        }

        private void restartTimer() {
            cancelTimer();
            if (timeoutMs > 0) {
                timer = context.schedule(this::end, timeoutMs, TimeUnit.MILLISECONDS);
            }
        }

        /**
         * Ends the stream here, as Toxiproxy's stub close does: the end passes the toxics after this
         * one, closes this stream's sink, and so the other stream and the whole connection.
         */
        private void end() {
            timer = null;
            if (!ended) {
                ended = true;
                context.forwardEnd();
            }
        }

        private void cancelTimer() {
            if (timer != null) {
                timer.run();
                timer = null;
            }
        }

        @Override
        public void onChunk(Chunk chunk) {
            context.drop(chunk);
            if (!ended) {
                restartTimer();
            }
        }

        @Override
        public void onEnd() {
            cancelTimer();
            end();
        }

        @Override
        public void interrupt() {
            cancelTimer();
        }

        @Override
        public void remove() {
            cancelTimer();
            end();
        }
    }
}
