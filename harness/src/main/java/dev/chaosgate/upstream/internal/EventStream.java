package dev.chaosgate.upstream.internal;

import dev.chaosgate.upstream.StreamPacing;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;

/**
 * A streamed answer as WireMock reads it: each event is released at its time and flushed to the
 * client before the next wait, so the client sees events spaced like a model's tokens. The stream
 * may pause, end early, or reset the connection, as its steps say.
 */
final class EventStream extends InputStream {

    /** One thing the stream does. */
    sealed interface Step {
    }

    /** Send an event (its complete SSE text). */
    record Emit(byte[] bytes) implements Step {
    }

    /** Send nothing for a while. */
    record Pause(Duration duration) implements Step {
    }

    /** Reset the TCP connection (what has been flushed so far has been sent). */
    record Reset() implements Step {
    }

    private static final long SLICE_MS = 50;

    private final List<Step> steps;
    private final StreamPacing pacing;
    private final RequestScope scope;
    private boolean started;
    private int next;
    private int emitted;
    private byte[] current = new byte[0];
    private int position;

    EventStream(List<Step> steps, StreamPacing pacing, RequestScope scope) {
        this.steps = steps;
        this.pacing = pacing;
        this.scope = scope;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            // WireMock peeks at bodies for its logs with a limit of 0: that must not start the stream.
            return 0;
        }
        if (!started) {
            // Status and headers go out at once, as a real server's do; the events follow at their pace.
            started = true;
            scope.response.flushBuffer();
        }
        while (position >= current.length) {
            if (emitted > 0) {
                // WireMock writes what we returned last time into Jetty's buffer; push it out now.
                scope.response.flushBuffer();
            }
            if (next >= steps.size()) {
                // Recorded before WireMock closes the response, so before the client sees the end.
                scope.finish();
                return -1;
            }
            Step step = steps.get(next++);
            if (step instanceof Pause pause) {
                sleep(pause.duration());
            } else if (step instanceof Reset) {
                scope.finish();
                JettySockets.reset(scope.request);
                throw new IOException("chaosgate reset the connection mid-stream");
            } else if (step instanceof Emit emit) {
                sleep(emitted == 0 ? pacing.firstEvent() : pacing.betweenEvents());
                current = emit.bytes();
                position = 0;
                emitted++;
            }
        }
        int count = Math.min(length, current.length - position);
        System.arraycopy(current, position, buffer, offset, count);
        position += count;
        return count;
    }

    /**
     * Waits in slices of at most {@value #SLICE_MS} ms, so a stream whose client went away (a proxy in
     * front said so) stops within a slice instead of holding its thread to the end of a long stall.
     */
    private void sleep(Duration duration) throws IOException {
        long deadline = System.nanoTime() + duration.toNanos();
        for (long left = duration.toNanos(); left > 0; left = deadline - System.nanoTime()) {
            checkClient();
            long slice = Math.min(left, SLICE_MS * 1_000_000);
            try {
                Thread.sleep(slice / 1_000_000, (int) (slice % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("stream interrupted");
            }
        }
        checkClient();
    }

    private void checkClient() throws IOException {
        if (scope.cutShort) {
            throw new IOException("the client closed the connection mid-stream");
        }
    }
}
