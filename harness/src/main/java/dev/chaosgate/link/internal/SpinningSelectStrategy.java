package dev.chaosgate.link.internal;

import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.util.IntSupplier;

import java.util.concurrent.TimeUnit;

/**
 * Keeps an event loop polling (without blocking) for a few microseconds after it last had work,
 * before it goes back to sleep in the kernel. A proxied request/response bounces through the loop
 * twice; when the answer arrives within the window the loop is still awake, which saves the
 * wake-up of a sleeping thread (tens of µs on a virtual machine). An idle loop sleeps as usual.
 */
final class SpinningSelectStrategy implements SelectStrategy {
    private final long spinNanos;
    private long lastActiveNanos;
    private boolean wokeFromSleep;

    private SpinningSelectStrategy(long spinNanos) {
        this.spinNanos = spinNanos;
    }

    static SelectStrategyFactory factory(long spinMicros) {
        long nanos = TimeUnit.MICROSECONDS.toNanos(spinMicros);
        return () -> new SpinningSelectStrategy(nanos);
    }

    @Override
    public int calculateStrategy(IntSupplier selectNow, boolean hasTasks) throws Exception {
        long now = System.nanoTime();
        if (wokeFromSleep) {
            wokeFromSleep = false;
            lastActiveNanos = now;
        }
        int ready = selectNow.get();
        if (ready > 0 || hasTasks) {
            lastActiveNanos = now;
            return ready;
        }
        if (now - lastActiveNanos < spinNanos) {
            Thread.onSpinWait();
            return SelectStrategy.CONTINUE;
        }
        wokeFromSleep = true;
        return SelectStrategy.SELECT;
    }
}
