package dev.chaosgate.link.internal;

import dev.chaosgate.link.ToxicDefinition;
import dev.chaosgate.link.ToxicStream;
import dev.chaosgate.link.toxic.Chunk;
import dev.chaosgate.link.toxic.StatefulToxic;
import dev.chaosgate.link.toxic.ToxicContext;
import dev.chaosgate.link.toxic.ToxicProvider;
import dev.chaosgate.link.toxic.ToxicRuntime;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * One toxic on one link: the per-connection runtime behind a {@link ToxicDefinition}. When its
 * toxicity roll fails, the stage passes everything straight through.
 */
final class Stage implements ToxicContext {
    private final Link link;
    private final ToxicProvider provider;
    private final Object state;
    private final SplittableRandom random;
    private ToxicDefinition definition;
    private ToxicRuntime runtime;
    /** Position in the link's chain; a removed stage keeps the slot its successor moved into. */
    int index;
    boolean removed;

    Stage(Link link, ToxicDefinition definition, ToxicProvider provider, long seed) {
        this.link = link;
        this.definition = definition;
        this.provider = provider;
        this.state = provider instanceof StatefulToxic stateful ? stateful.newState() : null;
        this.random = new SplittableRandom(seed);
    }

    String name() {
        return definition.name();
    }

    /** Rolls toxicity (with this stage's own seeded source) and starts the runtime if it applies. */
    void start() {
        try {
            runtime = random.nextFloat() < definition.toxicity() ? provider.start(definition.attributes(), this) : null;
        } catch (RuntimeException e) {
            // A toxic that cannot start must not leave its connection silently stalled.
            runtime = null;
            link.connection().close(true);
        }
    }

    void update(ToxicDefinition newDefinition) {
        interrupt();
        definition = newDefinition;
        start();
    }

    void interrupt() {
        ToxicRuntime current = runtime;
        runtime = null;
        if (current != null) {
            current.interrupt();
        }
    }

    void remove() {
        ToxicRuntime current = runtime;
        runtime = null;
        if (current != null) {
            current.remove();
        }
    }

    void onChunk(Chunk chunk) {
        if (runtime == null) {
            forward(chunk);
        } else {
            runtime.onChunk(chunk);
        }
    }

    void onEnd() {
        if (runtime == null) {
            forwardEnd();
        } else {
            runtime.onEnd();
        }
    }

    private int next() {
        return removed ? index : index + 1;
    }

    @Override
    public void forward(Chunk chunk) {
        link.deliver(next(), chunk);
    }

    @Override
    public void forwardEnd() {
        link.deliverEnd(next());
    }

    @Override
    public void forwardReset() {
        link.deliverReset(next());
    }

    @Override
    public void drop(Chunk chunk) {
        link.drop(chunk);
    }

    @Override
    public void closeConnection() {
        link.connection().close(false);
    }

    @Override
    public void resetConnection() {
        link.connection().close(true);
    }

    @Override
    public Runnable schedule(Runnable task, long delay, TimeUnit unit) {
        ScheduledFuture<?> future = link.eventLoop().schedule(() -> {
            if (!link.isClosed()) {
                task.run();
            }
        }, delay, unit);
        return () -> future.cancel(false);
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public RandomGenerator random() {
        return random;
    }

    @Override
    public ToxicStream stream() {
        return link.stream();
    }

    @Override
    public Object state() {
        return state;
    }
}
