package dev.chaosgate.link.toxic;

/**
 * One toxic at work on one link of one connection. The contract every toxic keeps:
 * <ul>
 *   <li>never block: wait by {@link ToxicContext#schedule scheduling};</li>
 *   <li>keep order: chunks and end-of-stream leave in the order they came;</li>
 *   <li>on {@link #interrupt()}, hand everything still held to {@link ToxicContext#forward} at once
 *       (and a pending end to {@link ToxicContext#forwardEnd}), cancel timers, and expect no more calls,
 *       so that removing or updating a toxic on a live connection loses no byte.</li>
 * </ul>
 */
public interface ToxicRuntime {

    /** A chunk reached this toxic. */
    void onChunk(Chunk chunk);

    /** The source of this link ended; pass it on (with {@link ToxicContext#forwardEnd}) behind any chunk still held. */
    void onEnd();

    /** The toxic is being reconfigured on this link, or the connection is closing; see the class contract. */
    default void interrupt() {
    }

    /** The toxic is being removed from this link. By default the same as {@link #interrupt()}. */
    default void remove() {
        interrupt();
    }
}
