package dev.chaosgate.link.internal;

import dev.chaosgate.link.ToxicDefinition;
import dev.chaosgate.link.ToxicStream;
import dev.chaosgate.link.toxic.Chunk;
import dev.chaosgate.link.toxic.ToxicProvider;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * One direction of one connection: bytes read from {@code source} pass through the chain of
 * stages and are written to {@code sink}. Everything here runs on the connection's event loop.
 * With no toxics, reads go straight to the sink (the fast path).
 */
final class Link {
    /** Stop reading the source while this many bytes are held by toxics; resume below the low mark. */
    private static final long HELD_HIGH = 4L << 20;
    private static final long HELD_LOW = 2L << 20;

    private final Connection connection;
    private final ToxicStream stream;
    private final Channel source;
    private final Channel sink;
    private final LongAdder bytesIn;
    private final LongAdder bytesOut;
    private final List<Stage> stages = new ArrayList<>(2);
    private long held;
    private boolean reading;
    private boolean inReadBatch;
    private boolean pendingFlush;
    /** End-of-stream entered the chain: the peer closed its side, its socket failed, or the link closed that socket. */
    private boolean sourceEnded;
    /** The peer finished sending (EOF, a read error or a closed socket): nothing unread can be left behind. */
    private boolean peerDone;
    /** The link closed the source socket's output and reads what still arrives only to discard it. */
    private boolean draining;
    private boolean ended;
    /** The end travelling the chain is a reset (reset_peer): it closes the sink with an RST. */
    private boolean resetEnd;
    private boolean closed;
    /** This connection's bytes read from the source and written to the sink (the counters above are the proxy's). */
    private long read;
    private long written;
    /** Bytes discarded while draining the source before its close. */
    private long drained;

    Link(Connection connection, ToxicStream stream, Channel source, Channel sink, LongAdder bytesIn, LongAdder bytesOut) {
        this.connection = connection;
        this.stream = stream;
        this.source = source;
        this.sink = sink;
        this.bytesIn = bytesIn;
        this.bytesOut = bytesOut;
    }

    Connection connection() {
        return connection;
    }

    ToxicStream stream() {
        return stream;
    }

    EventLoop eventLoop() {
        return source.eventLoop();
    }

    boolean isClosed() {
        return closed;
    }

    /** Whether this direction's end has reached its sink (which the link then closed). */
    boolean ended() {
        return ended;
    }

    /** Whether the source's peer finished sending (EOF or a failed or closed socket). */
    boolean peerDone() {
        return peerDone;
    }

    Channel source() {
        return source;
    }

    Channel sink() {
        return sink;
    }

    void start(List<ToxicDefinition> toxics, ToxicResolver resolver) {
        for (ToxicDefinition definition : toxics) {
            addStage(definition, resolver.provider(definition), resolver.seed(connection, definition));
        }
        updateAutoRead();
    }

    /** Looks up the provider and the seed of a toxic when a stage is created. */
    interface ToxicResolver {
        ToxicProvider provider(ToxicDefinition definition);

        long seed(Connection connection, ToxicDefinition definition);
    }

    void addStage(ToxicDefinition definition, ToxicProvider provider, long seed) {
        if (closed) {
            return;
        }
        Stage stage = new Stage(this, definition, provider, seed);
        stage.index = stages.size();
        stages.add(stage);
        stage.start();
    }

    void updateStage(ToxicDefinition definition) {
        Stage stage = find(definition.name());
        if (stage != null && !closed) {
            stage.update(definition);
        }
    }

    void removeStage(String name) {
        Stage stage = find(name);
        if (stage == null) {
            return;
        }
        stage.remove();
        stages.remove(stage);
        for (int i = 0; i < stages.size(); i++) {
            stages.get(i).index = i;
        }
        stage.removed = true;
        updateAutoRead();
    }

    private Stage find(String name) {
        for (Stage stage : stages) {
            if (stage.name().equals(name)) {
                return stage;
            }
        }
        return null;
    }

    // ---- source side ----

    void onRead(ByteBuf buf) {
        if (sourceEnded) {
            drained += buf.readableBytes();
            // Read after the link closed this socket (see Connection#closeSink): Toxiproxy's reader
            // has stopped by then, so these bytes are not part of the stream, only drained for a clean FIN.
            buf.release();
            return;
        }
        int size = buf.readableBytes();
        bytesIn.add(size);
        read += size;
        if (stream == ToxicStream.UPSTREAM && connection.traffic() != null) {
            connection.traffic().fromClient(buf);
        }
        if (ended || closed) {
            // The stream already ended (limit_data): read on and discard, so the close stays a FIN.
            buf.release();
            return;
        }
        inReadBatch = true;
        if (stages.isEmpty()) {
            write(buf, size);
        } else {
            held += size;
            stages.get(0).onChunk(new Chunk(buf, System.nanoTime()));
            updateAutoRead();
        }
    }

    void onReadComplete() {
        inReadBatch = false;
        if (pendingFlush) {
            pendingFlush = false;
            sink.flush();
        }
    }

    /** The source's peer closed or half-closed its side, or its socket failed or closed. */
    void onPeerEnd() {
        peerDone = true;
        if (draining) {
            source.close();
            return;
        }
        if (!sourceEnded && stream == ToxicStream.UPSTREAM) {
            connection.clientGone();
        }
        onSourceEnd();
    }

    /**
     * End-of-stream enters the chain behind the data already read, once, whatever ended the source:
     * it travels through the toxics like a chunk (as Toxiproxy's nil chunk does).
     */
    void onSourceEnd() {
        if (sourceEnded) {
            return;
        }
        sourceEnded = true;
        deliverEnd(0);
    }

    /**
     * The link is closing the source socket (its output is shut, the peer has seen FIN): what the
     * peer still sends is read and discarded, and the socket closes once the peer is done or quiet.
     */
    void drainSource(long quietNanos, long maxNanos) {
        onSourceEnd();
        if (peerDone || !source.isActive()) {
            source.close();
            return;
        }
        draining = true;
        reading = true;
        source.config().setAutoRead(true);
        long deadline = System.nanoTime() + maxNanos;
        scheduleDrainCheck(quietNanos, deadline, drained);
    }

    private void scheduleDrainCheck(long quietNanos, long deadline, long readBefore) {
        eventLoop().schedule(() -> {
            if (!source.isOpen()) {
                return;
            }
            long readNow = drained;
            if (readNow == readBefore || System.nanoTime() - deadline >= 0) {
                source.close();
            } else {
                scheduleDrainCheck(quietNanos, deadline, readNow);
            }
        }, quietNanos, TimeUnit.NANOSECONDS);
    }

    // ---- the chain ----

    void deliver(int index, Chunk chunk) {
        if (closed || ended) {
            drop(chunk);
        } else if (index < stages.size()) {
            stages.get(index).onChunk(chunk);
        } else {
            int size = chunk.size();
            held -= size;
            // A chunk a toxic lets go leaves on its own (Toxiproxy's writer writes each chunk), so a
            // slicer's slices are not merged into one segment with what follows.
            writeNow(chunk.data(), size);
            updateAutoRead();
        }
    }

    /** End-of-stream that closes the sockets with RSTs once it has passed the toxics from {@code index} on. */
    void deliverReset(int index) {
        if (closed || ended) {
            return;
        }
        resetEnd = true;
        deliverEnd(index);
    }

    /** Whether the end that reached the sink was a reset. */
    boolean resetEnd() {
        return resetEnd;
    }

    void deliverEnd(int index) {
        if (closed || ended) {
            return;
        }
        if (index < stages.size()) {
            stages.get(index).onEnd();
        } else {
            ended = true;
            pendingFlush = false;
            updateAutoRead();
            // Toxiproxy closes the sink socket when one direction ends, which ends the other direction too.
            connection.closeSink(this);
        }
    }

    void drop(Chunk chunk) {
        held -= chunk.size();
        chunk.data().release();
        updateAutoRead();
    }

    // ---- sink side ----

    private void writeNow(ByteBuf buf, int size) {
        count(size);
        if (pendingFlush) {
            pendingFlush = false;
            sink.write(buf, sink.voidPromise());
            sink.flush();
        } else {
            sink.writeAndFlush(buf, sink.voidPromise());
        }
    }

    private void count(int size) {
        bytesOut.add(size);
        written += size;
        if (stream == ToxicStream.DOWNSTREAM && connection.traffic() != null) {
            connection.traffic().toClient(size);
        }
    }

    private void write(ByteBuf buf, int size) {
        count(size);
        if (inReadBatch) {
            sink.write(buf, sink.voidPromise());
            pendingFlush = true;
        } else {
            sink.writeAndFlush(buf, sink.voidPromise());
        }
    }

    void onSinkWritabilityChanged() {
        updateAutoRead();
    }

    private void updateAutoRead() {
        if (draining) {
            return;
        }
        // Once the stream ended, the source is read on and its bytes discarded (see onRead).
        boolean want = !closed && (ended || sink.isWritable() && held < (reading ? HELD_HIGH : HELD_LOW));
        if (want != reading) {
            reading = want;
            source.config().setAutoRead(want);
        }
    }

    /** Bytes read from the source that were never written to the sink (held or dropped by toxics). */
    long undelivered() {
        return read - written;
    }

    /** Stops the link for good: held chunks are released, timers are cancelled. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Stage stage : List.copyOf(stages)) {
            stage.interrupt();
        }
        stages.clear();
    }
}
