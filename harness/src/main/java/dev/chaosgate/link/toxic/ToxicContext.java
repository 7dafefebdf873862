package dev.chaosgate.link.toxic;

import dev.chaosgate.link.ToxicStream;

import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * What a toxic's runtime may do on its link. Every call happens on the connection's event loop,
 * so a runtime needs no locking; it must never block that thread (schedule instead of sleeping).
 */
public interface ToxicContext {

    /** Passes a chunk on to the next toxic, or to the socket when this is the last one. */
    void forward(Chunk chunk);

    /** Passes end-of-stream on; once it reaches the socket, the connection closes as Toxiproxy closes it. */
    void forwardEnd();

    /**
     * Passes end-of-stream on as a reset: it travels the toxics after this one like {@link #forwardEnd}
     * (so they still delay or hold it), and when it reaches the socket, that socket and then the other
     * one close with an RST instead of a FIN, as Toxiproxy's stub close does with {@code SO_LINGER} 0.
     */
    void forwardReset();

    /** Discards a chunk that will never be delivered. */
    void drop(Chunk chunk);

    /** Closes both sockets of the connection now (FIN), discarding anything still held. */
    void closeConnection();

    /** Resets both sockets of the connection now (RST, as with SO_LINGER 0). */
    void resetConnection();

    /** Runs {@code task} on this link's event loop after {@code delay}; the handle cancels it. */
    Runnable schedule(Runnable task, long delay, TimeUnit unit);

    /** The clock chunk timestamps use. */
    long nanoTime();

    /**
     * This toxic's random source on this link, derived from the server's seed, the proxy, the
     * connection's sequence number, the stream and the toxic's name, so draws are reproducible.
     */
    RandomGenerator random();

    /** The stream this link carries. */
    ToxicStream stream();

    /** The per-link state of a {@link StatefulToxic}, kept across updates of the toxic; null otherwise. */
    Object state();
}
