package dev.chaosgate.link.toxic;

import io.netty.buffer.ByteBuf;

/**
 * Bytes travelling one link, as one socket read delivered them, with the time they became
 * available to the next toxic. A toxic that holds a chunk owns it until it forwards or drops it.
 */
public final class Chunk {
    private final ByteBuf data;
    private long timestampNanos;

    public Chunk(ByteBuf data, long timestampNanos) {
        this.data = data;
        this.timestampNanos = timestampNanos;
    }

    public ByteBuf data() {
        return data;
    }

    public int size() {
        return data.readableBytes();
    }

    /** When this chunk arrived, or when the previous toxic released it ({@link System#nanoTime()} clock). */
    public long timestampNanos() {
        return timestampNanos;
    }

    /** Moves the timestamp, so that chained delays add up as they do in Toxiproxy. */
    public void timestampNanos(long nanos) {
        this.timestampNanos = nanos;
    }

    /** The first {@code length} bytes as a chunk of their own with the same timestamp; this chunk keeps the rest. */
    public Chunk splitFirst(int length) {
        return new Chunk(data.readRetainedSlice(length), timestampNanos);
    }
}
